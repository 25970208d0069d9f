"""Properties of explanations over generated fact files (issue 10 §3, rating model v2).

For a maturity level N:

* the process areas named are exactly the in-scope areas of levels <= N below the capability level N needs, with
  the status and capability level ``assess`` reports; areas out of scope are listed apart;
* each area names exactly its specific goals that do not hold and its own generic goals N needs that do not hold;
  each goal names exactly its CMMI practices that are not satisfied, failed ones apart from undetermined ones;
* every alternative shown lacks exactly its members that are not satisfied (NA left out unless all are NA), with the
  statuses and unmet prerequisites ``assess`` reports; the alternative marked cheapest has the lowest (cost, -value,
  size, order) among those that lack something;
* when nothing blocks (no direct characterization decides a needed CMMI practice as unsatisfied): assuming the
  adoption set FI reaches N (rules engine), and the set is irredundant: dropping any single member loses N
  (checked with the reference evaluator); it is then called minimal;
* nothing contradicts ``assess``.

Generated fact files add direct characterizations and out-of-scope areas to the shared strategy. Explanations with
many re-inferences run on reference-evaluator sessions; the examples and the CLI run the rules engine with verify.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_maturity.cli.app import app
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.explain import (
    AlternativeGap,
    LevelExplanation,
    framework_explanation,
    level_explanation,
    practice_explanation,
)
from mlops_maturity.engine.facts import FactFile, load_fact_file
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.rating import required_capability
from mlops_maturity.engine.session import Session
from typer.testing import CliRunner

from tests.conftest import EXAMPLES
from tests.strategies import fact_files

SHIPPED = load_knowledge_base()
COUNTS = ("FI", "LI")


@st.composite
def v2_fact_files(draw: st.DrawFn, kb: KnowledgeBase) -> FactFile:
    """The shared strategy's fact files, sometimes with areas out of scope and direct characterizations."""
    base = draw(fact_files(kb)).model_dump(mode="json")
    scoped = {pa: "no supplier" for pa in kb.scopable_areas if draw(st.booleans())}
    direct = {}
    candidates = sorted(m for m, mp in kb.model_practices.items() if mp.process_area not in scoped)
    for mid in draw(st.lists(st.sampled_from(candidates), max_size=3, unique=True)):
        direct[mid] = {"status": draw(st.sampled_from(["FI", "LI", "PI", "NI", "NY"])), "rationale": "seen"}
    return FactFile.model_validate({**base, "out_of_scope": scoped, "model_practices": direct})


def oracle(kb: KnowledgeBase, facts: FactFile) -> Session:
    """The reference evaluator alone (the test oracle ``test_inference_agreement`` holds equal to the rules)."""
    return Session(kb, facts, evaluator="reference")


def _key(x: AlternativeGap, index: int) -> tuple[float, int, int, int]:
    return (x.cost, -x.value, len(x.lacks) + len(x.prerequisites), index)


