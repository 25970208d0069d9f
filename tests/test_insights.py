"""Every insight rule of the shipped knowledge base fires on its ``fires`` case and stays quiet on its ``quiet`` case.

The cases are data: ``tests/cases/insights/<rule-id>.yaml`` holds two small fact blocks (``context`` and
``practices``, as in a fact file). Each runs through the full assessment (rules engine, cross-checked against the
reference evaluator), so a case tests the rule as the knowledge base states it and as the engine compiles it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_maturity.engine import documents
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.facts import check_fact_file
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base, validate_knowledge_base
from mlops_maturity.engine.results import Assessment, Finding

from tests.strategies import fact_files

CASES = Path(__file__).parent / "cases" / "insights"
KINDS = ("fires", "quiet")


def _case_files() -> list[Path]:
    return sorted(CASES.glob("*.yaml"))


def _params() -> list[Any]:
    return [pytest.param(path.stem, kind, id=f"{path.stem}-{kind}") for path in _case_files() for kind in KINDS]


def run_case(kb: KnowledgeBase, rule: str, kind: str) -> Assessment:
    """Assess one case block as a fact file (validated against the knowledge base like any fact file)."""
    case = yaml.safe_load((CASES / f"{rule}.yaml").read_text(encoding="utf-8"))
    block = case[kind] or {}
    unknown = set(block) - {"context", "practices"}
    assert not unknown, f"{rule}.yaml {kind}: unknown keys {sorted(unknown)}"
    data = {"organization": f"case {rule}-{kind}", "assessed_on": "2026-01-01", **block}
    facts = check_fact_file(documents.Document(f"{rule}.yaml:{kind}", data, {}), kb)
    return assess(kb, facts, verify=True, source=f"{rule}.yaml:{kind}")


@pytest.fixture(scope="module")
def shipped() -> KnowledgeBase:
    """The shipped knowledge base."""
    return load_knowledge_base()


@pytest.mark.parametrize(("rule", "kind"), _params())
def test_insight_case(shipped: KnowledgeBase, rule: str, kind: str) -> None:
    result = run_case(shipped, rule, kind)
    fired = [f.rule for f in result.findings]
    if kind == "fires":
        assert rule in fired, f"{rule} did not fire; findings: {fired}"
        derivation = next(d for d in result.derivations if d.fact == f"f:{rule}")
        assert derivation.premises, f"finding {rule} has no premises in the trace"
    else:
        assert rule not in fired, f"{rule} fired on its quiet case"


def test_every_insight_rule_has_a_case_file(shipped: KnowledgeBase) -> None:
    rules = {r.id for r in shipped.insights}
    cases = {p.stem for p in _case_files()}
    assert sorted(rules - cases) == [], "insight rules without a case file in tests/cases/insights/"
    assert sorted(cases - rules) == [], "case files naming no insight rule of the knowledge base"


def test_every_case_file_has_both_blocks() -> None:
    for path in _case_files():
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(case, dict) and set(case) == set(KINDS), f"{path.name}: expected exactly {KINDS}"


# --- findings worded and rated by their basis ------------------------------------------------------------------


def _assess_block(kb: KnowledgeBase, block: dict[str, Any]) -> Assessment:
    data = {"organization": "basis case", "assessed_on": "2026-01-01", **block}
    return assess(kb, check_fact_file(documents.Document("basis.yaml", data, {}), kb), verify=True)


def _finding(result: Assessment, rule: str) -> Finding:
    return next(f for f in result.findings if f.rule == rule)


VALIDATION = "regulated-without-independent-validation"


def test_partial_basis_cites_the_evidence_and_does_not_state_absence(shipped: KnowledgeBase) -> None:
    result = _assess_block(shipped, {"context": {"regulated_industry": True}, "practices": {
        "gov.independent-validation": {"status": "PI", "evidence": ["second-line review of tier-1 models"],
                                       "note": "tier-2 and tier-3 models are self-validated."}}})
    f = _finding(result, VALIDATION)
    assert f.message.startswith("Independent model validation is partially in place (evidence: second-line review "
                                "of tier-1 models; note: tier-2 and tier-3 models are self-validated).")
    assert "not validated by anyone" not in f.message
    assert f.wording == "partial" and f.rule_severity == "high" and f.severity == "medium"
    assert [(b.practice, b.status, b.evidence) for b in f.basis] == [
        ("gov.independent-validation", "PI", ["second-line review of tier-1 models"])]


def test_not_observed_basis_asks_to_verify_at_a_lower_severity(shipped: KnowledgeBase) -> None:
    f = _finding(_assess_block(shipped, {"context": {"regulated_industry": True}}), VALIDATION)
    assert f.message.startswith("No evidence of independent model validation was recorded (verify).")
    assert "not validated by anyone" not in f.message and "are not validated" not in f.message
    assert f.wording == "to_verify" and f.severity == "low" and f.rule_severity == "high"
    assert [(b.practice, b.status) for b in f.basis] == [("gov.independent-validation", "not_observed")]


def test_not_implemented_basis_keeps_the_absolute_wording(shipped: KnowledgeBase) -> None:
    rule = next(r for r in shipped.insights if r.id == VALIDATION)
    f = _finding(_assess_block(shipped, {"context": {"regulated_industry": True},
                                         "practices": {"gov.independent-validation": "NI"}}), VALIDATION)
    assert f.message == rule.finding and "not validated by anyone" in f.message
    assert f.wording == "absent" and f.severity == "high"


def test_not_yet_basis_is_marked_to_verify(shipped: KnowledgeBase) -> None:
    f = _finding(_assess_block(shipped, {"context": {"regulated_industry": True},
                                         "practices": {"gov.independent-validation": "NY"}}), VALIDATION)
    assert f.message.startswith("Independent model validation is marked 'not yet' (verify).")
    assert f.wording == "to_verify" and f.severity == "low"


def test_mixed_basis_names_each_practice_as_it_stands(shipped: KnowledgeBase) -> None:
    f = _finding(_assess_block(shipped, {"context": {"production_model_count": 2}, "practices": {
        "eng.business-problem-framing": {"status": "PI", "evidence": ["one-page proposals"]}}}),
        "production-without-business-case")
    assert f.message.startswith("No evidence of business value tracking of ML initiatives was recorded (verify). "
                                "Business problem framing is partially in place (evidence: one-page proposals).")
    assert f.wording == "to_verify" and f.severity == "info"


def test_partial_severity_from_the_knowledge_base(shipped: KnowledgeBase) -> None:
    f = _finding(_assess_block(shipped, {"context": {"regulated_industry": True},
                                         "practices": {"gov.audit-trail": "PI"}}), "regulated-without-audit-trail")
    assert f.wording == "partial" and f.severity == "high"


def test_framework_level_basis_lists_its_unmet_requirements(shipped: KnowledgeBase) -> None:
    case = yaml.safe_load((CASES / "automation-without-governance-google.yaml").read_text(encoding="utf-8"))
    f = _finding(_assess_block(shipped, case["fires"]), "automation-without-governance-google")
    ids = [b.practice for b in f.basis]
    assert {"gov.model-inventory", "gov.model-ownership"} <= set(ids)
    assert all(b.condition.startswith("required by model-ops level ") for b in f.basis)
    assert all(b.status in ("PI", "NI", "NY", "not_observed") for b in f.basis)
    assert f.wording == "to_verify" and "(verify)" in f.message
    block = {"practices": {**case["fires"]["practices"], **{p: "NI" for p in ids}}}
    f = _finding(_assess_block(shipped, block), "automation-without-governance-google")
    assert f.wording == "absent" and f.severity == "high"


def test_a_rule_without_practice_basis_is_as_stated(shipped: KnowledgeBase) -> None:
    f = _finding(_assess_block(shipped, {}), "production-model-count-not-stated")
    assert f.basis == [] and f.wording == "as_stated" and f.severity == f.rule_severity == "info"


FIRM_RULE = """\
insights:
  - id: firm-validation
    name: Firm rule without a risk text
    severity: high
    when:
      - {attribute: regulated_industry, equals: true}
      - {practice: gov.independent-validation, is: not_satisfied}
    finding: Models are not validated independently.
    recommendation: Validate them.
    source: a firm
