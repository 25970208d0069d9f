"""The durable_rules adapter: errors surface, sessions are isolated, workarounds are applied."""

from __future__ import annotations

import datetime as dt

import pytest
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.errors import InferenceError
from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.rules_engine import ASSERT, ASSERT_STORED, Rule, RuleEngine, any_of, eq, fact, join, none


def _facts(practices: dict[str, str]) -> FactFile:
    return FactFile.model_validate(
        {"organization": "t", "assessed_on": dt.date(2026, 1, 1), "practices": practices}
    )


def test_exception_in_an_action_is_an_error_not_lost() -> None:
    def boom(m, index):  # noqa: ANN001, ANN202
        raise RuntimeError("kaboom")

    engine = RuleEngine([Rule("explode", "one", (fact("x", "thing"),), boom)], ["one"])
    with pytest.raises(InferenceError, match="rule explode: RuntimeError: kaboom"):
        engine.run([{"kind": "thing", "id": "t1"}])
    # The engine stays usable after a failed run.
    ok = RuleEngine([Rule("copy", "one", (fact("x", "thing"),),
                          lambda m, index: {"kind": "copy", "id": "c:" + m["x"]["id"]})], ["one"])
    assert [f["id"] for f in ok.run([{"kind": "thing", "id": "t1"}]).facts] == ["c:t1", "t1"]


def test_sessions_are_isolated_across_many_runs() -> None:
    engine = RuleEngine([Rule("copy", "one", (fact("x", "thing"),),
                              lambda m, index: {"kind": "copy", "id": "c:" + m["x"]["id"]})], ["one"])
    for i in range(300):
        run = engine.run([{"kind": "thing", "id": f"t{i}"}])
        assert [f["id"] for f in run.facts] == [f"c:t{i}", f"t{i}"]
        assert list(run.derivations) == [f"c:t{i}"]


def test_duplicate_input_fact_id_is_an_error() -> None:
    engine = RuleEngine([Rule("copy", "one", (fact("x", "thing"),),
                              lambda m, index: {"kind": "copy", "id": "c:" + m["x"]["id"]})], ["one"])
    with pytest.raises(InferenceError, match="duplicate fact id t1"):
        engine.run([{"kind": "thing", "id": "t1"}, {"kind": "thing", "id": "t1", "other": 1}])


def test_negation_with_disjunction_and_join_respects_the_join() -> None:
    """An ``$or`` before a join test made durable ignore the join; the pattern builder orders them safely."""
    rule = Rule(
        "ok_goal", "one",
        (fact("g", "goal"), none("e", "ev", any_of("status", ("PI", "NI")), join("goal", "g", "goal"))),
        lambda m, index: {"kind": "ok", "id": "ok:" + m["g"]["goal"]},
    )
    engine = RuleEngine([rule], ["one"])
    run = engine.run([
        {"kind": "goal", "id": "g:A", "goal": "A"}, {"kind": "goal", "id": "g:B", "goal": "B"},
        {"kind": "ev", "id": "e1", "goal": "A", "status": "FI"}, {"kind": "ev", "id": "e2", "goal": "B", "status": "PI"},
    ])
    assert [f["id"] for f in run.facts if f["kind"] == "ok"] == ["ok:A"]
    body = rule.patterns[1].to_json()["e$not"]["$and"]
    assert body[-1] == body[1] == {"goal": {"g": "goal"}}  # join first, and repeated last (upstream #381)


def test_rule_limits_are_checked_when_rules_are_built() -> None:
    with pytest.raises(ValueError, match="joins 17 facts"):
        Rule("wide", "one", tuple(fact(f"a{i}", "x") for i in range(16)), lambda m, index: {})
    with pytest.raises(ValueError, match="needs a positive pattern"):
        Rule("neg", "one", (none("a", "x"),), lambda m, index: {})
    with pytest.raises(ValueError, match="unknown phases"):
        RuleEngine([Rule("r", "two", (fact("a", "x", eq("v", 1)),), lambda m, index: {})], ["one"])


