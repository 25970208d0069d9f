"""Explanations (issue 10 §3, rating model v2): scenarios on a tiny v2 knowledge base, the session and trace
cross-checks, and the ``why``/``how`` CLI on the shipped knowledge base.

The tiny knowledge base is written here (``MINI_FILES``): CM has a specific practice with two alternatives
(``CM.SP1.2``: the registry, or versioning plus a shared folder) and its own generic practice (``CM.GP2.6`` by
versioning, besides the organization's ``GP2.6`` by the registry); SAM may be declared out of scope; the toy
framework has an any-of requirement at level 2.
"""

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
    framework_explanation,
    level_explanation,
    practice_explanation,
)
from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.formats import RenderOptions, render
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.results import Derivation
from mlops_maturity.engine.session import Session
from typer.testing import CliRunner

MINI_FILES = {
    "attributes.yaml": """\
attributes:
  - {id: cloud_vendor_count, description: number of cloud vendors, type: integer, source: test}
""",
    "cmmi/levels.yaml": """\
maturity_levels:
  - {level: 1, name: Initial, description: ad hoc, ml_meaning: heroics, source: test}
  - {level: 2, name: Managed, description: managed, ml_meaning: managed, source: test}
  - {level: 3, name: Defined, description: defined, ml_meaning: defined, source: test}
  - {level: 4, name: Quantitatively Managed, description: q, ml_meaning: q, source: test}
  - {level: 5, name: Optimizing, description: o, ml_meaning: o, source: test}
""",
    "cmmi/generic_goals.yaml": """\
generic_goals:
  - id: GG2
    name: Institutionalize a Managed Process
    capability_level: 2
    description: managed
    source: test
    practices:
      - {id: GP2.1, name: Establish an Organizational Policy, description: policy, implemented_by: [[gen.policy]]}
      - {id: GP2.6, name: Control Work Products, description: control, implemented_by: [[ml.registry]]}
  - id: GG3
    name: Institutionalize a Defined Process
    capability_level: 3
    description: defined
    source: test
    practices:
      - {id: GP3.1, name: Establish a Defined Process, description: defined, implemented_by: [[gen.defined-process]]}
""",
    "cmmi/areas/all.yaml": """\
process_areas:
  - id: PP
    name: Project Planning
    category: Project Management
    maturity_level: 2
    purpose: plan
    ml_interpretation: plan ML work
    source: test
    goals:
      - id: PP.SG1
        name: Establish Estimates
        practices:
          - {id: PP.SP1.1, name: Estimate the Scope, interpretation: i, implemented_by: [[plan.estimates]]}
      - id: PP.SG2
        name: Develop a Project Plan
        practices:
          - {id: PP.SP2.1, name: Establish the Budget and Schedule, interpretation: i, implemented_by: [[plan.plan]]}
  - id: CM
    name: Configuration Management
    category: Support
    maturity_level: 2
    purpose: baselines
    ml_interpretation: version everything
    source: test
    goals:
      - id: CM.SG1
        name: Establish Baselines
        practices:
          - {id: CM.SP1.1, name: Identify Configuration Items, interpretation: i, implemented_by: [[ml.versioning]]}
          - id: CM.SP1.2
            name: Establish a Configuration Management System
            interpretation: i
            implemented_by: [[ml.registry], [ml.versioning, ml.folder]]
    generic_practices:
      - {id: GP2.6, interpretation: versioned work products, implemented_by: [[ml.versioning]]}
  - id: SAM
    name: Supplier Agreement Management
    category: Project Management
    maturity_level: 2
    purpose: suppliers
    ml_interpretation: vendors
    source: test
    scoping: {may_be_out_of_scope: true, when: no supplier}
    goals:
      - id: SAM.SG1
        name: Establish Supplier Agreements
        practices:
          - {id: SAM.SP1.1, name: Establish Supplier Agreements, interpretation: i, implemented_by: [[sup.agreements]]}
  - id: RD
    name: Requirements Development
    category: Engineering
    maturity_level: 3
    purpose: requirements
    ml_interpretation: frame the problem
    source: test
    goals:
      - id: RD.SG1
        name: Develop Customer Requirements
        practices:
          - {id: RD.SP1.1, name: Elicit Needs, interpretation: i, implemented_by: [[eng.framing]]}
          - {id: RD.SP1.2, name: Transform Needs into Requirements, interpretation: i, implemented_by: [[org.standard-process]]}
  - id: OPP
    name: Organizational Process Performance
    category: Process Management
    maturity_level: 4
    purpose: baselines
    ml_interpretation: measure
    source: test
    goals:
      - id: OPP.SG1
        name: Establish Performance Baselines and Models
        practices:
          - id: OPP.SP1.1
            name: Establish Process Performance Baselines
            interpretation: i
            implemented_by: [[quant.baselines], [ml.monitoring, org.standard-process]]
  - id: CAR
    name: Causal Analysis and Resolution
    category: Support
    maturity_level: 5
    purpose: causes
    ml_interpretation: post-mortems
    source: test
    goals:
      - id: CAR.SG1
        name: Determine Causes of Selected Outcomes
        practices:
          - {id: CAR.SP1.1, name: Select Outcomes for Analysis, interpretation: i, implemented_by: [[car.postmortems]]}
""",
    "practices/all.yaml": """\
practices:
  - {id: plan.estimates, name: Estimates, description: d, dimension: process, effort: {min: 1, max: 2}, value: 3, guidance: g, evidence: [e], source: test}
  - {id: plan.plan, name: Plan, description: d, dimension: process, requires: [plan.estimates], effort: {min: 1, max: 3}, value: 4, guidance: g, evidence: [e], source: test}
  - {id: ml.versioning, name: Versioning, description: d, dimension: technology, effort: {min: 1, max: 1}, value: 4, guidance: g, evidence: [e], source: test}
  - {id: ml.registry, name: Registry, description: d, dimension: technology, requires: [ml.versioning], effort: {min: 2, max: 4}, value: 4, guidance: g, evidence: [e], source: test}
  - {id: ml.folder, name: Shared folder, description: d, dimension: technology, option: true, effort: {min: 0.5, max: 1}, value: 2, guidance: g, evidence: [e], source: test}
  - {id: gen.policy, name: Policy, description: d, dimension: governance, effort: {min: 1, max: 2}, value: 3, guidance: g, evidence: [e], source: test}
  - {id: sup.agreements, name: Supplier agreements, description: d, dimension: process, effort: {min: 1, max: 2}, value: 3, guidance: g, evidence: [e], source: test}
  - {id: org.standard-process, name: Standard process, description: d, dimension: process, effort: {min: 4, max: 8}, value: 4, guidance: g, evidence: [e], source: test}
  - {id: gen.defined-process, name: Defined process, description: d, dimension: process, requires: [org.standard-process], effort: {min: 2, max: 4}, value: 3, guidance: g, evidence: [e], source: test}
  - {id: eng.framing, name: Framing, description: d, dimension: process, requires: [plan.plan], effort: {min: 1, max: 2}, value: 5, guidance: g, evidence: [e], source: test}
  - {id: quant.baselines, name: Baselines, description: d, dimension: process, requires: [org.standard-process], effort: {min: 3, max: 6}, value: 3, guidance: g, evidence: [e], source: test}
  - {id: car.postmortems, name: Postmortems, description: d, dimension: process, effort: {min: 1, max: 2}, value: 3, guidance: g, evidence: [e], source: test}
  - {id: ml.monitoring, name: Monitoring, description: d, dimension: technology, requires: [ml.registry], effort: {min: 2, max: 3}, value: 4, guidance: g, evidence: [e], source: test}
""",
    "frameworks/toy.yaml": """\
framework:
  id: toy
  name: Toy model
  publisher: test
  description: a toy
  source: test
  provenance: constructed
  provenance_note: made up for tests
  levels:
    - {level: 0, name: Manual, description: nothing}
    - {level: 1, name: Tracked, description: versioned, required: [ml.versioning, ml.registry]}
    - level: 2
      name: Monitored
      description: monitored
      required: [{any_of: [[ml.monitoring], [car.postmortems, ml.folder]]}]
      optional: [quant.baselines]
""",
}

