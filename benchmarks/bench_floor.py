"""The floor under the speed targets: what durable_rules itself costs for the work a run gives it, and what a
command costs with the rules engine taken out, measured in the same run as the figures they bound.

Run:  python benchmarks/bench_floor.py               (15 timed runs per figure, 5 per cold command)
      python benchmarks/bench_floor.py --repeat 5    (quicker)

The *engine floor* of a figure is the time spent inside durable_rules (its C extension, and deleting a session)
with the rule set compiled as the adapter compiles it today. It is not a law: how the adapter hands facts and
patterns to the engine moves it (deciding constant tests in the adapter halved it), but each fact the v2 model
needs (its 167 specific practices, each process area's generic goals, every conclusion traced) costs the engine
the storing of one fixed-size record and a share of the session's set-up. The rest of a figure is ours;
where the reference evaluator's path shows what that rest costs without durable_rules, it is printed beside.

1. durable_rules alone: a rule set of one rule; N facts of three fields (``kind``, ``id``, ``sid``) asserted in one
   call, the way the adapter asserts a run's given facts; no rule fires. Microseconds per fact: what the engine
   spends storing a fact before any matching of ours.
2. Per shipped example, in process, warm: how many facts a run asserts into durable_rules (the given facts that
   enter it, the conclusions, the phase facts) and how many actions it fires; the median run, and the median time
   inside durable_rules in those same runs (every call into its C extension timed); ``build_assessment``, which
   assembles the result whatever the evaluator; ``assess`` by the rules engine and by the reference evaluator.
   Target: ``assess`` <= 10 ms. The engine floor is the durable time; with the result assembled as today, the floor
   is durable + build.
3. Verified roadmap, every row of ``bench_roadmap.py`` (each example, without and with a capacity of 6
   person-weeks): the states it infers, each a full run of the rules engine (durable_rules cannot retract a
   conclusion its stratified negations rest on, so a state is never derived from another). Engine floor = states x
   the example's durable time per run. Target: 50 ms on every row.
4. Cold ``maturity roadmap EXAMPLE --format json`` beside the bare import of the dependency stack, and the same
   command line with the reference evaluator in place of the rules engine (everything else the command does is
   the same, the cross-check included). Floor of the rules command with the rest of the command as it is = that
   command + registering the rule set with durable_rules + its states x durable time per run. Target: 1.6x the
   bare import.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from _cold import DEPENDENCY_STACK, REFERENCE_ROADMAP, alternating_medians, ensure_bytecode  # noqa: E402

ASSESS_TARGET_MS = 10.0
ROADMAP_TARGET_MS = 50.0
COLD_RATIO_TARGET = 1.6
COLD_EXAMPLE = "regulated-bank"



def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


class _TimedEngine:
    """Stands in for durable_rules' C extension in the adapter: each call goes through, timed."""

    def __init__(self, extension: Any) -> None:
        self._extension = extension
        self.seconds = 0.0
        self.facts = 0
        self.actions = 0

    def __getattr__(self, name: str) -> Callable[..., Any]:
        call = getattr(self._extension, name)

        def timed(*args: Any) -> Any:
            if name in ("assert_fact", "assert_facts"):
                self.facts += args[1].count('"sid":')  # every fact the adapter asserts carries the session id once
            start = time.perf_counter()
            result = call(*args)
            self.seconds += time.perf_counter() - start
            if name == "start_action_for_state" and result or name == "complete_and_start_action" and result:
                self.actions += 1
            return result

        return timed


@contextmanager
def durable_timed() -> Iterator[_TimedEngine]:
    """Time every call the adapter makes into durable_rules (its C extension, and deleting a session)."""
    from mlops_maturity.engine import rules_engine

    extension, host = rules_engine._C, rules_engine.RuleEngine._host
    assert host is not None, "register a rule set first"
    timer = _TimedEngine(extension)
    delete = host.delete_state

    def timed_delete(*args: Any) -> Any:
        start = time.perf_counter()
        try:
            return delete(*args)
        finally:
            timer.seconds += time.perf_counter() - start

    rules_engine._C, host.delete_state = timer, timed_delete
    try:
        yield timer
    finally:
        rules_engine._C = extension
        del host.delete_state  # the instance attribute: the class's method again


