"""The fact ids a knowledge base's runs can use (``inference.fact_ids``), whose id hashes its disk cache keeps: every id
a run uses is among them, and each kept hash is the engine's."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_maturity.engine.assessment import direct_statuses, effective_statuses
from mlops_maturity.engine.facts import FactFile, load_fact_file
from mlops_maturity.engine.inference import build_facts, fact_ids, keep_with_knowledge_base, rule_engine
from mlops_maturity.engine.kb import ID_HASHES_MEMO, KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.rules_engine import fact_id_hash

from tests.conftest import MINI_KB
from tests.strategies import fact_files

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = load_knowledge_base()
MINI = load_knowledge_base(base=MINI_KB)


def used_ids(kb: KnowledgeBase, facts: FactFile) -> set[str]:
    """Every id one run on ``facts`` gives the engine or concludes."""
    statuses = effective_statuses(kb, facts, {})
    run = rule_engine(kb).run(build_facts(kb, statuses, dict(facts.context), direct_statuses(facts),
                                          sorted(facts.out_of_scope)))
    return set(run.index.by_id)


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.yaml")), ids=lambda p: p.stem)
def test_every_id_a_run_on_an_example_uses_is_known(path: Path) -> None:
    known = set(fact_ids(SHIPPED))
    assert used_ids(SHIPPED, load_fact_file(path, SHIPPED)) <= known


@pytest.mark.parametrize("kb", [SHIPPED, MINI], ids=["shipped", "mini"])
def test_every_id_of_a_run_rating_each_cmmi_practice_directly_is_known(kb: KnowledgeBase) -> None:
    """Every CMMI practice characterized directly (each area's generic practices get facts of their own), every
    area that may be out of scope out of it, and every context attribute given."""
    values = {"boolean": True, "integer": 3}
    facts = FactFile.model_validate({
        "organization": "x", "assessed_on": "2026-01-01", "practices": {},
        "model_practices": {m: {"status": "LI", "rationale": "alternative practice"} for m in kb.model_practices},
        "context": {a.id: values.get(a.type, (a.values or ["x"])[0]) for a in kb.attributes.values()}})
    assert used_ids(kb, facts) <= set(fact_ids(kb))
    scoped = FactFile.model_validate({"organization": "x", "assessed_on": "2026-01-01", "practices": {},
                                      "out_of_scope": {pa: "no supplier agreements" for pa in kb.scopable_areas}})
    assert used_ids(kb, scoped) <= set(fact_ids(kb))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_every_id_a_run_on_a_generated_file_uses_is_known(data: st.DataObject) -> None:
    kb = data.draw(st.sampled_from([SHIPPED, MINI]))
    assert used_ids(kb, data.draw(fact_files(kb))) <= set(fact_ids(kb))


def test_the_kept_hashes_are_the_engine_s_and_a_pickled_copy_keeps_them() -> None:
    import pickle

    kb = load_knowledge_base(base=MINI_KB)
    keep_with_knowledge_base(kb)
    hashes = kb.memo[ID_HASHES_MEMO]
    assert sorted(hashes) == fact_ids(kb)
    assert all(fact_id_hash(fid) == h for fid, h in hashes.items())
    assert pickle.loads(pickle.dumps(kb)).memo == {ID_HASHES_MEMO: hashes}
