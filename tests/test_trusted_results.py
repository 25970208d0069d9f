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


def test_the_cross_check_finds_a_difference_in_every_part_of_the_conclusions(kb: KnowledgeBase) -> None:
    """``compare`` answers "they agree" without building the canonical forms: each part still counts."""
    import copy

    from mlops_maturity.engine import reference
    from mlops_maturity.engine.assessment import compare, direct_statuses, effective_statuses

    facts = load_fact_file(ROOT / "examples" / "regulated-bank.yaml", kb)
    statuses = effective_statuses(kb, facts, {})
    base = reference.evaluate(kb, statuses, dict(facts.context), direct_statuses(facts), sorted(facts.out_of_scope))
    assert compare(base, copy.deepcopy(base)) == []
    changes = {
        "alt_status": lambda c: c.alt_status.update({next(iter(c.alt_status)): "odd"}),
        "mp_status": lambda c: c.mp_status.update({next(iter(c.mp_status)): "odd"}),
        "goal_status": lambda c: c.goal_status.update({next(iter(c.goal_status)): "odd"}),
        "pa_status": lambda c: c.pa_status.update({next(iter(c.pa_status)): ("odd", 9)}),
        "levels_met": lambda c: c.levels_met.add(9),
        "maturity_level": lambda c: setattr(c, "maturity_level", 9),
        "framework_level_status": lambda c: c.framework_level_status.update(
            {next(iter(c.framework_level_status)): "odd"}),
        "framework_level": lambda c: c.framework_level.update({next(iter(c.framework_level)): 9}),
        "blocked_by": lambda c: c.blocked_by.update({next(iter(c.blocked_by)): ["odd"]}),
        "ready": lambda c: c.ready.add("odd"),
        "findings": lambda c: c.findings.append("odd"),
    }
    for part, change in changes.items():
        other = copy.deepcopy(base)
        change(other)
        assert any(line.startswith(part) for line in compare(base, other)), part
    reordered = copy.deepcopy(base)
    reordered.findings.reverse()
    reordered.blocked_by = {k: list(reversed(v)) for k, v in reordered.blocked_by.items()}
    assert compare(base, reordered) == []