def check_level(kb: KnowledgeBase, facts: FactFile, level: int, e: LevelExplanation | None = None) -> None:
    if e is None:
        e = level_explanation(Session(kb, facts, evaluator="reference"), level)
    a = assess(kb, facts)  # the rules engine, cross-checked against the reference evaluator
    need = required_capability(level) if level >= 2 else 0

    assert e.maturity_level == a.maturity_level
    assert e.reached == (a.maturity_level >= level)
    assert e.blocking_level == (None if e.reached else a.maturity_level + 1)
    areas = {pa.id: pa for pa in a.process_areas}
    mps = {m.id: m for pa in a.process_areas for g in pa.goals + pa.generic_goals for m in g.practices}
    mps |= {m.id: m for g in a.generic_goals for m in g.practices}
    practices = {p.id: p for p in a.practices}

    in_range = [pa for pa in a.process_areas if pa.maturity_level <= level and level >= 2]
    assert e.out_of_scope == [pa.id for pa in in_range if pa.status == "out_of_scope"]
    short = [pa.id for pa in in_range if pa.status != "out_of_scope"
             and not (pa.status == "satisfied" and (pa.capability_level or 0) >= need)]
    assert [x.id for x in e.process_areas] == short
    assert e.reached == (not e.process_areas)
    for area in e.process_areas:
        r = areas[area.id]
        assert (area.status, area.capability_level, area.required_capability) == (r.status, r.capability_level, need)
        assert [g.id for g in area.goals] == [g.id for g in r.goals if g.status != "satisfied"]
        assert [g.id for g in area.generic_goals] == [g.id for g in r.generic_goals if g.status != "satisfied"
                                                      and (g.id.endswith(".GG2") or need >= 3)]
        for goal in [*area.goals, *area.generic_goals]:
            reported = next(g for g in r.goals + r.generic_goals if g.id == goal.id)
            assert goal.status == reported.status != "satisfied"
            assert [m.id for m in goal.practices] == [m.id for m in reported.practices if m.status != "satisfied"]
            assert goal.failed == [m.id for m in reported.practices if m.status == "failed"]
            assert goal.unknown == [m.id for m in reported.practices if m.status == "unknown"]
            if goal.status == "unsatisfied":
                assert goal.failed
            else:  # not rated: nothing failed
                assert not goal.failed and (goal.unknown or goal.not_applicable)
            for mp in goal.practices:
                assert mp.status == mps[mp.id].status and mp.direct == mps[mp.id].direct
                for x in mp.alternatives:
                    members = [practices[p] for p in x.practices]
                    expected = [p.id for p in members if not p.satisfied and p.status != "NA"]
                    if x.status == "not_applicable":
                        expected = [p.id for p in members if not p.satisfied]
                    assert [p.id for p in x.lacks] == ([] if x.status == "satisfied" else expected)
                    for p in x.lacks:
                        assert p.status == practices[p.id].status and p.status not in COUNTS
                        assert facts.practices.get(p.id) is None or facts.practices[p.id].status.value not in COUNTS
                        assert [q.id for q in p.prerequisites] == practices[p.id].blocked_by
                marked = [x for x in mp.alternatives if x.cheapest]
                if mp.direct is not None or not any(x.lacks for x in mp.alternatives):
                    assert not marked and not mp.adoptable
                else:
                    (best,) = marked
                    ranked = [(_key(x, i), x.label) for i, x in enumerate(mp.alternatives) if x.lacks]
                    assert min(ranked)[1] == best.label == mp.cheapest

    if e.reached:
        assert e.minimal_adoption == [] and e.verified
        return
    assert e.achievable == (not e.obstacles)
    if not e.achievable:
        assert not e.minimal and e.minimal_adoption == []
        return
    assert e.verified and e.minimal
    assumed = {p: "FI" for p in e.minimal_adoption}
    assert assess(kb, facts, assumed, verify=False).maturity_level >= level
    reference = oracle(kb, facts)
    for pid in e.minimal_adoption:
        smaller = {p: s for p, s in assumed.items() if p != pid}
        assert reference.conclusions_with(smaller).maturity_level < level, f"{pid} can be dropped"
    assert e.minimal_adoption == sorted(e.minimal_adoption)
    assert all(not practices[p].satisfied for p in e.minimal_adoption)
    assert not set(e.prerequisites_first) & set(e.minimal_adoption)
    assert all(not practices[q].satisfied for q in e.prerequisites_first)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), level=st.integers(1, 5))
def test_level_explanations_on_shipped_kb(data: st.DataObject, level: int) -> None:
    check_level(SHIPPED, data.draw(v2_fact_files(SHIPPED)), level)


