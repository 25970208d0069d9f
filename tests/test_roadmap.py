"""The roadmap on hand-checked cases (tiny test KB) and through the CLI (shipped KB).

The tiny KB (tests/fixtures/kb/mini, rating model v2): PP, CM and SAM (may be out of scope) at level 2, RD at 3,
OPP at 4, CAR at 5. PP.SP1.1 = estimates, PP.SP2.1 = plan, CM.SP1.1 = versioning | registry, CM.SP1.2 =
versioning + registry, SAM.SP1.1 = agreements, RD.SP1.1 = framing | standard-process + feature-store, OPP.SP1.1 =
baselines | monitoring + standard-process, CAR.SP1.1 = postmortems. GP2.1 = policy (PP adds: plan), GP2.6 =
registry | versioning + plan, GP3.1 = defined-process; every area inherits them. Prerequisites:
plan.plan -> plan.estimates, ml.registry -> ml.versioning, ml.monitoring -> ml.registry,
gen.defined-process -> org.standard-process, eng.framing -> plan.plan, quant.baselines -> org.standard-process.
Framework "toy": level 1 = versioning + (registry | plan + policy), level 2 = monitoring.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from mlops_maturity.cli.app import app
from mlops_maturity.engine.api import to_json
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.errors import UserInputError
from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.formats import render
from mlops_maturity.engine.formats._roadmap import roadmap_table
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.levels import check_framework_level, check_maturity_level, next_level
from mlops_maturity.engine.roadmap import Roadmap, parse_target, plan_roadmap
from typer.testing import CliRunner

LEVEL2 = ["gen.policy", "ml.registry", "ml.versioning", "plan.estimates", "plan.plan", "sup.agreements"]


def _markdown(r: Roadmap) -> str:
    return str(render("markdown", r))


def facts_of(practices: dict[str, object], **context: object) -> FactFile:
    return FactFile.model_validate({"organization": "Test Org", "assessed_on": dt.date(2026, 1, 1),
                                    "practices": practices, "context": context})


def all_ni(kb: KnowledgeBase, **context: object) -> FactFile:
    return facts_of({p: "NI" for p in kb.practices}, **context)


def waves_of(r: Roadmap) -> list[list[str]]:
    return [w.practices for w in r.waves]


# ------------------------------------------------------------------------------------------- content and order


def test_next_level_from_scratch(mini_kb: KnowledgeBase) -> None:
    r = plan_roadmap(mini_kb, all_ni(mini_kb))
    assert r.target.kind == "maturity" and r.target.level == 2 and r.target.default and not r.reached
    assert sorted(i.practice for i in r.items) == LEVEL2
    # All serve level 2; versioning and estimates unblock one item each; versioning has the better value/effort
    # (4 / 1 against 3 / 1.5); policy and agreements tie on value/effort and go by id.
    assert [i.practice for i in r.items] == ["ml.versioning", "plan.estimates", "gen.policy", "sup.agreements",
                                             "plan.plan", "ml.registry"]
    assert waves_of(r) == [["ml.versioning", "plan.estimates", "gen.policy", "sup.agreements"],
                           ["plan.plan", "ml.registry"]]
    assert r.item("ml.registry").requires == ["ml.versioning"]
    assert r.item("ml.versioning").unblocks == ["ml.registry"]
    assert r.item("ml.versioning").unblocks_total == 1
    assert r.item("ml.registry").needed_for == ["CM.GP2.6", "CM.SP1.2", "PP.GP2.6", "SAM.GP2.6"]
    # Why: the CMMI practices and alternatives it serves (an area's GP through the organization-level one it
    # inherits), then the items it is a prerequisite of.
    assert [x.text for x in r.item("ml.registry").reasons][:2] == [
        "CM.SP1.2 (alternative 1)", "CM.GP2.6 through the organization-level GP2.6 (alternative 1)"]
    assert r.item("ml.registry").reasons[1].alternative == "GP2.6#1"
    # PP.GP2.1 is met by PP's own alternative (plan.plan, chosen anyway for PP.SP2.1: it costs nothing more).
    assert [x.text for x in r.item("plan.plan").reasons] == ["PP.SP2.1 (alternative 1)", "PP.GP2.1 (alternative 1)"]
    assert [x.text for x in r.item("ml.versioning").reasons][-1] == "prerequisite of ml.registry"
    assert r.item("ml.registry").implements == ["GP2.6", "CM.SP1.1", "CM.SP1.2"]
    assert r.item("ml.registry").framework_levels == ["toy:1"]
    first, second = r.waves
    assert first.maturity_level_after == 1 and not first.target_reached
    # Versioning alone satisfies CM.SP1.1 but not CM.SP1.2; agreements satisfy SAM's only specific practice.
    assert [(c.process_area, c.before, c.after) for c in first.capability_changes] == [("SAM", 0, 1)]
    assert second.maturity_level_after == 2 and second.target_reached and r.reached_at_wave == 2
    assert {(c.process_area, c.before, c.after) for c in second.capability_changes} == {
        ("PP", 0, 2), ("CM", 0, 2), ("SAM", 1, 2)}
    assert second.framework_levels_after == {"toy": 1}
    assert [(c.goal, c.before, c.after) for c in second.generic_goal_changes] == [
        ("GG2", "unsatisfied", "satisfied")]
    # Reaching toy level 1 while below level 3 fires "tools without process": the plan says so.
    assert second.findings_raised == ["tools-without-process"]
    assert r.estimate.effort.min == 7 and r.estimate.effort.max == 14 and r.estimate.effort.mid == 10.5
    assert [(s.from_level, s.to_level, s.months) for s in r.estimate.historical_steps] == [(1, 2, 5)]
    assert r.estimate.quarters is None and r.estimate.months is None


def test_level_3_serves_lower_levels_first(mini_kb: KnowledgeBase) -> None:
    r = plan_roadmap(mini_kb, all_ni(mini_kb), target=3)
    order = [i.practice for i in r.items]
    assert sorted(order) == sorted(LEVEL2 + ["eng.framing", "gen.defined-process", "org.standard-process"])
    assert {i.practice: i.serves for i in r.items}["eng.framing"] == 3
    # Within a wave, the most value per person-week first (ml.versioning: 4 per person-week); among equals the
    # level-2 items precede the level-3 one, and plan.estimates unblocks two items (plan.plan, eng.framing).
    assert waves_of(r)[0] == ["ml.versioning", "plan.estimates", "gen.policy", "sup.agreements",
                              "org.standard-process"]
    assert r.item("eng.framing").wave == 3 and r.item("eng.framing").requires == ["plan.plan"]
    assert [w.maturity_level_after for w in r.waves] == [1, 2, 3]
    assert r.item("gen.defined-process").needed_for == ["CM.GP3.1", "PP.GP3.1", "RD.GP3.1", "SAM.GP3.1"]
    # RD.SP1.1: framing (1.5 pw; plan.plan already chosen) is cheaper than standard-process + feature-store.
    assert not r.item("org.standard-process").needed_by_target
    assert [x.text for x in r.item("org.standard-process").reasons] == ["prerequisite of gen.defined-process"]


def test_framework_target_and_prerequisite_chain(mini_kb: KnowledgeBase) -> None:
    r = plan_roadmap(mini_kb, all_ni(mini_kb), target=("toy", 2))
    assert r.target.kind == "framework" and r.target.label == "toy level 2 (Monitored)" and r.target.highest
    assert waves_of(r) == [["ml.versioning"], ["ml.registry"], ["ml.monitoring"]]
    assert [w.framework_levels_after["toy"] for w in r.waves] == [0, 1, 2]
    assert r.item("ml.monitoring").needed_for == ["toy:2"]
    assert r.estimate.historical_steps == [] and r.estimate.historical_months is None
    assert parse_target("toy:2", mini_kb) == ("toy", 2)


def test_cheapest_alternative_given_what_is_in_place(mini_kb: KnowledgeBase) -> None:
    # OPP.SP1.1 = quant.baselines | ml.monitoring + org.standard-process. With monitoring in place, the second
    # costs org.standard-process alone (6 pw) against baselines plus its prerequisite standard-process (10.5).
    facts = facts_of({**{p: "FI" for p in LEVEL2}, "quant.baselines": "PI", "org.standard-process": "NI",
                      "gen.defined-process": "FI", "eng.framing": "FI", "ml.monitoring": "FI"})
    r = plan_roadmap(mini_kb, facts, target=4)
    assert waves_of(r) == [["org.standard-process"]]
    reason = r.item("org.standard-process").reasons[0]
    assert (reason.kind, reason.of, reason.alternative) == ("cmmi_practice", "OPP.SP1.1", "OPP.SP1.1#2")
    # toy:1 requirement 2 = ml.registry | plan.plan + gen.policy: registry (3 pw; versioning is chosen for
    # requirement 1) beats plan + estimates + policy (5) from scratch, but not policy alone once plan is in place.
    r = plan_roadmap(mini_kb, all_ni(mini_kb), target=("toy", 1))
    assert waves_of(r) == [["ml.versioning"], ["ml.registry"]]
    assert r.item("ml.registry").reasons[0].text == "toy:1 requirement 2 (alternative 1)"
    r = plan_roadmap(mini_kb, facts_of({"ml.registry": "NI", "ml.versioning": "NI", "plan.plan": "FI",
                                        "gen.policy": "NI"}), target=("toy", 1))
    assert waves_of(r) == [["ml.versioning", "gen.policy"]]
    assert r.item("gen.policy").reasons[0].alternative == "fw:toy:1:2#2"
    r = plan_roadmap(mini_kb, facts, target=("toy", 2))
    assert r.reached and r.items == []


def test_prerequisite_only_item(mini_kb: KnowledgeBase) -> None:
    # Toward toy:1 only versioning and registry are in scope; with registry NI and versioning PI both are.
    # Toward toy:2 with monitoring NI, registry FI but versioning PI: versioning is not needed (registry holds).
    facts = facts_of({"ml.monitoring": "NI", "ml.registry": "PI", "ml.versioning": "FI"})
    r = plan_roadmap(mini_kb, facts, target=("toy", 2))
    assert waves_of(r) == [["ml.registry"], ["ml.monitoring"]]
    assert r.item("ml.registry").needed_by_target


def test_capacity_bounds_waves_and_oversized_items_get_their_own(mini_kb: KnowledgeBase) -> None:
    r = plan_roadmap(mini_kb, all_ni(mini_kb), capacity=3)
    assert waves_of(r) == [["ml.versioning", "plan.estimates"], ["gen.policy", "sup.agreements"], ["plan.plan"],
                           ["ml.registry"]]
    assert all(w.effort.mid <= 3 for w in r.waves) and not any(w.oversized for w in r.waves)
    assert r.estimate.quarters == 4 and r.estimate.months == 12
    r = plan_roadmap(mini_kb, all_ni(mini_kb), capacity=2.5)
    assert waves_of(r)[-1] == ["ml.registry"]
    last = r.waves[-1]
    assert last.oversized and last.effort.mid == 3 and last.duration_quarters == 2
    assert r.estimate.quarters == 6 and r.estimate.months == 18
    assert "bigger than the capacity of 2.5 person-weeks per quarter" in roadmap_table(r)
    assert "spanning 2 quarters" in _markdown(r)


# ---------------------------------------------------------------------------------- NY, not observed and NA


def test_not_observed_goes_to_assess_first(mini_kb: KnowledgeBase) -> None:
    facts = facts_of({"ml.registry": "NI", "ml.monitoring": "NY"})  # ml.versioning not observed
    r = plan_roadmap(mini_kb, facts, target=("toy", 2))
    assert [i.practice for i in r.items] == ["ml.registry"]
    assert [(a.practice, a.status) for a in r.assess_first] == [("ml.versioning", "not_observed"),
                                                                ("ml.monitoring", "NY")]
    assert r.item("ml.registry").awaits_assessment == ["ml.versioning"] and r.item("ml.registry").requires == []
    versioning = r.assess_first[0]
    assert versioning.needed_by == ["ml.registry"] and versioning.needed_for == ["toy:1"]
    monitoring = r.assess_first[1]
    assert monitoring.missing_prerequisites == ["ml.registry"]
    # The premise: assess-first practices found in place. Alone it does not reach toy:2 (registry is missing).
    assert r.after_assess_first is not None and r.after_assess_first.framework_levels["toy"] == 0
    assert r.waves[0].framework_levels_after == {"toy": 2} and r.reached_at_wave == 1
    assert r.assumptions_after(1) == {"ml.monitoring": "FI", "ml.registry": "FI", "ml.versioning": "FI"}
    assert r.estimate.assess_first_effort.mid == 1 + 2.5


def test_plan_unobserved_plans_them_as_items(mini_kb: KnowledgeBase) -> None:
    facts = facts_of({"ml.registry": "NI", "ml.monitoring": "NY"})
    r = plan_roadmap(mini_kb, facts, target=("toy", 2), plan_unobserved=True)
    assert r.assess_first == [] and r.after_assess_first is None and r.plan_unobserved
    assert waves_of(r) == [["ml.versioning"], ["ml.registry"], ["ml.monitoring"]]
    assert [i.status for i in r.items] == ["not_observed", "NI", "NY"]
    assert "not assessed (not_observed)" in roadmap_table(r)


def test_assess_first_alone_can_reach_the_target(mini_kb: KnowledgeBase) -> None:
    facts = facts_of({"ml.registry": "FI"})
    r = plan_roadmap(mini_kb, facts, target=("toy", 1))
    assert r.items == [] and r.waves == [] and [a.practice for a in r.assess_first] == ["ml.versioning"]
    assert r.reached_at_wave == 0 and r.after_assess_first is not None and r.after_assess_first.target_reached


def test_na_is_never_planned(mini_kb: KnowledgeBase) -> None:
    facts = facts_of({"ml.versioning": {"status": "NA", "reason": "no artifacts"}, "ml.registry": "NI"})
    r = plan_roadmap(mini_kb, facts, target=("toy", 1))
    assert [i.practice for i in r.items] == ["ml.registry"] and r.assess_first == []
    assert r.waves[0].framework_levels_after == {"toy": 1}


def test_na_standing_in_the_way_is_reconsidered_not_planned(mini_kb: KnowledgeBase) -> None:
    """Every alternative of CM.GP2.1 is NA (gen.policy): NA never removes a required practice, so the roadmap lists
    the NA practice under assess first, to reconsider, and plans no work on it; the premise then reaches level 2."""
    na = {"status": "NA", "reason": "x"}
    facts = facts_of({"gen.policy": na, "ml.registry": na})
    r = plan_roadmap(mini_kb, facts, target=2)
    reconsider = {a.practice: a for a in r.assess_first if a.status == "NA"}
    assert sorted(reconsider) == ["gen.policy"]
    assert "gen.policy" not in [i.practice for i in r.items]
    assert any("marked NA, but NA cannot remove a required CMMI practice" in x.text
               for x in reconsider["gen.policy"].reasons)


def test_impossible_target(mini_kb: KnowledgeBase) -> None:
    # A direct characterization decides a CMMI practice whatever practices are implemented.
    direct = FactFile.model_validate({"organization": "T", "assessed_on": dt.date(2026, 1, 1), "practices": {},
                                      "model_practices": {"CM.SP1.1": {"status": "PI", "rationale": "r"}}})
    with pytest.raises(UserInputError, match="CM.SP1.1 .* is characterized directly as PI") as caught:
        plan_roadmap(mini_kb, direct, target=2)
    assert caught.value.problems[0].parameter == "target"


# ------------------------------------------------------------------------------------------ targets and reach


def test_already_at_the_highest_level(mini_kb: KnowledgeBase) -> None:
    facts = facts_of({p: "FI" for p in mini_kb.practices})
    r = plan_roadmap(mini_kb, facts)
    assert r.reached and r.target.level == 5 and r.target.highest and r.target.default
    assert r.items == [] and r.waves == [] and r.assess_first == [] and r.reached_at_wave is None
    assert "Already at the highest level" in roadmap_table(r)
    assert "Already at the highest level" in _markdown(r)
    lower = plan_roadmap(mini_kb, facts, target=3)
    assert lower.reached and "is already reached: nothing to plan" in _markdown(lower)
    assert plan_roadmap(mini_kb, all_ni(mini_kb), target=1).reached


@pytest.mark.parametrize(("text", "message"), [
    ("6", "CMMI maturity levels are 1-5, got 6"),
    ("0", "CMMI maturity levels are 1-5, got 0"),
    ("toy:7", "framework toy has no level 7 (levels: 0, 1, 2)"),
    ("tyo:1", "unknown framework 'tyo'; did you mean toy?"),
    ("toy", "give a level: toy:LEVEL (levels: 0, 1, 2)"),
    ("toy:x", "level 'x' is not a whole number"),
    ("three", "expected a maturity level 1-5 or FRAMEWORK:LEVEL"),
])
def test_bad_targets(mini_kb: KnowledgeBase, text: str, message: str) -> None:
    with pytest.raises(UserInputError) as caught:
        parse_target(text, mini_kb)
    assert message in str(caught.value)
    assert caught.value.problems[0].parameter == "target"  # the parameter, not a CLI flag


def test_bad_target_in_the_api(mini_kb: KnowledgeBase) -> None:
    with pytest.raises(UserInputError, match="framework toy has no level 9"):
        plan_roadmap(mini_kb, all_ni(mini_kb), target=("toy", 9))
    with pytest.raises(UserInputError, match="1-5"):
        plan_roadmap(mini_kb, all_ni(mini_kb), target=9)
    with pytest.raises(UserInputError, match="positive number") as caught:
        plan_roadmap(mini_kb, all_ni(mini_kb), capacity=0)
    assert caught.value.problems[0].parameter == "capacity"
    with pytest.raises(UserInputError, match="did you mean ml.registry"):
        plan_roadmap(mini_kb, all_ni(mini_kb), assumptions={"ml.regisrty": "FI"})


def test_next_level_is_none_only_at_the_highest_level() -> None:
    assert [next_level(n) for n in range(1, 6)] == [2, 3, 4, 5, None]


def test_level_checks_are_shared_and_suggest(mini_kb: KnowledgeBase) -> None:
    assert check_maturity_level(3) == 3
    for bad in (0, 6, True, "3", None):
        with pytest.raises(UserInputError, match="CMMI maturity levels are 1-5"):
            check_maturity_level(bad, parameter="level")
    check_framework_level(mini_kb, "toy", 2)
    check_framework_level(mini_kb, "toy", None)
    with pytest.raises(UserInputError, match="unknown framework 'Toy'; did you mean toy?") as caught:
        check_framework_level(mini_kb, "Toy", 1, parameter="framework", level_parameter="level")
    assert caught.value.problems[0].parameter == "framework"
    with pytest.raises(UserInputError, match=r"no level 3 \(levels: 0, 1, 2\)") as caught:
        check_framework_level(mini_kb, "toy", 3, parameter="framework", level_parameter="level")
    assert caught.value.problems[0].parameter == "level"


@pytest.mark.parametrize(("target", "message"), [
    (("toy",), "expected a maturity level 1-5, (framework, level) or FRAMEWORK:LEVEL"),
    (("toy", 1, 2), "expected a maturity level 1-5, (framework, level) or FRAMEWORK:LEVEL"),
    ((), "expected a maturity level 1-5, (framework, level) or FRAMEWORK:LEVEL"),
    (True, "expected a maturity level 1-5, (framework, level) or FRAMEWORK:LEVEL"),
    (2.0, "expected a maturity level 1-5, (framework, level) or FRAMEWORK:LEVEL"),
    ((1, 2), "unknown framework 1"),
    ((["toy"], 1), "unknown framework ['toy']"),
    (("tyo", 1), "unknown framework 'tyo'; did you mean toy?"),
    (("toy", "1"), "framework toy has no level '1'"),
    (("toy", True), "framework toy has no level True"),
    (("toy", 1.0), "framework toy has no level 1.0"),
])
def test_malformed_targets_in_the_api_are_input_errors(mini_kb: KnowledgeBase, target: object, message: str) -> None:
    with pytest.raises(UserInputError) as caught:
        plan_roadmap(mini_kb, all_ni(mini_kb), target=target, verify=False)  # type: ignore[arg-type]
    assert message in str(caught.value)
    assert caught.value.problems[0].parameter == "target"  # the parameter, not a CLI flag


def test_target_as_a_list_is_accepted(mini_kb: KnowledgeBase) -> None:
    r = plan_roadmap(mini_kb, all_ni(mini_kb), target=["toy", 1], verify=False)  # type: ignore[arg-type]
    assert r.target.kind == "framework" and r.target.framework == "toy" and r.target.level == 1


def test_user_assumptions_are_the_starting_point(mini_kb: KnowledgeBase) -> None:
    r = plan_roadmap(mini_kb, all_ni(mini_kb), assumptions={"ml.versioning": "FI", "gen.policy": "LI"})
    assert "ml.versioning" not in {i.practice for i in r.items} and "gen.policy" not in {i.practice for i in r.items}
    assert [(a.practice, a.status) for a in r.assumptions] == [("gen.policy", "LI"), ("ml.versioning", "FI")]
    assert r.assumptions_after(len(r.waves))["gen.policy"] == "LI"


def test_findings_resolved(mini_kb: KnowledgeBase) -> None:
    # lock-in fires with one cloud vendor while ml.monitoring is not satisfied: monitoring's condition flips.
    facts = facts_of({**{p: "FI" for p in ["ml.versioning", "ml.registry"]}, "ml.monitoring": "PI"},
                     cloud_vendor_count=1, regulated_industry=False)
    r = plan_roadmap(mini_kb, facts, target=("toy", 2))
    assert "lock-in" in r.start.findings
    assert r.item("ml.monitoring").resolves_findings == ["lock-in"]
    assert r.waves[0].findings_resolved == ["lock-in"]
    # tools-without-process lists org.standard-process among the practices resolving it.
    level3 = {"org.standard-process": "NI", "gen.defined-process": "NI", "eng.framing": "PI"}
    r = plan_roadmap(mini_kb, facts_of({**{p: "FI" for p in LEVEL2}, **level3}, regulated_industry=False), target=3)
    assert "tools-without-process" in r.start.findings
    assert r.item("org.standard-process").resolves_findings == ["tools-without-process"]
    assert r.waves[-1].findings_resolved == ["tools-without-process"]


def test_verified_and_fast_paths_agree(mini_kb: KnowledgeBase) -> None:
    facts = all_ni(mini_kb, cloud_vendor_count=1)
    verified = plan_roadmap(mini_kb, facts, target=5, capacity=4, verify=True)
    rules = plan_roadmap(mini_kb, facts, target=5, capacity=4, verify=False)
    fast = plan_roadmap(mini_kb, facts, target=5, capacity=4, evaluator="reference")
    assert (verified.evaluator, verified.verified) == ("rules", True)
    assert (rules.evaluator, rules.verified) == ("rules", False) and fast.evaluator == "reference"
    setting = {"evaluator", "verified"}
    assert verified.model_dump(exclude=setting) == fast.model_dump(exclude=setting) == rules.model_dump(exclude=setting)
    for wave in verified.waves:
        a = assess(mini_kb, facts, verified.assumptions_after(wave.number))
        assert a.maturity_level == wave.maturity_level_after


def test_json_shape(mini_kb: KnowledgeBase) -> None:
    doc = json.loads(to_json(plan_roadmap(mini_kb, all_ni(mini_kb), capacity=5)))
    assert doc["schema_version"] == "2.0"
    assert {"target", "reached", "items", "waves", "assess_first", "estimate"} <= set(doc)
    assert {"practice", "wave", "requires", "unblocks", "effort", "serves", "reasons", "implements"} <= set(doc["items"][0])
    assert set(doc["items"][0]["reasons"][0]) == {"kind", "of", "requirement", "alternative", "text"}
    assert {"number", "practices", "effort", "maturity_level_after", "framework_levels_after"} <= set(doc["waves"][0])
    assert set(doc["items"][0]["effort"]) == {"min", "max", "mid"}


# ------------------------------------------------------------------------------------------------------- CLI

FACTS = """\
organization: Example Co
assessed_on: 2026-05-01
practices:
  ml.source-control: PI
  ml.model-registry: NI
  ml.experiment-tracking: FI
