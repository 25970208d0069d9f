"""The durable_rules inference and the reference evaluator agree exactly, on every generated fact file."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_maturity.engine import reference
from mlops_maturity.engine.assessment import assess, compare, effective_statuses
from mlops_maturity.engine.inference import infer
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.results import Assessment

from tests.conftest import MINI_KB
from tests.strategies import fact_files

SHIPPED = load_knowledge_base()
MINI = load_knowledge_base(base=MINI_KB)


def equivalent_staging(a: Assessment) -> int:
    """CMMI v1.3 equivalent staging of the capability profile (domain facts 1.6), written independently."""
    level = 1
    for n in range(2, 6):
        needed = 2 if n == 2 else 3
        areas = [pa for pa in a.process_areas if pa.maturity_level <= n]
        if all(pa.status == "not_applicable" or (pa.capability_level or 0) >= needed for pa in areas):
            level = n
        else:
            break
    return level


def check(kb: KnowledgeBase, facts) -> None:  # noqa: ANN001
    statuses = effective_statuses(kb, facts, {})
    rules = infer(kb, statuses, dict(facts.context))
    expected = reference.evaluate(kb, statuses, dict(facts.context))
    assert compare(rules, expected) == []
    result = assess(kb, facts, evaluator="reference")
    assert equivalent_staging(result) == result.maturity_level


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_rules_agree_with_reference_on_shipped_kb(data: st.DataObject) -> None:
    check(SHIPPED, data.draw(fact_files(SHIPPED)))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_rules_agree_with_reference_on_mini_kb(data: st.DataObject) -> None:
    check(MINI, data.draw(fact_files(MINI)))


def test_every_derived_fact_has_a_derivation_with_existing_premises(kb: KnowledgeBase) -> None:
    from tests.strategies import FactFile  # noqa: F401 - re-exported model

    facts = FactFile.model_validate({"organization": "x", "assessed_on": "2026-01-01",
                                     "practices": {p: "FI" for p in list(kb.practices)[::2]}})
    result = assess(kb, facts)
    fact_ids = {d.fact for d in result.derivations}
    assert "maturity" in fact_ids
    assert {f"gs:{g}" for g in kb.goals} <= fact_ids
    assert {f"ps:{pa.id}" for pa in kb.process_areas} <= fact_ids
    known_prefixes = ("p:", "ev:", "g:", "pa:", "lvl:", "dep:", "fw:", "fl:", "fr:", "a:")
    for d in result.derivations:
        assert d.premises, d
        for premise in d.premises:
            assert premise in fact_ids or premise.startswith(known_prefixes), (d.fact, premise)
