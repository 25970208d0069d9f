"""Results shared between assessments stay as built, whatever the commands that read them do.

The result builder (engine/assessment.py) keeps result objects made of equal values per knowledge base and hands the
same objects to later assessments. That is only right while nothing changes them after they are built: here every
command the engine offers (assessment, roadmap with and without a capacity, explanations, summary, reports) runs on
each shipped example first, and then the same assessment, built from the shared objects, must give exactly the JSON
an assessment built from nothing gives (a knowledge base whose cache is empty).
"""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from mlops_maturity.engine.api import to_json
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.explain import level_explanation
from mlops_maturity.engine.facts import load_fact_file
from mlops_maturity.engine.kb import ID_HASHES_MEMO, load_knowledge_base
from mlops_maturity.engine.report import report_file
from mlops_maturity.engine.roadmap import plan
from mlops_maturity.engine.session import Session
from mlops_maturity.engine.summary import summarize

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def test_results_are_shared_between_assessments() -> None:
    """The premise of this file: a second assessment reuses objects of the first (else there is nothing to test).

    On a knowledge base of its own, whose cache is empty: the cache of the shared one is cleared whenever it is
    full, so what earlier tests assessed would decide whether these two assessments meet in it."""
    kb = pickle.loads(pickle.dumps(load_knowledge_base()))
    assert set(kb.memo) <= {ID_HASHES_MEMO}  # plain data a pickle keeps; none of the shared results
    facts = load_fact_file(EXAMPLES[0], kb)
    first, second = assess(kb, facts, verify=False), assess(kb, facts, verify=False)
    assert first is not second
    assert first.process_areas[0] is second.process_areas[0] or first.practices[0] is second.practices[0]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_commands_leave_shared_results_as_built(path: Path, tmp_path: Path) -> None:
    kb = load_knowledge_base()
    facts = load_fact_file(path, kb)
    assess(kb, facts)
    session = Session(kb, facts, {}, verify=True, source=str(path))
    plan(session)
    plan(Session(kb, facts, {}, verify=True, source=str(path)), capacity=6.0)
    for level in (2, 3):
        level_explanation(session, level)
    summarize(session)
    for template in ("markdown", "html"):
        report_file(path, template=template)
    shared = to_json(assess(kb, facts, verify=False))
    fresh_kb = pickle.loads(pickle.dumps(kb))  # the same knowledge, none of its shared results
    assert set(fresh_kb.memo) <= {ID_HASHES_MEMO}  # plain data the pickle keeps (id hashes), no result
    fresh = to_json(assess(fresh_kb, load_fact_file(path, fresh_kb), verify=False))
    assert shared == fresh
