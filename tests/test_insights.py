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
from mlops_maturity.engine import documents
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.facts import check_fact_file
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.results import Assessment

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