MINI_PRACTICES = ["car.postmortems", "eng.framing", "gen.defined-process", "gen.policy", "ml.folder", "ml.monitoring",
                  "ml.registry", "ml.versioning", "org.standard-process", "plan.estimates", "plan.plan",
                  "quant.baselines", "sup.agreements"]


def to_markdown(e: object, trace: bool = True) -> str:
    """The Markdown the CLI prints (``--trace`` by default: these tests read the rules)."""
    text = render("markdown", e, RenderOptions(trace=trace))
    assert isinstance(text, str)
    return text


def write_kb(root: Path) -> Path:
    for name, text in MINI_FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    return load_knowledge_base(base=write_kb(tmp_path_factory.mktemp("mini-v2")))


def facts_of(practices: dict[str, object], **extra: object) -> FactFile:
    return FactFile.model_validate({"organization": "Acme ML", "assessed_on": "2026-01-15", "practices": practices,
                                    **extra})


def all_fi(**overrides: object) -> FactFile:
    practices: dict[str, object] = {p: "FI" for p in MINI_PRACTICES}
    for key, value in overrides.items():
        practices[key.replace("_", ".", 1).replace("_", "-")] = value
    return facts_of({k: v for k, v in practices.items() if v is not None})


def lacking(e: object) -> set[str]:
    """Every practice some alternative of a named CMMI practice lacks."""
    out = set()
    for area in e.process_areas:  # type: ignore[attr-defined]
        for goal in [*area.goals, *area.generic_goals]:
            for mp in goal.practices:
                for alt in mp.alternatives:
                    out.update(p.id for p in alt.lacks)
    return out