def durable_per_fact(count: int, repeat: int) -> float:
    """Median microseconds durable_rules spends per fact asserting ``count`` three-field facts in one call."""
    from mlops_maturity.engine import rules_engine

    host = rules_engine._SyncHost()
    phase = {"ph": {"$and": [{"kind": "phase"}, {"name": "p"}]}}
    host.register_rulesets({"bench_floor": {"r": {"all": [phase, {"x": {"kind": "x"}}], "run": lambda c: None}}})
    handle = host.get_ruleset("bench_floor")._handle
    times = []
    for trial in range(repeat):
        sid = f"t{trial}"
        text = "[" + ",".join(f'{{"kind":"x","id":"f{i}","sid":"{sid}"}}' for i in range(count)) + "]"
        start = time.perf_counter()
        code, _ = rules_engine._C.assert_facts(handle, text)
        times.append(time.perf_counter() - start)
        if code != 0:
            raise RuntimeError(f"durable_rules refused the facts (code {code})")
    return statistics.median(times) / count * 1e6


def registration_ms(repeat: int) -> float:
    """Median milliseconds durable_rules takes to register the knowledge base's rule set (under fresh names, with
    actions that never run): the part of the first run of a process that the adapter cannot skip."""
    from mlops_maturity.engine import rules_engine
    from mlops_maturity.engine.inference import rule_engine
    from mlops_maturity.engine.kb import load_knowledge_base

    engine = rule_engine(load_knowledge_base())
    definition = engine._definition()
    host = rules_engine._SyncHost()
    times = []
    for trial in range(repeat):
        rulesets = {f"bench_floor_kb{trial}": {name: {**body, "run": lambda c: None}
                                               for name, body in definition.items()}}
        start = time.perf_counter()
        host.register_rulesets(rulesets)
        times.append(time.perf_counter() - start)
    return median_ms(times)


def in_process(repeat: int) -> tuple[dict[str, float], list[float]]:
    """Section 2 (printed): each example's durable milliseconds per run, and its durable + build milliseconds."""
    from mlops_maturity.engine import assessment, inference
    from mlops_maturity.engine.facts import load_fact_file
    from mlops_maturity.engine.kb import load_knowledge_base

    kb = load_knowledge_base()
    engine = inference.rule_engine(kb)
    header = (f"{'example':<24} {'facts':>5} {'actions':>7} {'run ms':>7} {'durable ms':>10} {'us/fact':>7} "
              f"{'build ms':>8} {'durable+build':>13} {'assess ms':>9} {'reference assess':>16}")
    print(header)
    print("-" * len(header))
    durable_ms: dict[str, float] = {}
    floors: list[float] = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        facts = load_fact_file(path, kb)
        statuses = assessment.effective_statuses(kb, facts, {})
        context, direct = dict(facts.context), assessment.direct_statuses(facts)
        scoped = sorted(facts.out_of_scope)
        given = inference.build_facts(kb, statuses, context, direct, scoped)
        conclusions = inference.infer(kb, statuses, context, direct, scoped)
        engine.run(given)  # warm-up
        times: dict[str, list[float]] = {"run": [], "durable": [], "build": [], "assess": [], "reference": []}
        counts: Counter[str] = Counter()
        for _ in range(repeat):  # interleaved, so that a busy moment of the machine weighs on all alike
            with durable_timed() as timer:
                start = time.perf_counter()
                engine.run(given)
                times["run"].append(time.perf_counter() - start)
            times["durable"].append(timer.seconds)
            counts["facts"], counts["actions"] = timer.facts, timer.actions
            start = time.perf_counter()
            assessment.build_assessment(kb, facts, statuses, {}, conclusions, None)
            times["build"].append(time.perf_counter() - start)
            start = time.perf_counter()
            assessment.assess(kb, facts, verify=False)
            times["assess"].append(time.perf_counter() - start)
            start = time.perf_counter()
            assessment.assess(kb, facts, evaluator="reference")
            times["reference"].append(time.perf_counter() - start)
        run, durable, build, assess, reference = (median_ms(times[k])
                                                  for k in ("run", "durable", "build", "assess", "reference"))
        durable_ms[path.stem] = durable
        floors.append(durable + build)
        print(f"{path.stem:<24} {counts['facts']:>5} {counts['actions']:>7} {run:>7.2f} {durable:>10.2f} "
              f"{durable * 1000 / counts['facts']:>7.2f} {build:>8.2f} {durable + build:>13.2f} {assess:>9.2f} "
              f"{reference:>16.2f}")
    print("-" * len(header))
    return durable_ms, floors


