"""Properties of explanations over generated fact files (issue 5, "Done when").

For a maturity level N:

* the process areas named are exactly those of levels <= N that the assessment reports unsatisfied or not rated;
  areas whose specific goals hold but whose capability level is too low for N are named instead under the generic
  goal (GG2, or GG3 for N >= 3) that holds them back, and those generic goals are exactly the ones N needs that do
  not hold;
* assuming ``minimal_adoption`` FI reaches N, and dropping any single practice from it does not;
* every practice named as failing is not FI/LI in the input (it is PI, NI, NY, not observed, or, only for a generic
  goal whose practices are all NA, NA);
* nothing contradicts ``assess``: reached, blocking level, statuses of areas, goals and practices.

Dropping practices is checked with the reference evaluator (plain Python, the test oracle that
``test_inference_agreement`` holds equal to the rules engine), which keeps a minimal set of 100+ practices cheap;
reaching N is checked with the rules engine itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_maturity.cli.app import app
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.errors import UserInputError
from mlops_maturity.engine.explain import explain_framework, explain_level, explain_practice
from mlops_maturity.engine.facts import FactFile, load_fact_file
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.results import Assessment
from mlops_maturity.engine.roadmap import plan_roadmap
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, MINI_KB
from tests.strategies import fact_files

SHIPPED = load_knowledge_base()
MINI = load_knowledge_base(base=MINI_KB)
COUNTS = ("FI", "LI")


def reference_level(kb: KnowledgeBase, facts: FactFile, assumed: dict[str, str]) -> int:
    return assess(kb, facts, assumed, evaluator="reference").maturity_level


def check_level(kb: KnowledgeBase, facts: FactFile, level: int) -> None:
    e = explain_level(kb, facts, level, verify=False)
    a = assess(kb, facts)  # with the cross-check against the reference evaluator
    required = 2 if level == 2 else 3

    # never contradicts assess
    assert e.maturity_level == a.maturity_level
    assert e.reached == (a.maturity_level >= level)
    assert e.blocking_level == (None if e.reached else a.maturity_level + 1)
    areas = {pa.id: pa for pa in a.process_areas}
    goals = {g.id: g for pa in a.process_areas for g in pa.goals} | {g.id: g for g in a.generic_goals}
    practices = {p.id: p for p in a.practices}

    # the areas named are exactly those of levels <= N reported not satisfied
    expected = [pa.id for pa in a.process_areas
                if pa.maturity_level <= level and pa.status in ("unsatisfied", "not_rated")]
    assert [x.id for x in e.process_areas] == expected
    for area in e.process_areas:
        assert (area.status, area.capability_level) == (areas[area.id].status, areas[area.id].capability_level)
        failing_goals = [g.id for g in areas[area.id].goals if g.status in ("unsatisfied", "not_rated")]
        assert [g.id for g in area.goals] == failing_goals
        for goal in area.goals:
            assert goal.status == goals[goal.id].status
            assert [p.id for p in goal.practices] == [p.id for p in goals[goal.id].practices
                                                      if p.status not in ("FI", "LI", "NA")]

    # the generic goals named are exactly those N needs that do not hold; they name the areas they hold back
    applicable = [pa for pa in a.process_areas if pa.maturity_level <= level and pa.status != "not_applicable"]
    needed = [g for g in a.generic_goals if applicable and (g.id == "GG2" or level >= 3) and level >= 2]
    assert [g.id for g in e.generic_goals] == [g.id for g in needed if g.status != "satisfied"]
    too_low = {pa.id for pa in applicable if pa.status == "satisfied" and (pa.capability_level or 0) < required}
    held = {pid for g in e.generic_goals for pid in g.held_back}
    assert held == too_low
    for gg in e.generic_goals:
        assert gg.status == goals[gg.id].status
        for pid in gg.held_back:
            assert areas[pid].status == "satisfied" and areas[pid].capability_level < gg.capability_level
    assert e.reached == (not e.process_areas and not e.generic_goals)

    # every practice named as failing is not FI/LI in the input, and is reported as assess reports it
    named = [p for x in e.process_areas for g in x.goals for p in g.practices]
    named += [p for g in e.generic_goals for p in g.practices]
    for p in named:
        assert p.status == practices[p.id].status and p.status not in COUNTS
        assert facts.practices.get(p.id) is None or facts.practices[p.id].status.value not in COUNTS
        assert p.gap == {"PI": "not_implemented", "NI": "not_implemented", "NY": "no_evidence",
                         "not_observed": "no_evidence", "NA": "not_applicable"}[p.status]
        if p.status == "NA":  # only a generic goal whose every practice is NA lists NA practices
            assert any(g.status == "not_applicable" and p in g.practices for g in e.generic_goals)
        assert [q.id for q in p.prerequisites] == practices[p.id].blocked_by
    assert set(e.minimal_adoption) <= {p.id for p in named}
    assert e.minimal_adoption == sorted(e.minimal_adoption)

    # minimal adoption: reaches N (rules engine), and no practice can be dropped (reference evaluator)
    assert e.achievable and e.verified
    assumed = {p: "FI" for p in e.minimal_adoption}
    assert assess(kb, facts, assumed, verify=False).maturity_level >= level
    for pid in e.minimal_adoption:
        smaller = {p: s for p, s in assumed.items() if p != pid}
        assert reference_level(kb, facts, smaller) < level, f"{pid} can be dropped"
    # on a knowledge base without level inversions the set is prerequisite-closed
    assert e.prerequisites_first == []

    # the roadmap toward N plans (or lists under "assess first") exactly the minimal adoption
    if not e.reached:
        try:
            plan = plan_roadmap(kb, facts, target=level, verify=False)
        except UserInputError:  # refused as impossible: a generic goal whose every practice is NA
            assert any(g.status == "not_applicable" for g in e.generic_goals)
        else:
            content = {i.practice for i in plan.items} | {i.practice for i in plan.assess_first}
            assert content == set(e.minimal_adoption)
            assert {i.practice for i in plan.assess_first} == {x.id for x in e.adoption if x.gap == "no_evidence"}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), level=st.integers(1, 5))
def test_level_explanations_on_shipped_kb(data: st.DataObject, level: int) -> None:
    check_level(SHIPPED, data.draw(fact_files(SHIPPED)), level)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), level=st.integers(1, 5))
def test_level_explanations_on_mini_kb(data: st.DataObject, level: int) -> None:
    """The tiny KB's GG3 has one practice, so "every GG practice NA" (pick one of them) happens often here."""
    check_level(MINI, data.draw(fact_files(MINI)), level)