# --- why a maturity level ----------------------------------------------------------------------------------------


def test_empty_file_level_2_walks_area_goal_practice_alternatives(mini: KnowledgeBase) -> None:
    e = explain_level(mini, facts_of({}), 2)
    assert (e.level, e.reached, e.blocking_level, e.maturity_level) == (2, False, 2, 1)
    assert sorted((a.id, a.status, a.capability_level) for a in e.process_areas) == [
        ("CM", "not_rated", None), ("PP", "not_rated", None), ("SAM", "not_rated", None)]
    cm = next(a for a in e.process_areas if a.id == "CM")
    (sg1,) = cm.goals
    assert (sg1.id, sg1.status, sg1.failed, sg1.unknown) == ("CM.SG1", "not_rated", [], ["CM.SP1.1", "CM.SP1.2"])
    sp12 = next(m for m in sg1.practices if m.id == "CM.SP1.2")
    assert [(x.label, x.status, [p.id for p in x.lacks], x.prerequisites, x.cost) for x in sp12.alternatives] == [
        ("alternative 1", "unknown", ["ml.registry"], ["ml.versioning"], 4.0),
        ("alternative 2", "unknown", ["ml.versioning", "ml.folder"], [], 1.75)]
    assert sp12.cheapest == "alternative 2" and sp12.adoptable
    assert all(p.gap == "no_evidence" for x in sp12.alternatives for p in x.lacks)
    # the area's own GG2: CM.GP2.6 has its own alternative (versioning) and the inherited GP2.6 (the registry)
    (gg2,) = cm.generic_goals
    gp26 = next(m for m in gg2.practices if m.id == "CM.GP2.6")
    assert (gp26.inherits, gp26.inherited_status) == ("GP2.6", "unknown")
    assert [(x.label, x.source) for x in gp26.alternatives] == [("alternative 1", "own"),
                                                                ("inherited GP2.6 alternative 1", "inherited")]
    assert gp26.cheapest == "alternative 1"
    # cheapest per practice adds the shared folder; the registry (PP.GP2.6, SAM.GP2.6) makes it redundant
    assert e.minimal_adoption == ["gen.policy", "ml.registry", "ml.versioning", "plan.estimates", "plan.plan",
                                  "sup.agreements"]
    assert e.minimal and e.verified and e.verified_level == 2 and e.achievable
    assert e.prerequisites_first == []
    assert [g.id for g in e.generic_goals] == ["GG2"] and e.how is None
    registry = next(x for x in e.adoption if x.id == "ml.registry")
    assert registry.fixes == ["PP.GP2.6", "SAM.GP2.6"] and registry.ready is False


def test_out_of_scope_area_is_reported_apart_and_needs_nothing(mini: KnowledgeBase) -> None:
    e = explain_level(mini, facts_of({}, out_of_scope={"SAM": "no supplier"}), 2)
    assert e.out_of_scope == ["SAM"] and "SAM" not in {a.id for a in e.process_areas}
    assert "sup.agreements" not in e.minimal_adoption and e.verified