def roadmap_states() -> list[tuple[str, float | None, int]]:
    """Each row of bench_roadmap.py: example, capacity, the states its verified roadmap infers."""
    from mlops_maturity.engine.facts import load_fact_file
    from mlops_maturity.engine.kb import load_knowledge_base
    from mlops_maturity.engine.roadmap import plan
    from mlops_maturity.engine.session import Session

    kb = load_knowledge_base()
    rows = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        facts = load_fact_file(path, kb)
        for capacity in (None, 6.0):
            session = Session(kb, facts, verify=True)
            plan(session, capacity=capacity)
            rows.append((path.stem, capacity, session.inferences))
    return rows


def cold(repeat: int) -> tuple[float, float, float]:
    """Median seconds of the cold roadmap command and of the same with the reference evaluator, beside the bare
    import, run in turns after one untimed run of each; returns (rules, reference, bare)."""
    example = str(ROOT / "examples" / f"{COLD_EXAMPLE}.yaml")
    commands = [[sys.executable, "-m", "mlops_maturity.cli", "roadmap", example, "--format", "json"],
                [sys.executable, "-c", REFERENCE_ROADMAP, example],
                [sys.executable, "-c", DEPENDENCY_STACK]]
    rules, reference, bare = alternating_medians(commands, repeat)
    return rules, reference, bare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per in-process figure (default 15)")
    parser.add_argument("--cold-repeat", type=int, default=5, help="runs of each cold command (default 5)")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print(ensure_bytecode())

    print("\n1. durable_rules alone: three-field facts asserted in one call, no rule firing")
    for count in (100, 450, 900):
        print(f"   {count:>4} facts: {durable_per_fact(count, args.repeat):.2f} us per fact")

    print("\n2. In-process run and assess (median ms); durable = time inside durable_rules during the same runs;"
          "\n   build = build_assessment, the result assembly both evaluators share")
    durable_ms, floors = in_process(args.repeat)
    engine = statistics.median(durable_ms.values())
    print(f"   target assess <= {ASSESS_TARGET_MS:g} ms: durable_rules alone takes {engine:.2f} ms of it (median), "
          f"leaving {ASSESS_TARGET_MS - engine:.2f} ms for building the facts, dispatching the actions, reading the "
          f"conclusions and assembling the result; durable + build is above the target on "
          f"{sum(f > ASSESS_TARGET_MS for f in floors)} of {len(floors)} examples")

    print("\n3. Verified roadmap: engine floor = states x durable ms per run (cross-check, planning, facts left out)")
    rows = roadmap_states()
    over = 0
    for example, capacity, states in rows:
        floor = states * durable_ms[example]
        over += floor > ROADMAP_TARGET_MS
        print(f"   {example:<24} capacity {'-' if capacity is None else f'{capacity:g}':>2}: {states} states, "
              f"engine floor {floor:6.1f} ms")
    print(f"   {over} of {len(rows)} rows have an engine floor above the target "
          f"({ROADMAP_TARGET_MS:g} ms on every row)")

    register = registration_ms(max(3, args.repeat // 3))
    rules_s, reference_s, bare_s = cold(args.cold_repeat)
    states = next(s for example, capacity, s in rows if example == COLD_EXAMPLE and capacity is None)
    floor_s = reference_s + (register + states * durable_ms[COLD_EXAMPLE]) / 1000
    print(f"\n4. Cold maturity roadmap {COLD_EXAMPLE} --format json (medians of {args.cold_repeat}, seconds)")
    print(f"   bare import of the dependency stack      {bare_s:.3f}")
    print(f"   the command, reference evaluator         {reference_s:.3f}  ({reference_s / bare_s:.2f}x bare)")
    print(f"   + registering the rule set               {register / 1000:.3f}")
    print(f"   + {states} states x durable per run          {states * durable_ms[COLD_EXAMPLE] / 1000:.3f}")
    print(f"   = floor, the rest of the command as it is {floor_s:.3f}  ({floor_s / bare_s:.2f}x bare; "
          f"target {COLD_RATIO_TARGET:g}x)")
    print(f"   the command, rules engine (measured)     {rules_s:.3f}  ({rules_s / bare_s:.2f}x bare)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