def check_framework(kb: KnowledgeBase, facts: FactFile, framework: str, level: int) -> None:
    e = framework_explanation(Session(kb, facts, evaluator="reference"), framework, level)
    a = assess(kb, facts)
    result = a.framework(framework)
    assert e.current_level == result.level
    assert e.reached == (result.level is not None and result.level >= level)
    for lv in e.levels:
        reported = next(x for x in result.levels if x.level == lv.level)
        assert (lv.status, lv.met, lv.missing) == (reported.status, reported.met, reported.missing)
        assert (lv.failed, lv.undetermined) == (reported.failed, reported.unknown)
        assert not set(lv.failed) & set(lv.undetermined)
        if lv.status == "met":
            assert not lv.requirements
    if e.reached:
        assert e.minimal_adoption == []
        return
    assert e.verified and e.minimal
    assumed = {p: "FI" for p in e.minimal_adoption}
    reached = assess(kb, facts, assumed, verify=False).framework(framework).level
    assert reached is not None and reached >= level
    reference = oracle(kb, facts)
    for pid in e.minimal_adoption:
        smaller = {p: s for p, s in assumed.items() if p != pid}
        after = reference.conclusions_with(smaller).framework_level.get(framework)
        assert after is None or after < level, f"{pid} can be dropped"
    assert not set(e.prerequisites_first) & set(e.minimal_adoption)
    for q in e.prerequisites_first:
        assert not a.practice(q).satisfied


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_framework_explanations_on_shipped_kb(data: st.DataObject) -> None:
    framework = data.draw(st.sampled_from(sorted(SHIPPED.frameworks)))
    level = data.draw(st.sampled_from([lv.level for lv in SHIPPED.frameworks[framework].levels]))
    check_framework(SHIPPED, data.draw(v2_fact_files(SHIPPED)), framework, level)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_practice_explanations_agree_with_assess(data: st.DataObject) -> None:
    facts = data.draw(v2_fact_files(SHIPPED))
    pid = data.draw(st.sampled_from(sorted(SHIPPED.practices)))
    session = Session(SHIPPED, facts, evaluator="reference")
    e = practice_explanation(session, pid, roadmap=False)
    a = assess(SHIPPED, facts)
    p = a.practice(pid)
    assert (e.status, e.satisfied, e.ready) == (p.status, p.satisfied, p.ready)
    assert [q.id for q in e.waits_for] == p.blocked_by
    assert [x.id for x in e.implements] == p.implements
    mps = {m.id: m for pa in a.process_areas for g in pa.goals + pa.generic_goals for m in g.practices}
    mps |= {m.id: m for g in a.generic_goals for m in g.practices}
    for x in e.implements:
        assert x.status == mps[x.id].status
        assert x.holds_back == (x.status != "satisfied" and p.status not in ("FI", "LI", "NA"))
    for f in e.frameworks:
        level = next(x for x in a.framework(f.framework).levels if x.level == f.level)
        assert (f.status, f.met) == (level.status, level.met)
    if a.maturity_level < 5 and not p.satisfied:
        following = level_explanation(session, a.maturity_level + 1)
        assert (e.needed_for_next_level == "adopt") == (pid in following.minimal_adoption)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_level_explanations_on_examples(path: Path) -> None:
    facts = load_fact_file(path, SHIPPED)
    for level in range(1, 6):
        check_level(SHIPPED, facts, level)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_cli_why_never_contradicts_cli_assess(path: Path, runner: CliRunner) -> None:
    """On the rules engine with verify: level 1 and the level above the assessed one (the golden one)."""
    assessed = json.loads(runner.invoke(app, ["assess", str(path), "-f", "json"]).stdout)
    for level in sorted({1, min(assessed["maturity_level"] + 1, 5)}):
        result = runner.invoke(app, ["why", str(path), "--level", str(level), "-f", "json"])
        assert result.exit_code == 0, result.stderr
        why = json.loads(result.stdout)
        assert why["maturity_level"] == assessed["maturity_level"]
        assert why["reached"] == (assessed["maturity_level"] >= level)
        statuses = {pa["id"]: (pa["status"], pa["capability_level"]) for pa in assessed["process_areas"]}
        assert all(statuses[pa["id"]] == (pa["status"], pa["capability_level"]) for pa in why["process_areas"])
        observed = {p["id"]: p["status"] for p in assessed["practices"]}
        lacks = [p for pa in why["process_areas"] for g in pa["goals"] + pa["generic_goals"]
                 for m in g["practices"] for alt in m["alternatives"] for p in alt["lacks"]]
        assert all(observed[p["id"]] == p["status"] and p["status"] not in ("FI", "LI") for p in lacks)
        if not why["reached"] and why["achievable"]:
            assert why["verified"] and why["minimal"]