def test_not_rated_is_kept_apart_from_unsatisfied(mini: KnowledgeBase) -> None:
    facts = facts_of({"ml.versioning": {"status": "PI", "evidence": ["tags by hand"], "note": "no policy"}})
    e = explain_level(mini, facts, 2)
    cm = next(a for a in e.process_areas if a.id == "CM")
    pp = next(a for a in e.process_areas if a.id == "PP")
    assert (cm.status, cm.rule) == ("unsatisfied", "area_unsatisfied")
    assert (pp.status, pp.rule) == ("not_rated", "area_not_rated")
    (sg1,) = cm.goals
    assert (sg1.status, sg1.failed, sg1.unknown) == ("unsatisfied", ["CM.SP1.1"], ["CM.SP1.2"])
    versioning = sg1.practices[0].alternatives[0].lacks[0]
    assert (versioning.id, versioning.gap, versioning.evidence, versioning.note) == (
        "ml.versioning", "not_implemented", ["tags by hand"], "no policy")
    assert any("unsatisfied" in s for s in e.summary) and any("not rated" in s for s in e.summary)
    text = to_markdown(e)
    assert "Unsatisfied specific goals:" in text and "Not rated specific goals:" in text
    assert "Assessed, not fully implemented (does not count yet):" in text
    assert "No evidence recorded (not observed or not yet; assess these" in text


def test_area_generic_goals_hold_back_areas_whose_specific_goals_hold(mini: KnowledgeBase) -> None:
    e = explain_level(mini, all_fi(gen_policy={"status": "PI", "evidence": ["draft policy"]}), 2)
    assert sorted((a.id, a.status, a.capability_level, a.goals) for a in e.process_areas) == [
        ("CM", "satisfied", 1, []), ("PP", "satisfied", 1, []), ("SAM", "satisfied", 1, [])]
    cm = next(a for a in e.process_areas if a.id == "CM")
    (gg2,) = cm.generic_goals
    assert (gg2.id, gg2.generic, gg2.status, gg2.failed) == ("CM.GG2", "GG2", "unsatisfied", ["CM.GP2.1"])
    (gp21,) = gg2.practices
    assert (gp21.kind, gp21.inherits, gp21.inherited_status, gp21.cheapest) == (
        "area_generic", "GP2.1", "failed", "inherited GP2.1 alternative 1")
    assert gp21.alternatives[0].lacks[0].evidence == ["draft policy"]
    assert [g.id for g in e.generic_goals] == ["GG2"]
    assert e.minimal_adoption == ["gen.policy"] and e.minimal and e.verified


def test_own_generic_alternative_satisfies_one_area_only(mini: KnowledgeBase) -> None:
    e = explain_level(mini, all_fi(ml_registry="NI"), 2)
    # CM.GP2.6 by versioning (own), CM.SP1.2 by versioning + folder; PP and SAM inherit the failed GP2.6
    assert sorted(a.id for a in e.process_areas) == ["PP", "SAM"]
    assert e.minimal_adoption == ["ml.registry"] and e.minimal


def test_not_applicable_never_removes_a_required_practice(mini: KnowledgeBase) -> None:
    facts = all_fi(gen_policy={"status": "NA", "reason": "single team"})
    assert assess(mini, facts).maturity_level == 1
    e = explain_level(mini, facts, 2)
    cm = next(a for a in e.process_areas if a.id == "CM")
    (gg2,) = cm.generic_goals
    assert (gg2.status, gg2.not_applicable) == ("not_rated", ["CM.GP2.1"])
    (alt,) = gg2.practices[0].alternatives
    assert alt.status == "not_applicable" and [p.gap for p in alt.lacks] == ["not_applicable"]
    assert e.minimal_adoption == ["gen.policy"] and e.verified  # assumed FI overrides the NA