"""


@pytest.fixture()
def facts_file(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(FACTS, encoding="utf-8")
    return path


def test_cli_json_is_the_bare_document(facts_file: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["roadmap", str(facts_file), "--format", "json", "--target", "google:1",
                                 "--capacity", "6", "--no-verify"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["target"]["framework"] == "google" and doc["target"]["level"] == 1
    assert doc["reached"] is False and doc["evaluator"] == "rules" and doc["verified"] is False
    planned = [i["practice"] for i in doc["items"]]
    assert "ml.model-registry" in planned and "ml.source-control" in planned
    assert all(w["effort"]["mid"] <= 6 or len(w["practices"]) == 1 for w in doc["waves"])


def test_cli_table_and_markdown(facts_file: Path, runner: CliRunner) -> None:
    table = runner.invoke(app, ["roadmap", str(facts_file), "--target", "google:1"])
    assert table.exit_code == 0, table.stderr
    assert "toward google level 1" in table.stdout and "Wave 1:" in table.stdout
    markdown = runner.invoke(app, ["roadmap", str(facts_file), "-f", "markdown", "--assume",
                                   "ml.model-registry=FI", "--target", "google:1"])
    assert markdown.exit_code == 0, markdown.stderr
    assert markdown.stdout.startswith("# ML Ops improvement roadmap: Example Co")
    assert "`ml.model-registry=FI`" in markdown.stdout
    assert "`ml.model-registry`; now" not in markdown.stdout


def test_cli_table_prints_user_text_verbatim(tmp_path: Path, runner: CliRunner) -> None:
    """Rich markup in the fact file is text: printed as is, never interpreted ("[/x]" used to crash)."""
    path = tmp_path / "markup.yaml"
    path.write_text(
        'organization: "ACME [/x]"\n'
        "assessed_on: 2026-05-01\n"
        "practices:\n"
        "  ml.source-control:\n"
        "    status: PI\n"
        '    evidence: ["see [bold]wiki[/bold]"]\n'
        "  ml.model-registry: NI\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["roadmap", str(path), "--target", "google:1", "--no-verify"])
    assert result.exit_code == 0, result.stderr
    assert "Roadmap: ACME [/x] (assessed 2026-05-01) toward google level 1" in result.stdout
    assert "ml.source-control" in result.stdout and "Traceback" not in result.stderr


def test_table_cells_print_markup_verbatim(mini_kb: KnowledgeBase) -> None:
    """Cells (names, reasons) come from fact files and knowledge-base overlays: "[bold]" stays "[bold]"."""
    facts = facts_of({p: "NI" for p in mini_kb.practices})
    r = plan_roadmap(mini_kb, facts.model_copy(update={"organization": "ACME [/x] :smile:"}), target=("toy", 1),
                     verify=False)
    first = r.items[0].model_copy(update={"name": "see [bold]wiki[/bold]"})
    table = roadmap_table(r.model_copy(update={"items": [first, *r.items[1:]]}))
    assert "Roadmap: ACME [/x] :smile: (assessed" in table
    assert "see [bold]wiki[/bold]" in table


def test_cli_target_already_reached(facts_file: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["roadmap", str(facts_file), "--target", "1"])
    assert result.exit_code == 0
    assert "is already reached: nothing to plan" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--target", "googel:2"], "did you mean google?"),
    (["--target", "google:9"], "framework google has no level 9"),
    (["--target", "6"], "CMMI maturity levels are 1-5"),
    (["--capacity", "-1"], "expected a positive number"),
    (["--assume", "ml.model-registyr=FI"], "did you mean ml.model-registry?"),
])
def test_cli_bad_input_exits_2(facts_file: Path, runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["roadmap", str(facts_file), *args])
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""
    assert "Traceback" not in result.stderr


def test_cli_missing_file_exits_2(tmp_path: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["roadmap", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "file not found" in result.stderr


def test_na_on_every_way_to_gp31_is_reconsidered_on_the_shipped_kb(kb: KnowledgeBase) -> None:
    gp31 = [m for m in kb.model_practices.values() if (m.inherits or m.id) == "GP3.1"]
    na = {p for m in gp31 for alt in m.alternatives for p in alt}
    facts = facts_of({p: {"status": "NA", "reason": "not applicable here"} for p in sorted(na)})
    r = plan_roadmap(kb, facts, target=3, verify=False)
    reconsidered = {a.practice for a in r.assess_first if a.status == "NA"}
    assert reconsidered and reconsidered <= na
    assert not reconsidered & {i.practice for i in r.items}  # NA is never planned as work
    assert plan_roadmap(kb, facts, target=2, verify=False).target.level == 2  # level 2 does not need GG3