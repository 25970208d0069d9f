"""The result builder makes its models without validating them again (``results.trusted``): what it makes must be
exactly what validation would make from the same data, field for field and in the JSON text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_maturity.engine.api import to_json
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.facts import FactFile, load_fact_file
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.results import Assessment, Coverage, Result, trusted

from tests.strategies import fact_files

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = load_knowledge_base()


def _field_order_holds(value: object) -> None:
    """Every model in the tree holds exactly its fields, in the declared order (the JSON order)."""
    if isinstance(value, Result):
        assert list(value.__dict__) == list(type(value).model_fields), type(value).__name__
        for item in value.__dict__.values():
            _field_order_holds(item)
    elif isinstance(value, list):
        for item in value:
            _field_order_holds(item)


def same_as_validated(result: Assessment) -> None:
    validated = Assessment.model_validate(result.model_dump())
    assert validated == result
    assert Assessment.model_validate(result.model_dump(mode="json")) == result
    assert to_json(validated) == to_json(result)
    _field_order_holds(result)


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_build_what_validation_builds(kb: KnowledgeBase, path: Path) -> None:
    facts = load_fact_file(path, kb)
    same_as_validated(assess(kb, facts, source=str(path)))
    same_as_validated(assess(kb, facts, {"ml.model-registry": "FI", "cfg.configuration-audits": "NY"},
                             max_evidence_age=30))


def test_typed_evidence_answers_and_direct_characterizations_build_what_validation_builds(kb: KnowledgeBase) -> None:
    pid, other = sorted(kb.practices)[:2]
    facts = FactFile.model_validate({
        "organization": "t", "assessed_on": dt.date(2026, 1, 1),
        "practices": {
            pid: {"status": "LI", "note": "n", "observed_on": dt.date(2024, 1, 1),
                  "evidence": ["plain", {"text": "typed", "type": "artifact", "source": "wiki", "by": "ana",
                                         "on": dt.date(2025, 12, 1)}],
                  "answers": [{"respondent": "ana", "status": "LI", "on": dt.date(2025, 12, 2),
                               "evidence": ["said", {"text": "doc", "type": "affirmation"}]}]},
            other: {"answers": [{"respondent": "ana", "status": "FI"}, {"respondent": "bob", "status": "PI"}]},
        },
        "model_practices": {sorted(kb.model_practices)[0]: {"status": "PI", "rationale": "seen", "evidence": ["x"]}},
    })
    same_as_validated(assess(kb, facts))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_fact_files_build_what_validation_builds(data: st.DataObject) -> None:
    same_as_validated(assess(SHIPPED, data.draw(fact_files(SHIPPED)), evaluator="reference"))


def test_a_missing_unknown_or_misplaced_field_is_an_error() -> None:
    with pytest.raises(TypeError, match="expected the fields"):
        trusted(Coverage, {"satisfied": 1, "other": 2})
    with pytest.raises(TypeError, match="expected the fields"):
        trusted(Coverage, {"satisfied": 1})
    with pytest.raises(TypeError, match="in that order"):
        trusted(Coverage, {"total": 2, "satisfied": 1})
    assert trusted(Coverage, {"satisfied": 1, "total": 2}) == Coverage(satisfied=1, total=2)
