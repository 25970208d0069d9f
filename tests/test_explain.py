"""Explanations (issue 5): scenarios on the tiny knowledge base, the trace cross-check, and the ``why``/``how`` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mlops_maturity.cli.app import app
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.errors import InferenceError, UserInputError
from mlops_maturity.engine.explain import (
    Trace,
    explain_framework,
    explain_level,
    explain_practice,
    to_markdown,
)
from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.results import Derivation
from typer.testing import CliRunner

MINI_PRACTICES = ["car.postmortems", "eng.framing", "gen.defined-process", "gen.policy", "ml.monitoring",
                  "ml.registry", "ml.versioning", "org.standard-process", "plan.estimates", "plan.plan",
                  "quant.baselines"]


def facts_of(practices: dict[str, object]) -> FactFile:
    return FactFile.model_validate({"organization": "Acme ML", "assessed_on": "2026-01-15", "practices": practices})


def all_fi(**overrides: object) -> FactFile:
    practices: dict[str, object] = {p: "FI" for p in MINI_PRACTICES}
    for key, value in overrides.items():
        practices[key.replace("_", ".", 1).replace("_", "-")] = value
    return facts_of({k: v for k, v in practices.items() if v is not None})


# --- why a maturity level, on the tiny knowledge base ---------------------------------------------------------


def test_empty_file_level_2_names_areas_goals_and_the_whole_adoption(mini_kb: KnowledgeBase) -> None:
    e = explain_level(mini_kb, facts_of({}), 2)
    assert (e.level, e.reached, e.blocking_level, e.maturity_level) == (2, False, 2, 1)
    assert [(a.id, a.status) for a in e.process_areas] == [("CM", "not_rated"), ("PP", "not_rated")]
    assert [g.id for g in e.process_areas[1].goals] == ["PP.SG1", "PP.SG2"]
    assert all(p.gap == "no_evidence" and p.status == "not_observed"
               for a in e.process_areas for g in a.goals for p in g.practices)
    assert [(g.id, g.status, g.held_back) for g in e.generic_goals] == [("GG2", "not_rated", [])]
    assert e.minimal_adoption == ["gen.policy", "ml.registry", "ml.versioning", "plan.estimates", "plan.plan"]
    assert e.verified and e.verified_level == 2 and e.achievable
    assert e.prerequisites_first == []  # both prerequisites (versioning, estimates) are in the set themselves
    assert e.how is None
    registry = next(x for x in e.adoption if x.id == "ml.registry")
    assert registry.fixes == ["CM.SG1", "GG2"] and registry.ready is False


def test_generic_goal_alone_blocks_and_names_the_areas_it_holds_back(mini_kb: KnowledgeBase) -> None:
    e = explain_level(mini_kb, all_fi(gen_policy={"status": "PI", "evidence": ["draft policy"], "note": "unsigned"}), 2)
    assert e.process_areas == []  # every area's specific goals hold ...
    (gg2,) = e.generic_goals  # ... but their capability level stays 1
    assert (gg2.id, gg2.status, gg2.capability_level, gg2.held_back) == ("GG2", "unsatisfied", 2, ["CM", "PP"])
    (policy,) = gg2.practices
    assert (policy.id, policy.gap, policy.evidence, policy.note) == ("gen.policy", "not_implemented",
                                                                     ["draft policy"], "unsigned")
    assert e.minimal_adoption == ["gen.policy"] and e.verified
    assert any("GG2" in line and "holds back CM, PP" in line for line in e.summary)


def test_generic_goal_with_every_practice_not_applicable_needs_one_of_them(mini_kb: KnowledgeBase) -> None:
    facts = all_fi(gen_defined_process={"status": "NA", "reason": "single team"})
    assert assess(mini_kb, facts).maturity_level == 2
    e = explain_level(mini_kb, facts, 3)
    (gg3,) = e.generic_goals
    assert (gg3.id, gg3.status, gg3.held_back) == ("GG3", "not_applicable", ["CM", "PP", "RD"])
    assert [p.gap for p in gg3.practices] == ["not_applicable"]
    assert e.minimal_adoption == ["gen.defined-process"] and e.verified


def test_generic_goal_all_not_applicable_adopts_only_the_cheapest_practice(mini_kb: KnowledgeBase) -> None:
    facts = all_fi(ml_registry={"status": "NA", "reason": "x"}, gen_policy={"status": "NA", "reason": "y"})
    e = explain_level(mini_kb, facts, 2)
    (gg2,) = e.generic_goals
    assert gg2.status == "not_applicable" and [p.id for p in gg2.practices] == ["gen.policy", "ml.registry"]
    assert e.minimal_adoption == ["gen.policy"]  # effort 1-2 person-weeks against 2-4 for the registry
    assert e.verified and assess(mini_kb, facts).maturity_level == 1


def test_failing_practice_carries_its_prerequisite_tree(mini_kb: KnowledgeBase) -> None:
    facts = facts_of({"eng.framing": {"status": "NI", "observed_on": "2026-01-10"}, "plan.plan": "NY"})
    e = explain_level(mini_kb, facts, 3)
    rd = next(a for a in e.process_areas if a.id == "RD")
    assert rd.status == "unsatisfied" and rd.rule == "area_unsatisfied"
    framing = next(p for p in rd.goals[0].practices if p.id == "eng.framing")
    assert framing.gap == "not_implemented" and str(framing.observed_on) == "2026-01-10"
    assert [(q.id, q.status, [r.id for r in q.prerequisites]) for q in framing.prerequisites] == [
        ("plan.plan", "NY", ["plan.estimates"])]
    assert next(p for g in e.process_areas[1].goals for p in g.practices if p.id == "plan.plan").gap == "no_evidence"


def test_reached_level_explains_how_with_the_rule_chain(mini_kb: KnowledgeBase) -> None:
    e = explain_level(mini_kb, all_fi(), 5)
    assert e.reached and e.blocking_level is None and e.minimal_adoption == [] and e.verified
    assert e.process_areas == [] and e.generic_goals == []
    assert e.how is not None
    assert [(s.fact, s.rule) for s in e.how.chain] == [("maturity", "maturity_level_staged"),
                                                       ("mm:5", "maturity_level_met")]
    assert [a.id for a in e.how.process_areas] == ["CM", "PP", "RD", "OPP", "CAR"]
    cm = e.how.process_areas[0]
    assert (cm.step.fact, cm.step.rule, cm.capability_level) == ("ps:CM", "area_satisfied_defined", 3)
    assert [(p.id, p.fact) for p in cm.goals[0].practices] == [("ml.registry", "ev:CM.SG1:ml.registry"),
                                                              ("ml.versioning", "ev:CM.SG1:ml.versioning")]
    assert [g.id for g in e.how.generic_goals] == ["GG2", "GG3"]
    markdown = to_markdown(e)
    assert markdown.startswith("# How level 5 (Optimizing) is reached")
    assert "`ps:CM` by rule `area_satisfied_defined`" in markdown


def test_level_1_is_always_reached(mini_kb: KnowledgeBase) -> None:
    e = explain_level(mini_kb, facts_of({}), 1)
    assert e.reached and e.how is not None and [s.rule for s in e.how.chain] == ["maturity_level_initial"]


def test_default_level_is_the_next_one_and_assumptions_are_shown(mini_kb: KnowledgeBase) -> None:
    e = explain_level(mini_kb, facts_of({}), assumptions={"gen.policy": "FI"})
    assert e.level == 2
    assert [(x.practice, x.status) for x in e.assumptions] == [("gen.policy", "FI")]
    assert "gen.policy" not in e.minimal_adoption  # assumed FI: it counts
    e = explain_level(mini_kb, all_fi(), assumptions={"plan.plan": "PI"})
    plan = next(p for g in e.process_areas[0].goals for p in g.practices)
    assert plan.assumed and "Assumed" in plan.meaning and e.minimal_adoption == ["plan.plan"]


def test_no_evidence_and_not_implemented_are_kept_apart_in_markdown(mini_kb: KnowledgeBase) -> None:
    text = to_markdown(explain_level(mini_kb, facts_of({"ml.versioning": "PI"}), 2))
    assert "Assessed, not fully implemented (does not count yet):\n    - **Versioning** (`ml.versioning`)" in text
    assert "No evidence recorded (not observed or not yet; assess these" in text
    assert "## The smallest set of practices that reaches level 2" in text


def test_bad_level_is_a_user_error(mini_kb: KnowledgeBase) -> None:
    with pytest.raises(UserInputError, match="CMMI maturity levels are 1-5, got 6") as caught:
        explain_level(mini_kb, facts_of({}), 6)
    assert (caught.value.problems[0].file, caught.value.problems[0].field) == ("--level", "6")
    with pytest.raises(UserInputError, match="CMMI maturity levels are 1-5, got True"):
        explain_level(mini_kb, facts_of({}), True)


# --- the trace is the source, and it is checked against the assessment ----------------------------------------


def test_explanations_need_the_trace(mini_kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="no inference trace"):
        Trace(mini_kb, assess(mini_kb, facts_of({}), evaluator="reference"))


def test_a_trace_that_disagrees_with_the_assessment_is_an_internal_error(mini_kb: KnowledgeBase) -> None:
    a = assess(mini_kb, facts_of({}))
    tampered = [Derivation(fact=d.fact, rule="area_unsatisfied" if d.fact == "ps:CM" else d.rule, premises=d.premises)
                for d in a.derivations]
    with pytest.raises(InferenceError, match="process area CM"):
        Trace(mini_kb, a.model_copy(update={"derivations": tampered})).area("CM")


def test_goal_practices_come_from_the_premises(mini_kb: KnowledgeBase) -> None:
    a = assess(mini_kb, facts_of({}))
    status, rule, practices = Trace(mini_kb, a).goal("CM.SG1")
    derivation = next(d for d in a.derivations if d.fact == "gs:CM.SG1")
    assert (status, rule) == ("not_rated", derivation.rule)
    assert ["ev:CM.SG1:" + p for p in practices] == [p for p in derivation.premises if p.startswith("ev:")]


# --- why a practice, why a framework level ----------------------------------------------------------------------


def test_practice_explanation(mini_kb: KnowledgeBase) -> None:
    facts = facts_of({"ml.versioning": "NI", "ml.registry": {"status": "PI", "evidence": ["a shared folder"]}})
    e = explain_practice(mini_kb, facts, "ml.registry")
    assert (e.status, e.gap, e.satisfied, e.ready, e.evidence) == ("PI", "not_implemented", False, False,
                                                                   ["a shared folder"])
    assert [(g.id, g.holds_back) for g in e.evidences] == [("CM.SG1", True), ("GG2", True)]
    assert [(f.framework, f.level, f.met) for f in e.frameworks] == [("toy", 1, False)]
    assert [q.id for q in e.required_by] == ["ml.monitoring"]
    assert [(q.id, q.status) for q in e.requires] == [("ml.versioning", "NI")]
    assert [q.id for q in e.waits_for] == ["ml.versioning"]
    assert (e.next_level, e.needed_for_next_level, e.serving_level) == (2, "adopt", 2)
    assert any("waits for Versioning" in line for line in e.summary)
    assert "## Practices that require it" in to_markdown(e)


def test_practice_whose_prerequisite_is_not_applicable_is_ready(mini_kb: KnowledgeBase) -> None:
    facts = all_fi(org_standard_process={"status": "NA", "reason": "x"}, gen_defined_process="NI")
    # RD.SG1 rests on eng.framing alone; GG3 needs gen.defined-process, whose prerequisite is NA (not blocking)
    e = explain_practice(mini_kb, facts, "gen.defined-process")
    assert e.needed_for_next_level == "adopt" and e.waits_for == [] and e.ready
    satisfied = explain_practice(mini_kb, all_fi(), "plan.plan")
    assert satisfied.needed_for_next_level == "satisfied" and satisfied.gap is None and satisfied.roadmap is None


def test_practice_position_on_the_roadmap(mini_kb: KnowledgeBase) -> None:
    facts = facts_of({"plan.estimates": "PI", "plan.plan": "NI", "ml.versioning": "PI"})
    plan = explain_practice(mini_kb, facts, "plan.plan").roadmap
    assert plan is not None
    assert (plan.placement, plan.wave, plan.requires, plan.needed_for) == ("planned", 2, ["plan.estimates"],
                                                                           ["PP.SG2"])
    assert plan.target == "CMMI maturity level 2 (Managed)"
    assert "It comes after its prerequisites Estimates (plan.estimates, wave 1)." in plan.reasons
    assert "The target needs it for PP.SG2 (Develop a Project Plan)." in plan.reasons
    estimates = explain_practice(mini_kb, facts, "plan.estimates").roadmap
    assert estimates is not None and estimates.unblocks == ["plan.plan"] and estimates.wave == 1
    registry = explain_practice(mini_kb, facts, "ml.registry").roadmap
    assert registry is not None and registry.placement == "assess_first" and "assess first" in registry.reasons[0]
    postmortems = explain_practice(mini_kb, facts, "car.postmortems").roadmap
    assert postmortems is not None and postmortems.placement == "not_needed"
    markdown = to_markdown(explain_practice(mini_kb, facts, "plan.plan"))
    assert "## On the roadmap toward CMMI maturity level 2 (Managed)" in markdown


def test_roadmap_refusal_is_reported_not_raised(mini_kb: KnowledgeBase) -> None:
    facts = all_fi(ml_registry={"status": "NA", "reason": "x"}, gen_policy={"status": "NA", "reason": "y"},
                   plan_plan="PI")
    e = explain_practice(mini_kb, facts, "plan.plan")
    assert e.roadmap is not None and e.roadmap.placement == "impossible"
    assert "impossible target" in e.roadmap.reasons[0]


def test_unknown_practice_suggests(mini_kb: KnowledgeBase) -> None:
    with pytest.raises(UserInputError, match="did you mean ml.registry"):
        explain_practice(mini_kb, facts_of({}), "ml.regsitry")


def test_framework_level_not_reached(mini_kb: KnowledgeBase) -> None:
    facts = facts_of({"ml.versioning": "FI", "ml.registry": "PI"})
    e = explain_framework(mini_kb, facts, "toy", 2)
    assert (e.current_level, e.reached, e.blocking_level) == (0, False, 1)
    assert [(lv.level, lv.met, lv.reached, [p.id for p in lv.missing]) for lv in e.levels] == [
        (0, True, True, []), (1, False, False, ["ml.registry"]), (2, False, False, ["ml.monitoring"])]
    assert e.minimal_adoption == ["ml.monitoring", "ml.registry"] and e.verified and e.verified_level == 2
    assert [x.fixes for x in e.adoption] == [["toy:2"], ["toy:1"]]
    assert [s.fact for s in e.chain] == ["fwl:toy", "fx:toy:0"]


def test_framework_level_reached_and_default_level(mini_kb: KnowledgeBase) -> None:
    e = explain_framework(mini_kb, all_fi(), "toy")
    assert (e.level, e.reached, e.minimal_adoption) == (2, True, [])
    assert [s.rule for s in e.levels[2].steps] == ["framework_level_met", "framework_level_reached_next"]
    assert [p.fact for p in e.levels[1].practices] == ["fr:toy:1:ml.versioning", "fr:toy:1:ml.registry"]


def test_unknown_framework_and_level(mini_kb: KnowledgeBase) -> None:
    with pytest.raises(UserInputError, match="did you mean toy"):
        explain_framework(mini_kb, facts_of({}), "tyo")
    with pytest.raises(UserInputError, match=r"framework toy has no level 3 \(levels: 0, 1, 2\)") as caught:
        explain_framework(mini_kb, facts_of({}), "toy", 3)
    assert (caught.value.problems[0].file, caught.value.problems[0].field) == ("--level", "3")


# --- the command line, on the shipped knowledge base --------------------------------------------------------------

FACTS = """\
organization: Example Bank
assessed_on: 2026-10-01
practices:
  ml.model-registry: FI
  ml.source-control:
    status: PI
    evidence: ["training code in notebooks only"]
    note: scoring service is versioned
    observed_on: 2026-09-12
  gov.model-inventory: {status: NA, reason: single model in scope}
