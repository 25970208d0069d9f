"""``reference.reevaluate`` (the search's fast path) equals ``reference.evaluate`` on the same input.

A search (the smallest adoption set, the levers) tries many what-ifs one or two practices apart; the session works
each out from the previous trial with ``reevaluate``. These tests hold the fast path to the oracle: on every example,
for seeded random changes of a few practice statuses (chained, as a search chains them), the conclusions are the
same, dict order included, and a session's trials are the reference evaluator's conclusions.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from mlops_maturity.engine import reference
from mlops_maturity.engine.assessment import direct_statuses
from mlops_maturity.engine.facts import load_fact_file
from mlops_maturity.engine.kb import load_knowledge_base
from mlops_maturity.engine.rating import Conclusions
from mlops_maturity.engine.session import Session

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
STATUSES = ("FI", "LI", "PI", "NI", "NY", "NA", "NO")


def _same(got: Conclusions, expected: Conclusions) -> None:
    assert got.comparable() == expected.comparable()
    for name in ("alt_status", "mp_status", "goal_status", "pa_status", "framework_level_status", "framework_level",
                 "blocked_by"):
        assert list(getattr(got, name)) == list(getattr(expected, name)), name
    assert got.findings == expected.findings


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base(None)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_reevaluate_equals_evaluate(kb, example: Path) -> None:
    facts = load_fact_file(example, kb)
    direct, scoped = direct_statuses(facts), sorted(facts.out_of_scope)
    base_statuses = Session(kb, facts).statuses_with(None)
    base = reference.evaluate(kb, base_statuses, facts.context, direct, scoped)
    rng = random.Random(example.stem)
    practices = sorted(kb.practices)
    for _ in range(150):
        statuses = dict(base_statuses)
        for pid in rng.sample(practices, rng.randint(0, 6)):
            statuses[pid] = rng.choice(STATUSES)
        got = reference.reevaluate(kb, statuses, facts.context, direct, scoped, base_statuses, base)
        _same(got, reference.evaluate(kb, statuses, facts.context, direct, scoped))
        if rng.random() < 0.5:  # a chain of re-evaluations, each from the last
            base_statuses, base = statuses, got


@pytest.mark.parametrize("example", EXAMPLES[:3], ids=[p.stem for p in EXAMPLES[:3]])
def test_session_trials_are_the_reference_evaluators(kb, example: Path) -> None:
    facts = load_fact_file(example, kb)
    session = Session(kb, facts)
    unsatisfied = sorted(p.id for p in session.assessment.practices if not p.satisfied)[:12]
    tries = [{p: "FI" for p in unsatisfied[:k]} for k in range(len(unsatisfied) + 1)]
    tries += [{p: "FI" for p in unsatisfied if p != q} for q in unsatisfied]  # drops, as the adoption search tries
    for extra in tries:
        got = session.trial_conclusions(extra)
        _same(got, reference.evaluate(kb, session.statuses_with(extra), facts.context, direct_statuses(facts),
                                      sorted(facts.out_of_scope)))


def test_cross_check_of_a_nearby_state_is_worked_out_from_the_last_and_still_catches_a_disagreement(
        kb, monkeypatch) -> None:
    """A verified session cross-checks a state a few statuses from the last one checked (a roadmap's next wave)
    against conclusions worked out from that one's; they equal a fresh evaluation, and a rules result that differs
    from them is still refused."""
    from mlops_maturity.engine import session as session_module
    from mlops_maturity.engine.errors import VerificationError

    facts = load_fact_file(EXAMPLES[0], kb)
    session = Session(kb, facts, verify=True)
    unsatisfied = sorted(p.id for p in session.assessment.practices if not p.satisfied)[:3]
    worked_out: list[Conclusions] = []
    reevaluate = reference.reevaluate

    def counted(*args):  # noqa: ANN002, ANN202
        worked_out.append(found := reevaluate(*args))
        return found

    monkeypatch.setattr(session_module.reference, "reevaluate", counted)
    extra = {unsatisfied[0]: "FI"}
    session.conclusions_with(extra)
    assert len(worked_out) == 1
    _same(worked_out[0], reference.evaluate(kb, session.statuses_with(extra), facts.context, direct_statuses(facts),
                                            sorted(facts.out_of_scope)))

    infer = session_module.infer

    def wrong(*args):  # noqa: ANN002, ANN202
        found = infer(*args)
        found.maturity_level += 1
        return found

    monkeypatch.setattr(session_module, "infer", wrong)
    with pytest.raises(VerificationError):
        session.conclusions_with({unsatisfied[0]: "FI", unsatisfied[1]: "FI"})
    assert len(worked_out) == 2
