"""Benchmark of roadmap generation for the shipped examples, beside plain assessment measured in the same run.

Run:  python benchmarks/bench_roadmap.py              (15 timed runs per figure after one warm-up)
      python benchmarks/bench_roadmap.py --repeat 5   (quicker)

For every ``examples/*.yaml`` (default target, no capacity, and again with a capacity of 6 person-weeks per
quarter, which makes more waves) it prints the median in-process time of:

- ``assess``: one assessment, rules engine cross-checked against the reference evaluator (the default);
- ``roadmap``: ``plan_roadmap(verify=True)``, the default: the start, the assess-first premise and every wave
  inferred by the rules engine and cross-checked; it costs about one assessment per inferred state;
- ``roadmap --no-verify``: every state inferred by the reference evaluator alone.

The issue's target is <= 50 ms per roadmap in process. Speed is measured, not asserted.
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
    args = parser.parse_args(argv)

    from mlops_maturity.engine.assessment import assess
    from mlops_maturity.engine.facts import load_fact_file
    from mlops_maturity.engine.kb import load_knowledge_base
    from mlops_maturity.engine.roadmap import plan_roadmap

    kb = load_knowledge_base()
    examples = sorted((ROOT / "examples").glob("*.yaml"))
    if not examples:
        print("no examples/*.yaml found", file=sys.stderr)
        return 2
    header = (f"{'example':<24} {'cap':>4} {'items':>5} {'waves':>5} {'assess ms':>9} {'roadmap ms':>10} "
              f"{'x assess':>8} {'--no-verify ms':>14} {'x assess':>8}")
    print(header)
    print("-" * len(header))
    verified_all, fast_all = [], []
    for path in examples:
        facts = load_fact_file(path, kb)
        base = median_ms(lambda: assess(kb, facts), args.repeat)  # noqa: B023
        for capacity in (None, 6.0):
            def run(verify: bool, capacity: float | None = capacity) -> object:
                return plan_roadmap(kb, facts, capacity=capacity, verify=verify)  # noqa: B023

            plan = run(True)
            verified = median_ms(lambda: run(True), args.repeat)
            fast = median_ms(lambda: run(False), args.repeat)
            verified_all.append(verified)
            fast_all.append(fast)
            print(f"{path.stem:<24} {'-' if capacity is None else f'{capacity:g}':>4} {len(plan.items):>5} "
                  f"{len(plan.waves):>5} {base:>9.1f} {verified:>10.1f} {verified / base:>8.1f} {fast:>14.1f} "
                  f"{fast / base:>8.2f}")
    print("-" * len(header))
    print(f"median roadmap: {statistics.median(verified_all):.1f} ms verified (rules + cross-check), "
          f"{statistics.median(fast_all):.1f} ms with --no-verify; target <= {TARGET_MS:g} ms per roadmap")
    print(f"within target: verified {sum(v <= TARGET_MS for v in verified_all)}/{len(verified_all)}, "
          f"--no-verify {sum(v <= TARGET_MS for v in fast_all)}/{len(fast_all)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