"""


@pytest.fixture()
def facts(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(FACTS, encoding="utf-8")
    return path


def test_why_level_json_contract(facts: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["why", str(facts), "--level", "2", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) >= {"level", "reached", "blocking_level", "process_areas", "generic_goals", "minimal_adoption",
                        "verified"}
    assert (doc["level"], doc["reached"], doc["blocking_level"], doc["verified"]) == (2, False, 2, True)
    area = doc["process_areas"][0]
    assert set(area) >= {"id", "status", "goals"} and set(area["goals"][0]) >= {"id", "status", "practices"}
    failing = {p["id"]: p for a in doc["process_areas"] for g in a["goals"] for p in g["practices"]}
    assert failing["ml.source-control"]["evidence"] == ["training code in notebooks only"]
    assert failing["ml.source-control"]["gap"] == "not_implemented"
    assert "ml.model-registry" not in failing and "gov.model-inventory" not in failing
    assert "ml.source-control" in doc["minimal_adoption"]


def test_why_formats_are_deterministic_and_markdown_is_the_engine_text(facts: Path, runner: CliRunner,
                                                                       kb: KnowledgeBase) -> None:
    for fmt in ("table", "json", "markdown"):
        outputs = {runner.invoke(app, ["why", str(facts), "-f", fmt]).stdout for _ in range(2)}
        assert len(outputs) == 1, fmt
    markdown = runner.invoke(app, ["why", str(facts), "-f", "markdown"]).stdout
    from mlops_maturity.engine.facts import load_fact_file

    assert markdown == to_markdown(explain_level(kb, load_fact_file(facts, kb), 2, source=str(facts)))
    table = runner.invoke(app, ["why", str(facts)]).stdout
    assert "Why level 2 (Managed) is not reached" in table
    assert "Source control for all ML code (ml.source-control): partially implemented (PI)" in table
    assert "No evidence recorded" in table and "Smallest set of practices" in table


def test_how_explains_the_reached_level_by_default(tmp_path: Path, runner: CliRunner, kb: KnowledgeBase) -> None:
    path = tmp_path / "all.yaml"
    path.write_text("organization: All In\nassessed_on: 2026-01-01\npractices:\n"
                    + "".join(f"  {p}: FI\n" for p in kb.practices), encoding="utf-8")
    result = runner.invoke(app, ["how", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["level"], doc["reached"]) == (5, True)
    assert [s["fact"] for s in doc["how"]["chain"]] == ["maturity", "mm:5"]
    assert "maturity by rule maturity_level_staged" in runner.invoke(app, ["how", str(path)]).stdout


def test_how_for_a_level_not_reached_says_why(facts: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["how", str(facts), "--level", "3"])
    assert result.exit_code == 0 and "Why level 3 (Defined) is not reached" in result.stdout


def test_why_practice_and_framework(facts: Path, runner: CliRunner) -> None:
    doc = json.loads(runner.invoke(app, ["why", str(facts), "--practice", "ml.source-control", "-f", "json"]).stdout)
    assert (doc["kind"], doc["status"], doc["needed_for_next_level"]) == ("practice", "PI", "adopt")
    doc = json.loads(runner.invoke(app, ["why", str(facts), "--framework", "google", "--level", "1",
                                         "-f", "json"]).stdout)
    assert (doc["kind"], doc["framework"], doc["level"], doc["verified"]) == ("framework", "google", 1, True)
    assert "ml.source-control" in doc["minimal_adoption"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--practice", "ml.model-regsitry"], "did you mean ml.model-registry?"),
        (["--framework", "gogle"], "did you mean google?"),
        (["--framework", "google", "--level", "7"], "framework google has no level 7 (levels: 0, 1, 2)"),
        (["--level", "9"], "--level: 9: CMMI maturity levels are 1-5, got 9"),
        (["--practice", "ml.model-registry", "--level", "2"], "use --practice alone"),
        (["--assume", "ml.model-registry=XX"], "unknown status 'XX'"),
    ],
)
def test_bad_ids_and_options_exit_2_with_a_hint(facts: Path, runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["why", str(facts), *args])
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr and result.stdout == ""
