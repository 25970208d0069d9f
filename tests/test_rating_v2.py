"""Rating model v2 on the shipped knowledge base: the probes that motivated it, each as a test.

Every probe builds its fact file from the knowledge base itself (which practices serve which level, which implement
which process area), so a mapping change is tested, not worked around.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_maturity.engine import documents
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.errors import UserInputError
from mlops_maturity.engine.facts import FactFile, check_fact_file
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base

KB = load_knowledge_base()


def facts_of(practices: dict[str, object], **extra: object) -> FactFile:
    return FactFile.model_validate({"organization": "probe", "assessed_on": "2026-10-01", "practices": practices,
                                    **extra})


def serving(kb: KnowledgeBase, up_to: int) -> list[str]:
    return sorted(p for p, level in kb.serving_level.items() if level <= up_to)


def all_fi(up_to: int) -> dict[str, object]:
    return {p: "FI" for p in serving(KB, up_to)}


def test_every_practice_serving_levels_2_and_3_at_fi_reaches_level_3() -> None:
    result = assess(KB, facts_of(all_fi(3)))
    assert result.maturity_level == 3


@pytest.mark.parametrize("choice", [
    "ml.drift-triggered-retraining", "ml.feature-store", "ml.online-experimentation", "ml.hyperparameter-tuning",
    "ml.app-ci", "ml.infrastructure-as-code", "gov.cloud-exit-plan",
])
def test_one_technology_choice_not_implemented_keeps_level_3(choice: str) -> None:
    """A tool or technique choice is an alternative, never mandatory CMMI evidence."""
    practices = all_fi(3)
    practices[choice] = "NI"
    result = assess(KB, facts_of(practices), evaluator="reference")
    assert result.maturity_level == 3, [pa.id for pa in result.process_areas if (pa.capability_level or 0) < 3]


def test_on_call_rota_partially_implemented_still_reaches_level_2() -> None:
    """The on-call rota is a resource for operations, not for performing REQM or PPQA: GP2.3 fails only in areas
    where every way to GP2.3 includes the rota (none in the shipped knowledge base)."""
    rota = "ops.production-support-rotation"
    practices = all_fi(2)
    practices[rota] = "PI"
    result = assess(KB, facts_of(practices))
    assert result.maturity_level >= 2
    rota_only = {pa.id for pa in KB.process_areas
                 if all(rota in alt for alt in KB.model_practices[f"{pa.id}.GP2.3"].alternatives
                        + KB.model_practices["GP2.3"].alternatives)}
    failed = {pa.id for pa in result.process_areas for gg in pa.generic_goals for mp in gg.practices
              if mp.id.endswith(".GP2.3") and mp.status == "failed"}
    assert failed == rota_only


def test_not_applicable_cannot_remove_ppqa() -> None:
    """Marking every PPQA practice NA ("we have no QA") does not reach level 2; a finding says why and how to
    scope an allowed area instead."""
    ppqa = sorted({p for mp in KB.model_practices.values() if mp.process_area == "PPQA" and mp.kind == "specific"
                   for alt in mp.alternatives for p in alt})
    practices: dict[str, object] = dict(all_fi(2))
    practices.update({p: {"status": "NA", "reason": "we have no QA"} for p in ppqa})
    result = assess(KB, facts_of(practices))
    assert result.maturity_level == 1
    assert result.process_area("PPQA").status == "not_rated"
    finding = next(f for f in result.findings if f.rule == "not-applicable-cannot-remove-practice")
    assert "PPQA.SP1.1" in finding.message and "out_of_scope" in finding.recommendation


def _sam_practices() -> list[str]:
    return sorted({p for mp in KB.model_practices.values() if mp.process_area == "SAM" and mp.kind == "specific"
                   for alt in mp.alternatives for p in alt})


def test_sam_out_of_scope_with_a_reason_reaches_level_2() -> None:
    practices = dict(all_fi(2))
    practices.update({p: "NI" for p in _sam_practices()})
    assert assess(KB, facts_of(practices), evaluator="reference").maturity_level == 1
    scoped = assess(KB, facts_of(practices, out_of_scope={"SAM": "no supplier agreements"}))
    assert scoped.maturity_level == 2
    sam = scoped.process_area("SAM")
    assert (sam.status, sam.capability_level, sam.out_of_scope_reason) == ("out_of_scope", None,
                                                                          "no supplier agreements")


def _check(text: str) -> FactFile:
    return check_fact_file(documents.parse(text, "probe.yaml"), KB)


def test_only_an_area_the_model_allows_may_be_out_of_scope() -> None:
    with pytest.raises(UserInputError) as err:
        _check("organization: x\nassessed_on: 2026-10-01\nout_of_scope:\n  PPQA: we have no QA\n")
    assert str(err.value) == ("probe.yaml: line 4: out_of_scope.PPQA: PPQA cannot be out of scope: CMMI rates every "
                              "process area of a level, and not-applicable practices never remove one; only SAM may be "
                              "declared out of scope")


def test_a_direct_characterization_cannot_be_na() -> None:
    with pytest.raises(UserInputError) as err:
        _check("organization: x\nassessed_on: 2026-10-01\nmodel_practices:\n  CM.SP1.1: {status: NA, rationale: r}\n")
    assert "NA cannot remove a CMMI practice" in str(err.value)


def test_capability_profiles_differ_when_generic_practices_differ() -> None:
    """The continuous representation: an area whose own generic practice is characterized lower has a lower
    capability level than the others."""
    practices = all_fi(3)
    facts = facts_of(practices, model_practices={"PPQA.GP2.2": {"status": "NI", "rationale": "no QA plan"}})
    result = assess(KB, facts)
    assert result.process_area("PPQA").capability_level == 1
    assert result.process_area("CM").capability_level == 3
    plan = next(mp for gg in result.process_area("PPQA").generic_goals for mp in gg.practices
                if mp.id == "PPQA.GP2.2")
    assert (plan.decided_by, plan.direct.rationale) == ("direct", "no QA plan")


def test_an_area_own_evidence_decides_its_generic_practice() -> None:
    """PP's GP2.2 is evidenced by the project plan itself: with the organization-level plan of the process not
    implemented, PP keeps GP2.2 and the other areas lose it."""
    own = KB.model_practices["PP.GP2.2"].alternatives
    assert own, "the knowledge base says PP's own practices evidence its GP2.2"
    practices = all_fi(3)
    for alt in KB.model_practices["GP2.2"].alternatives:
        for p in alt:
            if not any(p in a for a in own):
                practices[p] = "NI"
    result = assess(KB, facts_of(practices), evaluator="reference")
    gp22 = {pa.id: mp.status for pa in result.process_areas for gg in pa.generic_goals for mp in gg.practices
            if mp.id == f"{pa.id}.GP2.2"}
    assert gp22["PP"] == "satisfied" and gp22["REQM"] == "failed"
    assert result.process_area("PP").capability_level > result.process_area("REQM").capability_level


def test_a_merged_practice_id_still_works_with_a_warning() -> None:
    facts = _check("organization: x\nassessed_on: 2026-10-01\npractices:\n  gen.defined-process-use: FI\n")
    assert facts.practices["ipm.project-defined-process"].status.value == "FI"
    assert facts.warnings == ["probe.yaml: line 4: practices.gen.defined-process-use: gen.defined-process-use was "
                              "merged into ipm.project-defined-process: read as ipm.project-defined-process; rename it"]


FRAMEWORK_PRACTICES = sorted({p for fw in KB.frameworks.values() for lv in fw.levels for p in lv.practices})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(FRAMEWORK_PRACTICES)))
def test_not_observed_framework_gaps_read_as_undetermined(fully: set[str]) -> None:
    """A fact file whose framework practices are all FI or not observed never shows a framework level as failed:
    what is not observed is undetermined (assess it), not "not reached"."""
    result = assess(KB, facts_of({p: "FI" for p in fully}), evaluator="reference")
    for fw in result.frameworks:
        assert all(lv.status in ("met", "undetermined") for lv in fw.levels), fw.id
        assert fw.next_level_status in (None, "undetermined"), fw.id


def test_a_failed_framework_practice_is_not_reached() -> None:
    google = KB.frameworks["google"]
    first = google.levels[1]
    required = next(r for r in first.required if isinstance(r, str))
    result = assess(KB, facts_of({p: "FI" for p in google.levels[0].practices} | {required: "NI"}),
                    evaluator="reference")
    fw = result.framework("google")
    assert (fw.level, fw.next_level, fw.next_level_status) == (0, 1, "failed")
    assert required in fw.levels[1].failed


def test_lower_case_statuses_in_assumptions_are_accepted() -> None:
    from mlops_maturity.engine.assessment import parse_assumptions

    assert parse_assumptions(["ml.model-registry=fi", "ml.source-control= li "], KB) == {
        "ml.model-registry": "FI", "ml.source-control": "LI"}
    with pytest.raises(UserInputError, match="unknown status 'xx'"):
        parse_assumptions(["ml.model-registry=xx"], KB)