"""


def test_a_rule_without_risk_is_warned_about_and_never_asserts_absence(shipped: KnowledgeBase, tmp_path: Path) -> None:
    (tmp_path / "insights").mkdir()
    (tmp_path / "insights" / "firm.yaml").write_text(FIRM_RULE, encoding="utf-8")
    kb, issues = validate_knowledge_base(tmp_path)
    assert kb is not None
    assert [i.message for i in issues if "has no risk" in i.message] == [
        "insight rule firm-validation rests on practices that are not satisfied but has no risk: when they are "
        "partial or not assessed its finding is prefixed \"Where it is missing:\"; write a risk that holds whatever "
        "their status"]
    f = _finding(_assess_block(kb, {"context": {"regulated_industry": True}}), "firm-validation")
    assert f.message == ("No evidence of independent model validation was recorded (verify). Where it is missing: "
                         "Models are not validated independently.")
    assert not [i for i in validate_knowledge_base()[1] if "has no risk" in i.message]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_wording_follows_the_basis(shipped: KnowledgeBase, data: st.DataObject) -> None:
    facts = data.draw(fact_files(shipped))
    result = assess(shipped, facts, evaluator="reference")
    status = {p.id: p.status for p in result.practices}
    rules = {r.id: r for r in shipped.insights}
    order = {"info": 0, "low": 1, "medium": 2, "high": 3}
    for f in result.findings:
        if f.rule not in rules:
            continue
        assert all(b.status == status[b.practice] and b.status not in ("FI", "LI", "NA") for b in f.basis)
        kinds = {b.status for b in f.basis}
        if kinds & {"NY", "not_observed"}:
            assert f.wording == "to_verify" and "(verify)" in f.message and f.message != rules[f.rule].finding
            assert order[f.severity] < order[rules[f.rule].severity.value] or f.severity == "info"
        elif "PI" in kinds:
            assert f.wording == "partial" and "partially in place" in f.message
        else:
            assert f.message == rules[f.rule].finding and f.severity == rules[f.rule].severity.value
