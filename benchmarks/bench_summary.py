"""Benchmark of the summary (engine/summary.py): what it adds to a report, beside the assessment it derives from.

Run:  python benchmarks/bench_summary.py [--repeat N]

For every example, in fresh sessions: the assessment alone (the baseline), the explanation of the next level the
report already builds, then the summary on the same session (its marginal cost in a report: the session's
re-inferences are cached), and the summary on a fresh session (its cost alone). Figures are medians of N runs,
shown as ratios to the assessment measured in this run. Nothing here is a test: speed is measured, not asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from mlops_maturity.engine.explain import level_explanation
    from mlops_maturity.engine.facts import load_fact_file
    from mlops_maturity.engine.kb import load_knowledge_base
    from mlops_maturity.engine.levels import next_level
    from mlops_maturity.engine.session import Session
    from mlops_maturity.engine.summary import summarize

    kb = load_knowledge_base()
    print(f"{'example':28} {'assess s':>9} {'explain s':>10} {'summary after':>14} {'summary alone':>14}")
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        facts = load_fact_file(path, kb)
        assess_t, explain_t, after_t, alone_t = [], [], [], []
        for _ in range(args.repeat):
            session = Session(kb, facts)
            t0 = time.perf_counter()
            a = session.assessment
            t1 = time.perf_counter()
            level = next_level(a.maturity_level)
            if level is not None:
                level_explanation(session, level)
            t2 = time.perf_counter()
            summarize(session)
            t3 = time.perf_counter()
            fresh = Session(kb, facts)
            fresh.assessment
            t4 = time.perf_counter()
            summarize(fresh)
            t5 = time.perf_counter()
            assess_t.append(t1 - t0)
            explain_t.append(t2 - t1)
            after_t.append(t3 - t2)
            alone_t.append(t5 - t4)
        base = statistics.median(assess_t)
        print(f"{path.stem:28} {base:9.3f} {statistics.median(explain_t) / base:9.2f}x "
              f"{statistics.median(after_t) / base:13.2f}x {statistics.median(alone_t) / base:13.2f}x")
    print("ratios: median time / median assessment time of the same example, this run", file=sys.stderr)


if __name__ == "__main__":
    main()
