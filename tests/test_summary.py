"""The summary is derived from the assessment: strengths are what is in place, gaps are what is not, nothing
assessed reads as "not assessed", and the only fixed text is the CMMI definition of the level."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from mlops_maturity.engine import documents
from mlops_maturity.engine.facts import FactFile, check_fact_file
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.session import Session
from mlops_maturity.engine.summary import STANDING, Summary, summarize

from tests.strategies import fact_files

KB = load_knowledge_base()


def _facts(practices: dict[str, Any], **extra: Any) -> FactFile:
    data = {"organization": "Test Org", "assessed_on": "2026-01-01", "practices": practices, **extra}
    return check_fact_file(documents.Document("test.yaml", data, {}), KB)


def _sentences(s: Summary) -> list[str]:
    return [s.reason, *(x.text for x in s.strengths), *(g.text for g in s.gaps),
            *([s.strengths_text] if s.strengths_text else [])]


def _prefix(kb: KnowledgeBase, prefix: str) -> list[str]:
    return [p for p in kb.practices if p.startswith(prefix)]


@pytest.fixture(scope="module")
def engineering_no_planning() -> Summary:
    practices: dict[str, Any] = {p: "FI" for p in _prefix(KB, "ml.")}
    practices.update({p: "NI" for p in _prefix(KB, "plan.")})
    return summarize(Session(KB, _facts(practices)))


def test_strong_engineering_and_no_planning_names_both(engineering_no_planning: Summary) -> None:
    s = engineering_no_planning
    technology = next(x for x in s.strengths if x.dimension == "technology")
    named = {p.id for p in technology.practices}
    assert {"ml.source-control", "ml.model-registry", "ml.containerized-components"} <= named
    assert "Model registry" in technology.text
    planning = [g for g in s.gaps if "PP" in g.process_areas]
    assert planning, [g.text for g in s.gaps]
    assert all(g.status == "NI" and "is not in place" in g.text for g in planning if g.id.startswith("plan."))
    assert any(g.id.startswith("plan.") for g in planning)
    assert "PP" in s.reason and s.next_level_status == "failed"


def test_gaps_are_three_to_five_failed_first(engineering_no_planning: Summary) -> None:
    gaps = engineering_no_planning.gaps
    assert 3 <= len(gaps) <= 5
    order = ["PI", "NI", "NA", "NY", "not_observed"]
    ranks = [0 if g.status in ("PI", "NI") else order.index(g.status) for g in gaps]
    assert ranks == sorted(ranks), [(g.id, g.status) for g in gaps]


def test_versioned_engineering_never_reads_as_unversioned() -> None:
    facts = _facts({"ml.source-control": "FI", "ml.feature-store": "FI", "ml.containerized-components": "FI",
                    "ml.data-versioning": "FI", "ml.model-registry": "LI"})
    s = summarize(Session(KB, facts))
    assert s.level == 1
    text = " ".join(_sentences(s)).lower()
    for claim in ("not version", "nobody can rebuild", "notebooks by whoever", "not tied together"):
        assert claim not in text
    for level in KB.maturity_levels:  # the per-level ML text never appears; only the CMMI definition does
        assert level.ml_meaning.strip() not in text
    named = {p.id for x in s.strengths for p in x.practices}
    assert {"ml.source-control", "ml.feature-store", "ml.containerized-components"} <= named
    assert s.definition.text == next(lv.description.strip() for lv in KB.maturity_levels if lv.level == 1)
    assert s.definition.label == "CMMI-DEV v1.3 definition of maturity level 1 (Initial)"


def test_nothing_assessed_reads_as_not_assessed() -> None:
    s = summarize(Session(KB, _facts({})))
    assert s.assessed == 0 and s.strengths == []
    assert s.strengths_text is not None and s.strengths_text.startswith("Nothing has been assessed yet")
    assert "nothing has been assessed yet" in s.reason and s.next_level_status == "undetermined"
    assert s.gaps and all(g.status == "not_observed" and g.standing == "not assessed yet (verify)" for g in s.gaps)
    for sentence in _sentences(s):
        assert "not in place" not in sentence and "partially" not in sentence, sentence


def test_undetermined_when_nothing_failed() -> None:
    practices = {p: "FI" for p in _prefix(KB, "ml.")}
    s = summarize(Session(KB, _facts(practices)))
    assert s.next_level_status == "undetermined"
    assert "level 2 is undetermined" in s.reason and "nothing assessed has failed" in s.reason


def test_partial_practice_named_as_partial() -> None:
    s = summarize(Session(KB, _facts({"plan.ml-project-plan": "PI"})))
    gap = next(g for g in s.gaps if g.id == "plan.ml-project-plan")
    assert gap.standing == "partially in place" and "ML project plan (PP) is partially in place" in gap.text
    assert "PP: ML project plan partially in place" in s.reason


def test_level_five_says_so() -> None:
    s = summarize(Session(KB, _facts({p: "FI" for p in KB.practices})))
    assert s.level == 5 and s.next_level is None and s.gaps == []
    assert s.reason.startswith("Maturity level 5 (Optimizing):") and "no higher level" in s.reason


def test_same_input_same_summary() -> None:
    facts = _facts({"plan.ml-project-plan": "PI", "ml.source-control": "FI"})
    assert summarize(Session(KB, facts)).model_dump_json() == summarize(Session(KB, facts)).model_dump_json()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fact_files(KB))
def test_strengths_in_place_gaps_not(facts: FactFile) -> None:
    session = Session(KB, facts, evaluator="reference")
    s = summarize(session)
    status = {p.id: p.status for p in session.assessment.practices}
    for strength in s.strengths:
        for p in strength.practices:
            assert status[p.id] in ("FI", "LI") and p.status == status[p.id]
            assert KB.practices[p.id].dimension.value == strength.dimension
    assert len(s.gaps) <= 5
    for gap in s.gaps:
        assert gap.status not in ("FI", "LI")
        if gap.kind == "practice":
            assert gap.status == status[gap.id] and gap.standing == STANDING[gap.status]
            assert f"{gap.name} (" in gap.text and f"is {gap.standing};" in gap.text
    assert (s.next_level is None) == (s.level == 5)
    assert s.reason.startswith(f"Maturity level {s.level} ")
    if s.assessed == 0:
        assert not s.strengths and s.strengths_text and "Nothing has been assessed" in s.strengths_text