def test_direct_characterization_decides_and_cannot_be_adopted_away(mini: KnowledgeBase) -> None:
    facts = facts_of({}, model_practices={"PP.SP1.1": {"status": "PI", "rationale": "estimates in a spreadsheet"}})
    e = explain_level(mini, facts, 2)
    pp = next(a for a in e.process_areas if a.id == "PP")
    sp11 = next(m for g in pp.goals for m in g.practices if m.id == "PP.SP1.1")
    assert (sp11.decided_by, sp11.direct.status, sp11.adoptable, sp11.cheapest) == ("direct", "PI", False, None)
    assert not e.achievable and not e.verified and not e.minimal and e.minimal_adoption == []
    assert [o.id for o in e.obstacles] == ["PP.SP1.1"]
    assert "Characterized directly by the assessor" in to_markdown(e)


def test_failing_practice_carries_its_prerequisite_tree(mini: KnowledgeBase) -> None:
    facts = facts_of({"eng.framing": {"status": "NI", "observed_on": "2026-01-10"}, "plan.plan": "NY"})
    e = explain_level(mini, facts, 3)
    rd = next(a for a in e.process_areas if a.id == "RD")
    assert rd.status == "unsatisfied" and rd.required_capability == 3
    framing = rd.goals[0].practices[0].alternatives[0].lacks[0]
    assert framing.gap == "not_implemented" and str(framing.observed_on) == "2026-01-10"
    assert [(q.id, q.status, [r.id for r in q.prerequisites]) for q in framing.prerequisites] == [
        ("plan.plan", "NY", ["plan.estimates"])]
    assert e.verified and e.minimal


def test_reached_level_explains_how(mini: KnowledgeBase) -> None:
    e = explain_level(mini, all_fi(), 5)
    assert e.reached and e.blocking_level is None and e.minimal_adoption == [] and e.verified
    assert e.process_areas == [] and e.how is not None
    assert [(s.fact, s.rule) for s in e.how.chain] == [("maturity", "maturity_level_staged"),
                                                       ("mm:5", "maturity_level_met")]
    assert [a.id for a in e.how.process_areas][-3:] == ["RD", "OPP", "CAR"]
    cm = next(a for a in e.how.process_areas if a.id == "CM")
    assert (cm.step.rule, cm.capability_level) == ("area_satisfied_defined", 3)
    sp11 = cm.goals[0].practices[0]
    assert (sp11.id, sp11.decided_by, [p.id for p in sp11.practices]) == ("CM.SP1.1", "alternative 1",
                                                                          ["ml.versioning"])
    assert [g.id for g in cm.generic_goals] == ["CM.GG2", "CM.GG3"]
    pp = next(a for a in e.how.process_areas if a.id == "PP")
    gp21 = pp.generic_goals[0].practices[0]
    assert (gp21.decided_by, gp21.inherited_from, [p.id for p in gp21.practices]) == (
        "inherited", "GP2.1", ["gen.policy"])
    markdown = to_markdown(e)
    assert markdown.startswith("# How CMMI maturity level 5 (Optimizing) was reached")
    assert "`ps:CM` by rule `area_satisfied_defined`" in markdown


def test_level_1_is_always_reached(mini: KnowledgeBase) -> None:
    e = explain_level(mini, facts_of({}), 1)
    assert e.reached and e.how is not None and [s.rule for s in e.how.chain] == ["maturity_level_initial"]


def test_default_level_is_the_next_one_and_assumptions_are_shown(mini: KnowledgeBase) -> None:
    e = explain_level(mini, facts_of({}), assumptions={"gen.policy": "FI"})
    assert e.level == 2 and [(x.practice, x.status) for x in e.assumptions] == [("gen.policy", "FI")]
    assert "gen.policy" not in e.minimal_adoption
    e = explain_level(mini, all_fi(), assumptions={"plan.plan": "PI"})
    pp = next(a for a in e.process_areas if a.id == "PP")
    plan = pp.goals[0].practices[0].alternatives[0].lacks[0]
    assert plan.assumed and "Assumed" in plan.meaning and e.minimal_adoption == ["plan.plan"]


def test_bad_level_is_a_user_error_naming_the_parameter(mini: KnowledgeBase) -> None:
    with pytest.raises(UserInputError, match="CMMI maturity levels are 1-5, got 6") as caught:
        explain_level(mini, facts_of({}), 6)
    assert (caught.value.problems[0].parameter, caught.value.problems[0].field) == ("level", "6")
    with pytest.raises(UserInputError, match="CMMI maturity levels are 1-5, got True"):
        explain_level(mini, facts_of({}), True)