def test_empty_fact_file_is_level_1_with_every_goal_not_rated(kb: KnowledgeBase) -> None:
    result = assess(kb, _facts({}))
    assert result.maturity_level == 1
    goals = [g for pa in result.process_areas for g in pa.goals + pa.generic_goals] + result.generic_goals
    assert {g.status for g in goals} == {"not_rated"}
    # Specific goals not rated: the area is not rated and has no capability level (it is not level 0).
    assert {(pa.status, pa.capability_level) for pa in result.process_areas} == {("not_rated", None)}


def test_all_fi_reaches_level_5_and_every_framework_top(kb: KnowledgeBase) -> None:
    result = assess(kb, _facts({p: "FI" for p in kb.practices}))
    assert result.maturity_level == 5
    assert result.maturity_level_name == "Optimizing"
    assert all(pa.capability_level == 3 for pa in result.process_areas)
    for fw in result.frameworks:
        assert fw.level == kb.frameworks[fw.id].levels[-1].level


def test_many_assessments_do_not_leak(kb: KnowledgeBase) -> None:
    import resource

    facts = _facts({p: "FI" for p in list(kb.practices)[::3]})
    for _ in range(30):
        assess(kb, facts, verify=False)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(200):
        assess(kb, facts, verify=False)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert after - before < 20_000  # KiB: flat, not growing with the number of sessions


def test_public_assess_checks_assumptions(kb: KnowledgeBase) -> None:
    from mlops_maturity.engine.errors import UserInputError

    for bad in ({"ml.model-registry": "fi"}, {"ml.model-registry": "NO"}, {"ml.model-registy": "FI"}):
        with pytest.raises(UserInputError):
            assess(kb, _facts({}), bad)


def test_assumed_status_hides_the_na_reason(kb: KnowledgeBase) -> None:
    facts = FactFile.model_validate({"organization": "t", "assessed_on": "2026-01-01",
                                     "practices": {"sup.supplier-acceptance": {"status": "NA", "reason": "none"}}})
    assert assess(kb, facts).practice("sup.supplier-acceptance").reason == "none"
    assumed = assess(kb, facts, {"sup.supplier-acceptance": "FI"}).practice("sup.supplier-acceptance")
    assert assumed.status == "FI" and assumed.assumed and assumed.reason is None


