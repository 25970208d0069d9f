"""The engine makes its documents (explanations, roadmaps, summaries, report contexts) without validating them
(``results.made``): each one must be exactly what validation makes from the same values, type for type.

With the switch ``results.CHECK_MADE`` on, every ``made`` call also validates its values and compares the two
objects (types, values, field order, fields set); here every document the engine offers is made on each shipped
example with the switch on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mlops_maturity.engine import results
from mlops_maturity.engine.explain import Completion, framework_explanation, level_explanation, practice_explanation
from mlops_maturity.engine.facts import load_fact_file
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.report import build_context
from mlops_maturity.engine.results import made
from mlops_maturity.engine.roadmap import EffortRange, plan, plan_roadmap
from mlops_maturity.engine.session import Session
from mlops_maturity.engine.summary import summarize

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(results, "CHECK_MADE", True)


def _completion(**values: object) -> Completion:
    fields = {"id": "PP", "kind": "process_area", "name": "n", "missing": [], "adopt": [], "assess_first": [],
              "cost": 1.5, "adoptable": True, "needs": "nothing."}
    return made(Completion, **{**fields, **values})


def test_made_fills_defaults_and_makes_numbers_floats_as_validation_does(checked: None) -> None:
    c = _completion(cost=2)
    assert type(c.cost) is float and c.obstacles == [] and c.goals == []
    assert c.model_fields_set == {"id", "kind", "name", "missing", "adopt", "assess_first", "cost", "adoptable",
                                  "needs"}
    assert _completion().obstacles is not _completion().obstacles
    assert c == Completion.model_validate(c.model_dump())
    assert type(made(EffortRange, min=0, max=True, mid=0.5).max) is float


def test_made_refuses_unknown_and_missing_fields() -> None:
    with pytest.raises(TypeError, match=r"unknown fields \['other'\]"):
        _completion(other=1)
    with pytest.raises(TypeError, match=r"missing \['adopt', 'adoptable'"):
        made(Completion, id="PP", kind="goal", name="n", missing=[], assess_first=[], cost=1.0, needs="x")


def test_made_makes_only_models_it_knows_how_to() -> None:
    from pydantic import BaseModel, ConfigDict, Field

    class Open(BaseModel):
        n: int = 0

    class Factory(BaseModel):
        model_config = ConfigDict(frozen=True)
        items: list[int] = Field(default_factory=list)

    with pytest.raises(TypeError, match="frozen models"):
        made(Open, n=1)
    with pytest.raises(TypeError, match="Factory.items: made.. knows no default factories"):
        made(Factory)


def test_the_switch_finds_what_validation_would_change(checked: None) -> None:
    with pytest.raises(AssertionError, match=r"Completion.missing: tuple \(\), validation makes list"):
        _completion(missing=())
    with pytest.raises(AssertionError, match=r"Completion.goals\[0\]: dict"):
        _completion(goals=[{"id": "PP.SG1", "kind": "goal", "name": "g", "missing": [], "adopt": [],
                            "assess_first": [], "cost": 0.0, "adoptable": True, "needs": "x"}])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_document_is_what_validation_makes(checked: None, kb: KnowledgeBase, path: Path) -> None:
    facts = load_fact_file(path, kb)
    session = Session(kb, facts, {}, verify=False, source=str(path))
    for level in range(1, 6):
        level_explanation(session, level)
        level_explanation(session, level, furthest=False)
    for fid, fw in sorted(kb.frameworks.items()):
        framework_explanation(session, fid)
        framework_explanation(session, fid, fw.levels[-1].level)
        plan(session, target=(fid, fw.levels[-1].level))
    plan(session, capacity=6)
    plan(session, target=5, plan_unobserved=True)
    summarize(session)
    statuses = {p.status: p.id for p in reversed(session.assessment.practices)}
    for pid in sorted(statuses.values()):
        practice_explanation(session, pid)
    for target in (None, 5, "google:2"):
        build_context(session, target=target, capacity=4.5, appendix=True, layout="one-pager")
    assumed = Session(kb, facts, {sorted(kb.practices)[0]: "FI"}, verify=False, source=str(path))
    build_context(assumed)
    plan_roadmap(kb, facts, assumptions={sorted(kb.practices)[1]: "PI"}, evaluator="reference")


def test_report_options_a_caller_passes_are_validated_unless_plain(kb: KnowledgeBase) -> None:
    session = Session(kb, load_fact_file(EXAMPLES[0], kb), {}, verify=False)
    assert build_context(session, appendix=1).report.appendix is True
    assert build_context(session, layout="one-pager").report.layout == "one-pager"