# --- one session: assessed once, re-inference cached --------------------------------------------------------------


def test_explanations_share_one_session(mini: KnowledgeBase) -> None:
    session = Session(mini, facts_of({"ml.versioning": "PI"}))
    first = level_explanation(session, 2)
    runs = session.inferences
    assert level_explanation(session, 2) == first and session.inferences == runs  # nothing inferred again
    practice_explanation(session, "ml.versioning", roadmap=False)
    framework_explanation(session, "toy", 1)
    assert session.inferences > runs
    assert first.minimal_adoption == explain_level(mini, facts_of({"ml.versioning": "PI"}), 2).minimal_adoption


def test_reference_session_explains_without_a_trace(mini: KnowledgeBase) -> None:
    rules = level_explanation(Session(mini, facts_of({})), 2)
    reference = level_explanation(Session(mini, facts_of({}), evaluator="reference"), 2)
    assert reference.minimal_adoption == rules.minimal_adoption and reference.process_areas[0].step is None
    assert rules.process_areas[0].step is not None


def test_explanations_need_the_trace(mini: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="no inference trace"):
        Trace(mini, assess(mini, facts_of({}), evaluator="reference"))


def test_a_trace_that_disagrees_with_the_assessment_is_an_internal_error(mini: KnowledgeBase) -> None:
    a = assess(mini, facts_of({}))
    tampered = [Derivation(fact=d.fact, rule="area_unsatisfied" if d.fact == "ps:CM" else d.rule, premises=d.premises)
                for d in a.derivations]
    with pytest.raises(InferenceError, match="process area CM"):
        Trace(mini, a.model_copy(update={"derivations": tampered})).area("CM")


# --- why a practice, why a framework level ----------------------------------------------------------------------


def test_practice_explanation(mini: KnowledgeBase) -> None:
    facts = facts_of({"ml.versioning": "NI", "ml.registry": {"status": "PI", "evidence": ["a shared folder"]}})
    e = explain_practice(mini, facts, "ml.registry", roadmap=False)
    assert (e.status, e.gap, e.satisfied, e.ready, e.evidence) == ("PI", "not_implemented", False, False,
                                                                   ["a shared folder"])
    assert [(x.id, x.alternatives, x.holds_back) for x in e.implements] == [("GP2.6", [1], True),
                                                                            ("CM.SP1.2", [1], True)]
    assert [(f.framework, f.level, f.required, f.status) for f in e.frameworks] == [("toy", 1, True, "failed")]
    assert [q.id for q in e.required_by] == ["ml.monitoring"]
    assert [(q.id, q.status) for q in e.requires] == [("ml.versioning", "NI")]
    assert [q.id for q in e.waits_for] == ["ml.versioning"]
    assert (e.next_level, e.needed_for_next_level, e.serving_level) == (2, "adopt", 2)
    assert any("waits for Versioning" in line for line in e.summary)
    assert "## CMMI practices it is part of" in to_markdown(e)
    folder = explain_practice(mini, all_fi(ml_folder="NI"), "ml.folder", roadmap=False)
    assert folder.option and folder.needed_for_next_level == "no"  # the registry satisfies CM.SP1.2


def test_practice_position_on_the_roadmap_is_reported_not_raised(mini: KnowledgeBase) -> None:
    facts = facts_of({"plan.estimates": "PI", "plan.plan": "NI", "ml.versioning": "PI"})
    e = explain_practice(mini, facts, "plan.plan")
    assert e.roadmap is not None and e.roadmap.reasons
    assert e.roadmap.placement in ("planned", "assess_first", "not_needed", "target_reached", "impossible",
                                   "unavailable")
    satisfied = explain_practice(mini, all_fi(), "plan.plan")
    assert satisfied.needed_for_next_level == "satisfied" and satisfied.gap is None and satisfied.roadmap is None


def test_unknown_practice_suggests_and_names_the_parameter(mini: KnowledgeBase) -> None:
    with pytest.raises(UserInputError, match="did you mean ml.registry") as caught:
        explain_practice(mini, facts_of({}), "ml.regsitry")
    assert caught.value.problems[0].parameter == "practice_id"