def test_a_session_in_which_no_rule_fires_is_deleted_safely() -> None:
    """durable_rules crashed (SIGSEGV) deleting a session where no action ever ran; the adapter prevents it.

    Run in a subprocess so that a regression shows as a failed test, not a crashed test run.
    """
    import subprocess
    import sys

    code = (
        "from mlops_maturity.engine.rules_engine import RuleEngine, Rule, fact\n"
        "engine = RuleEngine([Rule('r', 'one', (fact('x', 'never'),), lambda m, i: {})], ['one', 'two'])\n"
        "for _ in range(3):\n"
        "    assert engine.run([{'kind': 'other', 'id': 'o1'}]).facts == [{'kind': 'other', 'id': 'o1'}]\n"
        "    assert engine.run([]).facts == []\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "ok"


# Pairs of ids with equal FNV-1 hashes (found by search): ASCII, a JSON escape, non-ASCII in the common part, and
# non-ASCII in the differing part (equal only if bytes >= 0x80 are sign-extended, as C ``char`` is on x86-64).
_COLLIDING_IDS = [("p:329599", "p:532382"), ('q"\\54718', 'q"\\948486'), ("é:422789", "é:639192"),
                  ("xçãàáé", "xââçâèä")]


def test_fact_id_hash_is_the_identity_durable_uses() -> None:
    """The adapter's collision check relies on computing durable's hash: ids it says collide really do."""
    from durable import engine as durable
    from mlops_maturity.engine.rules_engine import _SyncHost, fact_id_hash

    host = _SyncHost()
    host.register_rulesets({"hash_probe": {"r": {"all": [{"x": {"$ex": {"kind": 1}}}], "run": lambda c: None}}})

    def accepted(a: str, b: str, sid: str) -> bool:
        host.assert_fact("hash_probe", {"kind": 1, "id": a, "sid": sid})
        try:
            host.assert_fact("hash_probe", {"kind": 1, "id": b, "sid": sid})
            return True
        except durable.MessageObservedException:
            return False
        finally:
            host.delete_state("hash_probe", sid)

    for i, (a, b) in enumerate(_COLLIDING_IDS):
        assert fact_id_hash(a) == fact_id_hash(b)
        assert not accepted(a, b, f"c{i}")
        assert fact_id_hash(a) != fact_id_hash(b + "0")
        assert accepted(a, b + "0", f"d{i}")


def test_colliding_fact_ids_are_an_error() -> None:
    a, b = _COLLIDING_IDS[0]
    # A second rule reads the copies, so they enter the engine (facts no pattern can match are kept out of it).
    engine = RuleEngine([Rule("copy", "one", (fact("x", "thing"),),
                              lambda m, index: {"kind": "copy", "id": b} if m["x"]["id"] == a else {}),
                         Rule("read", "two", (fact("c", "copy"),), lambda m, index: {"kind": "seen", "id": "seen"})],
                        ["one", "two"])
    with pytest.raises(InferenceError, match="32-bit hash"):
        engine.run([{"kind": "thing", "id": a}, {"kind": "thing", "id": b}])
    with pytest.raises(InferenceError, match="32-bit hash"):
        engine.run([{"kind": "thing", "id": a}])


def test_working_memory_holds_exactly_the_facts_the_run_reports(kb: KnowledgeBase, monkeypatch) -> None:  # noqa: ANN001
    """The run does not read working memory back: check here that the engine stored exactly the facts some
    pattern can match, and that leaving the others out changes no conclusion and no derivation."""
    import random
    from pathlib import Path

    from mlops_maturity.engine import inference
    from mlops_maturity.engine.facts import load_fact_file
    from mlops_maturity.engine.rules_engine import _OPEN_KIND, ASSERT_STORED

    engine = inference.rule_engine(kb)
    host = RuleEngine._host
    stored: list[set[str]] = []
    delete = host.delete_state

    def capture(name: str, sid: str) -> None:
        stored.append({f["id"] for f in host.get_facts(name, sid)})
        delete(name, sid)

    monkeypatch.setattr(host, "delete_state", capture)
    examples = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
    rng = random.Random(7)
    cases = [{p: f.practices[p].status.value for p in f.practices} | {p: "NO" for p in kb.practices
             if p not in f.practices} for f in (load_fact_file(e, kb) for e in examples)]
    cases += [{p: rng.choice(["FI", "LI", "PI", "NI", "NY", "NA", "NO"]) for p in kb.practices} for _ in range(20)]
    # The same rule set compiled for durable_rules to decide the constant tests itself, given (and storing) every
    # fact: the original compilation, against which the adapter's flags are checked.
    unfiltered = RuleEngine(engine.rules, engine.phases, constants="engine")
    unfiltered.wanted = lambda item: ASSERT_STORED  # type: ignore[method-assign]
    filtered = RuleEngine(engine.rules, engine.phases, constants="engine")
    assert engine.decides_constants and not unfiltered.decides_constants
    left_out = 0
    for statuses in cases:
        facts = inference.build_facts(kb, statuses, {"team_size": 5, "cloud": "aws"})
        run = engine.run(facts)
        ids = stored[-1] - {_OPEN_KIND} - {f"phase:{p}" for p in inference.PHASES}
        ids = {i for i in ids if not i.startswith("sid-")}
        assert ids == {f["id"] for f in run.facts if engine.flags(f)}
        left_out += len(run.facts) - len(ids)
        # Leaving out the facts no pattern can match, and deciding constant tests in the adapter, change nothing:
        # same working memory, same trace as durable_rules deciding every test on every fact.
        everything = unfiltered.run(facts)
        assert stored[-1] >= {f["id"] for f in everything.facts}
        assert everything.facts == run.facts
        assert everything.derivations == run.derivations
        by_engine = filtered.run(facts)
        assert by_engine.facts == run.facts and by_engine.derivations == run.derivations
        assert list(by_engine.derivations) == list(run.derivations)  # concluded in the same order
    assert left_out > 1000  # the filter does leave facts out


def test_facts_are_serialised_as_the_standard_encoder_would() -> None:
    """orjson writes the facts the engine hashes ids from: its text must be the standard encoder's, character for
    character (escapes are per character, so one string holding every character checks them all); what orjson
    refuses falls back to the standard encoder."""
    from mlops_maturity.engine.rules_engine import _dumps, _encode

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert _dumps(every) == _encode(every)
    assert _dumps({"id": "x", "kind": "k", "n": 1, "v": [1, "é"]}) == _encode({"id": "x", "kind": "k", "n": 1, "v": [1, "é"]})
    for refused in ({"n": 10**30}, {"s": "\ud800"}):
        assert _dumps(refused) == _encode(refused)


def test_facts_no_pattern_can_match_stay_out_and_doubtful_ones_are_stored() -> None:
    from mlops_maturity.engine.rules_engine import ASSERT, ASSERT_STORED, SKIP

    engine = RuleEngine([Rule("one_v", "one", (fact("x", "thing", eq("v", 1)),),
                              lambda m, index: {"kind": "seen", "id": f"seen:{m['x']['id']}"})], ["one"],
                        constants="engine")
    assert engine.wanted({"kind": "thing", "id": "a", "v": 1}) == ASSERT
    assert engine.wanted({"kind": "thing", "id": "b", "v": 2}) == SKIP  # rejected by the only pattern
    assert engine.wanted({"kind": "other", "id": "c"}) == SKIP  # no pattern names the kind
    assert engine.wanted({"kind": "thing", "id": "d"}) == ASSERT_STORED  # no v: in doubt
    assert engine.wanted({"kind": "thing", "id": "e", "v": "1"}) == ASSERT_STORED  # text against a number
    assert engine.wanted({"kind": "thing", "id": "f", "v": [1]}) == ASSERT_STORED  # not hashable: not cached
    run = engine.run([{"kind": "thing", "id": i, **v} for i, v in
                      [("a", {"v": 1}), ("b", {"v": 2}), ("d", {}), ("e", {"v": "1"}), ("f", {"v": [1]})]]
                     + [{"kind": "other", "id": "c"}])
    # Every fact is in working memory; the rule fired where durable's own comparison says it matches.
    assert {f["id"] for f in run.facts} >= {"a", "b", "c", "d", "e", "f", "seen:a"}
    assert "seen:b" not in run.derivations and "seen:d" not in run.derivations


def _every_pattern_verdict(engine: RuleEngine, item: dict) -> int:
    """:meth:`RuleEngine.wanted`'s verdict worked out over every pattern of the fact's kind, no grouping."""
    from mlops_maturity.engine.rules_engine import ASSERT, ASSERT_STORED, SKIP

    decisions = [p.decide(item) for p in engine._patterns.get(item["kind"], [])]
    if not decisions:
        return SKIP
    return ASSERT if any(decisions) else ASSERT_STORED if None in decisions else SKIP


def test_patterns_grouped_by_a_tested_text_give_the_verdicts_of_all_patterns() -> None:
    """A fact is decided by the patterns its value of the grouping field can pass: a fact with another text, no
    such field, or a number or list there gets the verdict every pattern would give."""
    from mlops_maturity.engine.rules_engine import ASSERT, ASSERT_STORED, SKIP

    rules = [Rule(f"r{i}", "one", (fact("x", "thing", eq("name", name), *tests),),
                  lambda m, index: {"kind": "seen", "id": f"seen:{m['x']['id']}"})
             for i, (name, tests) in enumerate([("a", ()), ("b", (eq("v", 1),)), ("b", (eq("name", "c"),))])]
    rules.append(Rule("any_name", "one", (fact("x", "thing", eq("v", 2)),),
                      lambda m, index: {"kind": "seen", "id": f"seen:{m['x']['id']}"}))
    engine = RuleEngine(rules, ["one"], constants="engine")
    assert engine._keyed["thing"].field == "name"
    cases = {"a": ({"name": "a"}, ASSERT), "b": ({"name": "b", "v": 1}, ASSERT), "c": ({"name": "c", "v": 3}, SKIP),
             "d": ({"name": "b", "v": 3}, SKIP), "e": ({"name": "z", "v": 2}, ASSERT), "f": ({"v": 1}, ASSERT_STORED),
             "g": ({"name": 1, "v": 3}, ASSERT_STORED), "h": ({"name": ["a"], "v": 3}, ASSERT_STORED),
             "i": ({"name": "b"}, ASSERT_STORED)}
    for fid, (fields, verdict) in cases.items():
        item = {"kind": "thing", "id": fid, **fields}
        assert engine.wanted(item) == _every_pattern_verdict(engine, item) == verdict, fid


def test_the_shipped_rules_decide_every_fact_and_conclusion_as_all_their_patterns_would(kb: KnowledgeBase) -> None:
    from pathlib import Path

    from mlops_maturity.engine.assessment import direct_statuses, effective_statuses
    from mlops_maturity.engine.facts import load_fact_file
    from mlops_maturity.engine.inference import build_facts, rule_engine

    from mlops_maturity.engine.rules_engine import ASSERT, SKIP

    engine = rule_engine(kb)
    by_engine = RuleEngine(engine.rules, engine.phases, constants="engine")
    seen = 0
    for path in sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml")):
        facts = load_fact_file(path, kb)
        run = engine.run(build_facts(kb, effective_statuses(kb, facts, {}), dict(facts.context),
                                     direct_statuses(facts), sorted(facts.out_of_scope)))
        for item in run.index.by_id.values():
            if item["kind"] not in by_engine._patterns:
                assert engine.flags(item) == (), item["id"]
                continue
            verdict = by_engine._verdict(item)
            assert verdict == _every_pattern_verdict(by_engine, item), item["id"]
            # No fact of the shipped rules leaves a test in doubt; it carries a flag exactly when some pattern
            # takes it, and its flags (remembered per value) are those of its signatures whose tests hold.
            assert verdict in (ASSERT, SKIP) and bool(engine.flags(item)) == (verdict == ASSERT), item["id"]
            assert engine._rest(item) == engine._rest_of(item), item["id"]  # remembered as made
            seen += 1
    assert seen > 3000


_SECOND_RUN_FAULTS = """
import resource, sys
from pathlib import Path
from mlops_maturity.engine.assessment import direct_statuses, effective_statuses
from mlops_maturity.engine.facts import load_fact_file
from mlops_maturity.engine.inference import build_facts, rule_engine
from mlops_maturity.engine.kb import load_knowledge_base

kb = load_knowledge_base()
facts = load_fact_file(Path(sys.argv[1]), kb)
given = build_facts(kb, effective_statuses(kb, facts, {}), dict(facts.context), direct_statuses(facts),
                    sorted(facts.out_of_scope))
engine = rule_engine(kb)
faults = []
for _ in range(3):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    engine.run(given)
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(faults)
"""


@pytest.mark.skipif(__import__("platform").libc_ver()[0] != "glibc", reason="glibc's allocator")
def test_a_fresh_process_s_second_run_reuses_the_first_one_s_memory() -> None:
    """The second run of a process touches almost no new page (it took about 1,800 page faults, as many as the
    first, before the adapter had the allocator keep session-sized blocks on the heap)."""
    import ast
    import subprocess
    import sys
    from pathlib import Path

    example = Path(__file__).resolve().parent.parent / "examples" / "regulated-bank.yaml"
    out = subprocess.run([sys.executable, "-c", _SECOND_RUN_FAULTS, str(example)], capture_output=True, text=True,
                         check=True)
    first, second, third = ast.literal_eval(out.stdout.strip())
    assert first > 1000  # the first session's pages are new
    assert second < 300 and third < 300, (first, second, third)


def test_premises_are_the_bound_facts_then_the_support_without_them_duplicates_kept() -> None:
    """A supporting fact that is a bound one is named once (with the bound ones, first); the support's own repeats
    stay, in order: the trace the explanations read."""
    engine = RuleEngine([
        Rule("plain", "one", (fact("x", "thing"),), lambda m, index: {"kind": "copy", "id": "c:" + m["x"]["id"]},
             lambda m, index: ("a", "b", "a")),
        Rule("overlap", "one", (fact("x", "thing"), fact("y", "other")),
             lambda m, index: {"kind": "pair", "id": "p:" + m["x"]["id"]},
             lambda m, index: ["o1", "a", "t1", "a", "o1"]),
    ], ["one"])
    run = engine.run([{"kind": "thing", "id": "t1"}, {"kind": "other", "id": "o1"}])
    assert run.derivations["c:t1"].premises == ("t1", "a", "b", "a")
    assert run.derivations["p:t1"].premises == ("t1", "o1", "a", "a")


def test_the_engine_copy_of_a_fact_is_the_fields_rules_read_in_the_fact_s_order() -> None:
    engine = RuleEngine([Rule("r", "one", (fact("x", "thing", eq("v", 1)),),
                              lambda m, index: {"kind": "copy", "id": "c"})], ["one"], constants="engine")
    every_field_read = {"v": 1, "id": "a", "kind": "thing"}
    some_fields_read = {"kind": "thing", "note": "x", "id": "b", "v": 1}
    for item in (every_field_read, some_fields_read):
        copy = engine._engine_copy(item, ASSERT)
        assert list(copy.items()) == [(k, v) for k, v in item.items() if k in {"kind", "id", "v"}]
        assert copy is not item
    assert engine._engine_copy(some_fields_read, ASSERT_STORED) == {**some_fields_read, "stored__": 1}


def test_facts_built_again_for_the_same_statuses_are_the_same_facts_in_a_new_list(kb: KnowledgeBase) -> None:
    from types import MappingProxyType

    from mlops_maturity.engine import inference

    statuses = {p: ("FI", "PI", "NY", "NA")[i % 4] for i, p in enumerate(kb.practices)}
    first = inference.build_facts(kb, statuses, {"team_size": 5})
    first.append({"kind": "thing", "id": "added by the caller"})
    again = inference.build_facts(kb, dict(statuses), {"team_size": 5})
    assert again is not first and again == first[:-1]
    shared = [(a, b) for a, b in zip(again, first) if isinstance(a, MappingProxyType)]
    assert len(shared) > len(kb.practices) and all(a is b for a, b in shared)  # the context's facts are made anew
    kb.memo.pop("inference.shared_facts")
    anew = inference.build_facts(kb, statuses, {"team_size": 5})
    assert anew == again  # made from the fact table again: equal facts


def test_the_adapter_s_copy_of_a_fact_is_its_id_the_fields_joins_read_and_its_flags() -> None:
    engine = RuleEngine([Rule("r", "one", (fact("x", "thing", eq("v", 1)), fact("y", "other", join("t", "x", "w"))),
                              lambda m, index: {"kind": "copy", "id": "c"}),
                         Rule("s", "one", (fact("x", "thing", eq("v", 1), eq("u", "a")),),
                              lambda m, index: {"kind": "copy", "id": "d"})], ["one"])
    item = {"kind": "thing", "note": "x", "id": "b", "w": 3, "v": 1, "u": "a"}
    assert engine.flags(item) == ("~thing", "~0", "~1")  # its kind's flag, then one per signature that holds
    assert engine.engine_copy(item) == {"id": "b", "w": 3, "~thing": 1, "~0": 1, "~1": 1}
    assert list(engine.engine_copy(item)) == ["id", "w", "~thing", "~0", "~1"]
    assert engine.engine_copy({"kind": "other", "id": "o", "t": 3, "z": 1}) == {"id": "o", "t": 3, "~other": 1}
    assert engine.flags({**item, "u": "b"}) == ("~thing", "~0")
    assert engine.engine_copy({**item, "v": 2}) is None  # no pattern takes it: it stays out
    run = engine.run([item, {"kind": "other", "id": "o", "t": 3}, {"kind": "other", "id": "p", "t": 4}])
    assert run.derivations["c"].premises == ("b", "o") and run.derivations["d"].premises == ("b",)


def test_the_engine_text_of_a_fact_is_remembered_per_value_and_type() -> None:
    """What the engine is given is remembered per kind for the values of the fields that decide it: 1, 1.0 and
    True (equal as keys), a missing field and null are each written as they are; ids are written apart."""
    engine = RuleEngine([Rule("r", "one", (fact("x", "thing"), fact("y", "other", join("t", "x", "w"))),
                              lambda m, index: {"kind": "copy", "id": "c"})], ["one"])
    items = [{"w": 1}, {"w": True}, {"w": 1.0}, {}, {"w": None}, {"w": 1}]
    texts = [engine.text({"kind": "thing", "id": f"a{i}", **fields}) for i, fields in enumerate(items)]
    assert texts == ['{"id":"a0","w":1,"~thing":1', '{"id":"a1","w":true,"~thing":1', '{"id":"a2","w":1.0,"~thing":1',
                     '{"id":"a3","~thing":1', '{"id":"a4","w":null,"~thing":1', '{"id":"a5","w":1,"~thing":1']
    assert engine.text({"kind": "thing", "id": 'a,"b', "w": 1}) == '{"id":"a,\\"b","w":1,"~thing":1'
    assert engine.text({"kind": "thing", "id": "l", "w": [1]}) == '{"id":"l","w":[1],"~thing":1'  # not remembered
    assert engine.text({"kind": "nothing", "id": "n"}) is None


def test_the_adapter_decides_constant_tests_as_durable_rules_does() -> None:
    """Every operator, on texts, numbers (whole or not), booleans, and fields missing, null, an array or an object:
    the adapter's :meth:`Test.holds` against durable_rules' own comparison (the rule set compiled for the engine
    to decide, given every fact). A text compared with a number, or a boolean with another type, is an error
    (durable_rules coerces those its own way)."""
    import itertools

    from mlops_maturity.engine.rules_engine import cmp

    constants = [1, 2, 1.5, "1", "a", "", True, False]
    values = [1, 2, 0, 1.0, 1.5, -3, "1", "a", "b", "", "é", True, False, None, float("nan"), [1], {"a": 1},
              "missing"]
    ops = ["==", "!=", "<", "<=", ">", ">="]
    cases = list(itertools.product(ops, constants))
    rules = [Rule(f"r{i}", "one", (fact("x", "thing", cmp("v", op, c)),),
                  (lambda i: lambda m, index: {"kind": "seen", "id": f"seen:{i}:{m['x']['id']}"})(i))
             for i, (op, c) in enumerate(cases)]
    by_engine = RuleEngine(rules, ["one"], constants="engine")
    by_engine.wanted = lambda item: ASSERT_STORED  # type: ignore[method-assign]
    facts = [{"kind": "thing", "id": f"f{j}", **({} if v == "missing" else {"v": v})} for j, v in enumerate(values)]
    run = by_engine.run(facts)
    compared = 0
    for i, (op, c) in enumerate(cases):
        for item in facts:
            test = cmp("v", op, c)
            value = item.get("v")
            comparable = (value is None or isinstance(value, (list, dict)) or value != value or type(value) is type(c)
                          or (type(value) in (int, float) and type(c) in (int, float)))
            if not comparable:
                with pytest.raises(InferenceError, match="compares text with text"):
                    test.holds(item)
                continue
            assert test.holds(item) == (f"seen:{i}:{item['id']}" in run.derivations), (item, op, c)
            compared += 1
    assert compared > 300


def test_a_conclusion_the_engine_cannot_be_given_is_an_error_of_its_rule() -> None:
    engine = RuleEngine([
        Rule("fine", "one", (fact("x", "thing"),), lambda m, index: {"kind": "copy", "id": "c:" + m["x"]["id"]}),
        Rule("odd", "one", (fact("x", "thing"),), lambda m, index: {"kind": "copy", "id": "o:" + m["x"]["id"],
                                                                  "v": {1}}),
        Rule("read", "two", (fact("t", "thing"), fact("c", "copy", join("v", "t", "v"))),
             lambda m, index: {"kind": "seen", "id": "seen"}),
    ], ["one", "two"])
    with pytest.raises(InferenceError, match=r"^inference failed in phase one: rule odd: TypeError: Object of type set is not JSON serializable$"):
        engine.run([{"kind": "thing", "id": "t1"}])
    engine = RuleEngine([
        Rule("odd", "one", (fact("x", "thing"),), lambda m, index: {"kind": "copy", "id": "o:" + m["x"]["id"],
                                                                  "v": {1}}),
        Rule("read", "two", (fact("c", "copy", eq("v", 1)),), lambda m, index: {"kind": "seen", "id": "seen"}),
    ], ["one", "two"])
    with pytest.raises(InferenceError, match=r"^inference failed in phase one: rule odd: InferenceError: fact 'o:t1': field 'v' holds \{1\}, which a rule compares with 1"):
        engine.run([{"kind": "thing", "id": "t1"}])


def test_a_conclusion_durable_rules_cannot_be_given_is_an_error_of_its_rule() -> None:
    """The same with durable_rules deciding the constant tests (it is then given every field tested)."""
    engine = RuleEngine([
        Rule("fine", "one", (fact("x", "thing"),), lambda m, index: {"kind": "copy", "id": "c:" + m["x"]["id"]}),
        Rule("odd", "one", (fact("x", "thing"),), lambda m, index: {"kind": "copy", "id": "o:" + m["x"]["id"],
                                                                  "v": {1}}),
        Rule("read", "two", (fact("c", "copy", eq("v", 1)),), lambda m, index: {"kind": "seen", "id": "seen"}),
    ], ["one", "two"], constants="engine")
    with pytest.raises(InferenceError, match=r"^inference failed in phase one: rule odd: TypeError: Object of type set is not JSON serializable$"):
        engine.run([{"kind": "thing", "id": "t1"}])

    def cycle(m, index):  # noqa: ANN001, ANN202
        item = {"kind": "copy", "id": "o:" + m["x"]["id"], "v": []}
        item["v"].append(item)
        return item

    engine = RuleEngine([Rule("odd", "one", (fact("x", "thing"),), cycle),
                         Rule("read", "two", (fact("c", "copy", eq("v", 1)),), lambda m, index: {"kind": "seen", "id": "seen"})],
                        ["one", "two"], constants="engine")
    with pytest.raises(InferenceError, match=r"^inference failed in phase one: rule odd: ValueError: Circular reference detected$"):
        engine.run([{"kind": "thing", "id": "t1"}])


def test_what_the_adapter_remembers_costs_hundreds_of_bytes_an_entry(kb: KnowledgeBase) -> None:
    """The texts remembered per fact values are small: orjson's bytes keep the 4 KB buffer they were written in,
    which made 6,600 remembered keys hold 26 MiB (measured with tracemalloc before the keys became text)."""
    import random
    import tracemalloc

    from mlops_maturity.engine import inference, rules_engine

    shipped = inference.rule_engine(kb)
    engine = RuleEngine(shipped.rules, shipped.phases)  # the same rule set, with nothing remembered yet

    def entries() -> int:
        return (sum(len(seen) for _, seen in engine._rests.values())
                + sum(len(seen) for _, seen in engine._flag_memo.values()))

    rng = random.Random(11)
    cases = [{p: rng.choice(["FI", "LI", "PI", "NI", "NY", "NA", "NO"]) for p in kb.practices} for _ in range(15)]
    before = entries()
    tracemalloc.start()
    try:
        for statuses in cases:
            engine.run(inference.build_facts(kb, statuses, {"team_size": 5}))
        snapshot = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    added = entries() - before
    here = snapshot.filter_traces([tracemalloc.Filter(True, rules_engine.__file__)])
    size = sum(stat.size for stat in here.statistics("filename"))
    assert added > 500
    assert size / added < 1000, (size, added)