def check_framework(kb: KnowledgeBase, facts: FactFile, framework: str, level: int) -> None:
    e = explain_framework(kb, facts, framework, level, verify=False)
    a: Assessment = assess(kb, facts)
    result = a.framework(framework)
    assert e.current_level == result.level
    assert e.reached == (result.level is not None and result.level >= level)
    for lv in e.levels:
        reported = next(x for x in result.levels if x.level == lv.level)
        assert lv.met == reported.met and [p.id for p in lv.missing] == reported.missing
    assumed = {p: "FI" for p in e.minimal_adoption}
    assert e.verified
    reached = assess(kb, facts, assumed, verify=False).framework(framework).level
    assert reached is not None and reached >= level
    for pid in e.minimal_adoption:
        smaller = {p: s for p, s in assumed.items() if p != pid}
        after = assess(kb, facts, smaller, evaluator="reference").framework(framework).level
        assert after is None or after < level, f"{pid} can be dropped"
    assert not set(e.prerequisites_first) & set(e.minimal_adoption)
    for q in e.prerequisites_first:
        assert not a.practice(q).satisfied


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_framework_explanations_on_shipped_kb(data: st.DataObject) -> None:
    framework = data.draw(st.sampled_from(sorted(SHIPPED.frameworks)))
    level = data.draw(st.sampled_from([lv.level for lv in SHIPPED.frameworks[framework].levels]))
    check_framework(SHIPPED, data.draw(fact_files(SHIPPED)), framework, level)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_practice_explanations_agree_with_assess(data: st.DataObject) -> None:
    facts = data.draw(fact_files(SHIPPED))
    pid = data.draw(st.sampled_from(sorted(SHIPPED.practices)))
    e = explain_practice(SHIPPED, facts, pid, verify=False, roadmap=False)
    a = assess(SHIPPED, facts)
    p = a.practice(pid)
    assert (e.status, e.satisfied, e.ready) == (p.status, p.satisfied, p.ready)
    assert [q.id for q in e.waits_for] == p.blocked_by
    goals = {g.id: g for pa in a.process_areas for g in pa.goals} | {g.id: g for g in a.generic_goals}
    for g in e.evidences:
        assert g.status == goals[g.id].status
        assert g.holds_back == (g.status in ("unsatisfied", "not_rated") and p.status not in ("FI", "LI", "NA"))
    for f in e.frameworks:
        level = next(x for x in a.framework(f.framework).levels if x.level == f.level)
        assert f.met == level.met
    if a.maturity_level < 5 and not p.satisfied:
        following = explain_level(SHIPPED, facts, a.maturity_level + 1, verify=False)
        assert (e.needed_for_next_level == "adopt") == (pid in following.minimal_adoption)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_practice_position_on_the_roadmap_agrees_with_the_level_explanation(data: st.DataObject) -> None:
    facts = data.draw(fact_files(SHIPPED))
    a = assess(SHIPPED, facts, evaluator="reference")
    unsatisfied = sorted(p.id for p in a.practices if not p.satisfied and p.status != "NA")
    if a.maturity_level == 5 or not unsatisfied:
        return
    pid = data.draw(st.sampled_from(unsatisfied))
    e = explain_practice(SHIPPED, facts, pid, verify=False)
    assert e.roadmap is not None
    if e.roadmap.placement == "impossible":
        return
    if e.needed_for_next_level == "adopt":
        expected = "assess_first" if e.gap == "no_evidence" else "planned"
        assert (e.roadmap.placement, e.roadmap.needed_by_target) == (expected, True)
        assert e.roadmap.reasons and e.roadmap.target.startswith(f"CMMI maturity level {a.maturity_level + 1}")
    else:
        assert e.roadmap.placement == "not_needed" and e.roadmap.rank is None
    if e.roadmap.placement == "planned":
        assert e.roadmap.requires == sorted(q.id for q in e.waits_for if q.status not in ("NY", "not_observed"))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_level_explanations_on_examples(path: Path) -> None:
    facts = load_fact_file(path, SHIPPED)
    for level in range(1, 6):
        check_level(SHIPPED, facts, level)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_cli_why_never_contradicts_cli_assess(path: Path, runner: CliRunner) -> None:
    assessed = json.loads(runner.invoke(app, ["assess", str(path), "-f", "json"]).stdout)
    for level in range(1, 6):
        result = runner.invoke(app, ["why", str(path), "--level", str(level), "-f", "json"])
        assert result.exit_code == 0, result.stderr
        why = json.loads(result.stdout)
        assert why["maturity_level"] == assessed["maturity_level"]
        assert why["reached"] == (assessed["maturity_level"] >= level)
        statuses = {pa["id"]: pa["status"] for pa in assessed["process_areas"]}
        assert all(statuses[pa["id"]] == pa["status"] != "satisfied" for pa in why["process_areas"])
        observed = {p["id"]: p["status"] for p in assessed["practices"]}
        failing = [p for pa in why["process_areas"] for g in pa["goals"] for p in g["practices"]]
        failing += [p for g in why["generic_goals"] for p in g["practices"]]
        assert all(observed[p["id"]] == p["status"] and p["status"] not in ("FI", "LI") for p in failing)