def test_framework_level_missing_requirements_failed_apart_from_undetermined(mini: KnowledgeBase) -> None:
    e = explain_framework(mini, facts_of({"ml.versioning": "FI", "ml.registry": "PI"}), "toy", 2)
    assert (e.current_level, e.reached, e.blocking_level, e.provenance) == (0, False, 1, "constructed")
    assert [(lv.level, lv.status, lv.failed, lv.undetermined) for lv in e.levels] == [
        (0, "met", [], []), (1, "failed", ["ml.registry"], []), (2, "undetermined", [], ["ml.monitoring",
                                                                                       "car.postmortems",
                                                                                       "ml.folder"])]
    (any_of,) = e.levels[2].requirements
    assert (any_of.id, any_of.kind, any_of.status) == ("fw:toy:2:1", "any_of", "unknown")
    assert [(x.cost, x.prerequisites) for x in any_of.alternatives] == [(5.5, ["ml.registry"]), (2.25, [])]
    assert any_of.cheapest == "alternative 2"
    assert e.minimal_adoption == ["car.postmortems", "ml.folder", "ml.registry"] and e.verified and e.minimal
    assert e.verified_level == 2 and [s.fact for s in e.chain] == ["fwl:toy", "fx:toy:0"]
    e = explain_framework(mini, facts_of({}), "toy", 1)
    assert (e.levels[1].status, e.levels[1].failed, e.levels[1].undetermined) == (
        "undetermined", [], ["ml.versioning", "ml.registry"])
    assert any("undetermined" in line for line in e.summary)


def test_framework_level_reached_and_default_level(mini: KnowledgeBase) -> None:
    e = explain_framework(mini, all_fi(), "toy")
    assert (e.level, e.reached, e.minimal_adoption) == (2, True, [])
    assert [s.rule for s in e.levels[2].steps] == ["framework_level_met", "framework_level_reached_next"]
    assert [p.id for p in e.levels[1].practices] == ["ml.versioning", "ml.registry"]


def test_unknown_framework_and_level(mini: KnowledgeBase) -> None:
    with pytest.raises(UserInputError, match="did you mean toy"):
        explain_framework(mini, facts_of({}), "tyo")
    with pytest.raises(UserInputError, match=r"framework toy has no level 3 \(levels: 0, 1, 2\)") as caught:
        explain_framework(mini, facts_of({}), "toy", 3)
    assert (caught.value.problems[0].parameter, caught.value.problems[0].field) == ("level", "3")


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
    assert set(area) >= {"id", "status", "goals", "generic_goals", "required_capability"}
    assert set(area["goals"][0]) >= {"id", "status", "failed", "unknown", "practices"}
    assert set(area["goals"][0]["practices"][0]) >= {"id", "status", "alternatives", "cheapest", "direct"}
    failing = {p["id"]: p for a in doc["process_areas"] for g in a["goals"] + a["generic_goals"]
               for m in g["practices"] for alt in m["alternatives"] for p in alt["lacks"]}
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

    assert markdown == to_markdown(explain_level(kb, load_fact_file(facts, kb), 2, source=str(facts)), trace=False)
    table = runner.invoke(app, ["why", str(facts)]).stdout
    assert "Why CMMI maturity level 2 (Managed) is not reached" in table
    assert "Example Bank, assessed on 2026-10-01: CMMI maturity level 1 (Initial)." in table
    assert "Smallest set of practices" in table and "Nearest goals" in table
    assert " by rule " not in table and " by rule " not in markdown  # internals only with --trace
    details = runner.invoke(app, ["why", str(facts), "--details"]).stdout
    assert "Source control for all ML code (ml.source-control): partially implemented (PI)" in details
    assert "No evidence recorded" in details and "No evidence recorded" not in table
    traced = runner.invoke(app, ["why", str(facts), "--trace", "-f", "markdown"]).stdout
    assert "by rule `practice_failed`" in traced


