"""Benchmark of roadmap generation for the shipped examples, beside plain assessment measured in the same run.

Run:  python benchmarks/bench_roadmap.py              (15 timed runs per figure after one warm-up)
      python benchmarks/bench_roadmap.py --repeat 5   (quicker)

For every ``examples/*.yaml`` (default target, no capacity, and again with a capacity of 6 person-weeks per
quarter, which makes more waves) it prints the median in-process time of:

- ``assess``: one assessment, rules engine cross-checked against the reference evaluator (the default);
- ``roadmap``: ``plan_roadmap(verify=True)``, the default: the start, the assess-first premise and every wave
  inferred by the rules engine and cross-checked; it costs about one assessment per inferred state;
- ``reference``: ``plan_roadmap(evaluator="reference")``: every state inferred by the reference evaluator alone (the
  baseline; ``--no-verify`` is the rules engine without the cross-check);
- ``states``: how many states the verified roadmap infers (the start, the assess-first premise when there is one,
  each wave), and ``plan ms``: the planning alone, ``plan`` run again on the same session, whose states are then
  all cached (the roadmap's own work: needs, choice, order, waves, effort, presentation).

Then the cold start of ``maturity roadmap EXAMPLE --format json`` beside the bare import of the dependency stack
(durable_rules, pydantic, typer, jinja2, ruamel.yaml, PyYAML, rich, orjson) and beside the same command line with
the reference evaluator in place of the rules engine (``_cold.REFERENCE_ROADMAP``), measured in turns in the same run.
``bench_floor.py`` turns these into the floor of each target.

The issue's targets: <= 50 ms per verified roadmap in process; cold roadmap <= 1.6x the bare import. Speed is
measured, not asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 50.0
COLD_RATIO_TARGET = 1.6
sys.path.insert(0, str(ROOT / "benchmarks"))
from _cold import DEPENDENCY_STACK, MINIMAL_PROGRAM, REFERENCE_ROADMAP, alternating_medians, ensure_bytecode  # noqa: E402



def cold(repeat: int) -> tuple[float, float, float, float]:
    """Median seconds of ``maturity roadmap EXAMPLE --format json``, of importing the dependency stack and of the
    same roadmap by the reference evaluator in a fresh process, run in turns (after one warm-up of each, which may
    fill the knowledge-base cache)."""
    example = ROOT / "examples" / "regulated-bank.yaml"
    commands = [[sys.executable, "-m", "mlops_maturity.cli", "roadmap", str(example), "--format", "json"],
                [sys.executable, "-c", DEPENDENCY_STACK],
                [sys.executable, "-c", REFERENCE_ROADMAP, str(example)],
                [sys.executable, "-c", MINIMAL_PROGRAM]]
    print(ensure_bytecode())
    roadmap_s, stack_s, reference_s, minimal_s = alternating_medians(commands, repeat)
    return roadmap_s, stack_s, reference_s, minimal_s


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn()`` in milliseconds, after one untimed warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per figure (default 15)")
    parser.add_argument("--cold-repeat", type=int, default=5, help="runs of each cold command (default 5)")
    args = parser.parse_args(argv)

    from mlops_maturity.engine.assessment import assess
    from mlops_maturity.engine.facts import load_fact_file
    from mlops_maturity.engine.kb import load_knowledge_base
    from mlops_maturity.engine.roadmap import plan, plan_roadmap
    from mlops_maturity.engine.session import Session

    kb = load_knowledge_base()
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    if not examples:
        print("no examples/*.yaml found", file=sys.stderr)
        return 2
    header = (f"{'example':<24} {'cap':>4} {'items':>5} {'waves':>5} {'assess ms':>9} {'roadmap ms':>10} "
              f"{'x assess':>8} {'reference ms':>12} {'x ref':>6} {'states':>6} {'plan ms':>7}")
    print(header)
    print("-" * len(header))
    verified_all, fast_all, planning_all = [], [], []
    for path in examples:
        facts = load_fact_file(path, kb)
        base = median_ms(lambda: assess(kb, facts), args.repeat)  # noqa: B023
        for capacity in (None, 6.0):
            def run(evaluator: str, capacity: float | None = capacity) -> object:
                return plan_roadmap(kb, facts, capacity=capacity, verify=True, evaluator=evaluator)  # noqa: B023

            roadmap = run("rules")
            verified = median_ms(lambda: run("rules"), args.repeat)
            fast = median_ms(lambda: run("reference"), args.repeat)
            session = Session(kb, facts, verify=True)
            plan(session, capacity=capacity)
            states = session.inferences
            planning = median_ms(lambda: plan(session, capacity=capacity), args.repeat)  # noqa: B023
            verified_all.append(verified)
            fast_all.append(fast)
            planning_all.append(planning)
            print(f"{path.stem:<24} {'-' if capacity is None else f'{capacity:g}':>4} {len(roadmap.items):>5} "
                  f"{len(roadmap.waves):>5} {base:>9.1f} {verified:>10.1f} {verified / base:>8.1f} {fast:>12.1f} "
                  f"{verified / fast:>6.1f} {states:>6} {planning:>7.1f}")
    print("-" * len(header))
    median_verified, median_fast = statistics.median(verified_all), statistics.median(fast_all)
    print(f"median roadmap: {median_verified:.1f} ms verified (rules + cross-check), {median_fast:.1f} ms by the "
          f"reference evaluator ({median_verified / median_fast:.1f}x); target <= {TARGET_MS:g} ms verified")
    print(f"within target: verified {sum(v <= TARGET_MS for v in verified_all)}/{len(verified_all)}; planning alone "
          f"(states cached) median {statistics.median(planning_all):.1f} ms")
    roadmap_s, stack_s, reference_s, minimal_s = cold(args.cold_repeat)
    print(f"cold: maturity roadmap --format json {roadmap_s:.3f} s, bare import of the dependency stack {stack_s:.3f} s "
          f"({roadmap_s / stack_s:.2f}x; target <= {COLD_RATIO_TARGET:g}x), minimal program on the same stack "
          f"{minimal_s:.3f} s ({roadmap_s / minimal_s:.2f}x); the same roadmap by the reference evaluator "
          f"{reference_s:.3f} s ({roadmap_s / reference_s:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