def test_how_explains_the_reached_level_by_default(tmp_path: Path, runner: CliRunner, kb: KnowledgeBase) -> None:
    path = tmp_path / "all.yaml"
    path.write_text("organization: All In\nassessed_on: 2026-01-01\npractices:\n"
                    + "".join(f"  {p}: FI\n" for p in kb.practices), encoding="utf-8")
    result = runner.invoke(app, ["how", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["level"], doc["reached"]) == (5, True)
    assert [s["fact"] for s in doc["how"]["chain"]] == ["maturity", "mm:5"]
    assert "maturity by rule maturity_level_staged" in runner.invoke(app, ["how", str(path), "--trace"]).stdout
    plain = runner.invoke(app, ["how", str(path)]).stdout
    assert plain.startswith("How CMMI maturity level 5 (Optimizing) was reached\n") and " by rule " not in plain


def test_how_for_a_level_not_reached_says_why(facts: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["how", str(facts), "--level", "3"])
    assert result.exit_code == 0 and "Why CMMI maturity level 3 (Defined) is not reached" in result.stdout


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


# --- nearest goals and what moves furthest -------------------------------------------------------------------


def test_nearest_area_missing_one_practice_is_listed_first_with_that_practice(mini: KnowledgeBase) -> None:
    e = explain_level(mini, all_fi(plan_plan="PI", ml_registry="NI"), 2)
    sam, pp = e.nearest_areas
    # SAM misses only its GP2.6 (inherited from the organization's, by the registry); PP misses that and SP2.1
    assert (sam.id, sam.missing, sam.adopt, sam.cost, sam.adoptable) == ("SAM", ["SAM.GP2.6"], ["ml.registry"], 3.0,
                                                                         True)
    assert [g.id for g in sam.goals] == ["SAM.GG2"]
    assert sam.needs == "1 CMMI practice not satisfied (SAM.GP2.6): adopt Registry (ml.registry), 3 person-weeks."
    assert (pp.id, pp.missing, pp.adopt) == ("PP", ["PP.GP2.6", "PP.SP2.1"], ["ml.registry", "plan.plan"])
    assert [g.id for g in pp.goals] == ["PP.SG2", "PP.GG2"]  # the cheaper goal first (plan.plan 2 < registry 3)
    (toy,) = e.nearest_framework_levels
    assert (toy.id, toy.missing, toy.adopt) == ("toy:1", ["ml.registry"], ["ml.registry"])
    # the registry makes hold: GP2.6 and the areas' GP2.6, their GG2, SAM's capability, and the toy's level 1
    best = e.furthest[0]
    assert best.id == "ml.registry" and "toy:1" in best.levels and "SAM" in best.process_areas
    assert {"GP2.6", "PP.GP2.6", "SAM.GP2.6"} <= set(best.practices)
    assert len(e.furthest) <= 3 and [x.score for x in e.furthest] == sorted((x.score for x in e.furthest), reverse=True)
    markdown = to_markdown(e, trace=False)
    assert markdown.index("## Nearest goals: process areas") < markdown.index("## The smallest set") \
        < markdown.index("## Process areas below")
    assert "| SAM Supplier Agreement Management | 1 |" in markdown


def test_a_direct_characterization_puts_an_area_last_among_the_nearest(mini: KnowledgeBase) -> None:
    data = all_fi(plan_plan="PI").model_dump(mode="json", exclude_none=True)
    data["model_practices"] = {"SAM.SP1.1": {"status": "NI", "rationale": "no agreements at all"}}
    e = explain_level(mini, FactFile.model_validate(data), 2)
    assert [c.id for c in e.nearest_areas] == ["PP", "SAM"]
    sam = e.nearest_areas[-1]
    assert not sam.adoptable and sam.obstacles == ["SAM.SP1.1"] and "cannot satisfy SAM.SP1.1" in sam.needs


def test_a_reached_level_has_no_nearest_goals(mini: KnowledgeBase) -> None:
    e = explain_level(mini, all_fi(), 2)
    assert e.reached and e.nearest_areas == [] and e.furthest == []
    assert e.title == "How CMMI maturity level 2 (Managed) was reached"


def test_framework_headers_name_the_framework_level(mini: KnowledgeBase) -> None:
    e = explain_framework(mini, all_fi(ml_monitoring="NI", car_postmortems="NI"), "toy", 2)
    assert e.title == "Why Toy model level 2 (Monitored) is not reached"
    assert e.standing == "Acme ML, assessed on 2026-01-15: CMMI maturity level 4 (Quantitatively Managed); Toy " \
                         "model level 1 (Tracked)."
    assert [c.id for c in e.nearest_framework_levels] == ["toy:2"]
    assert to_markdown(e, trace=False).startswith("# Why Toy model level 2 (Monitored) is not reached\n")
