"""Benchmark of assessment: the durable_rules inference beside the plain-Python reference evaluator.

Run:  python benchmarks/bench_assess.py               (full: 1,000-file batch, 10,000-session soak)
      python benchmarks/bench_assess.py --quick       (smaller batch and soak, for a quick look)
      python benchmarks/bench_assess.py --cold-only   (only section 4, the cold start of the command line)

Every figure is measured in this run and shown beside its baseline (the reference evaluator, or an empty
Python start for the cold CLI), so ratios are comparable across machines. Nothing here is a test: speed is
measured, not asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from _cold import MINIMAL_PROGRAM, alternating_medians, ensure_bytecode  # noqa: E402
STATUSES = ["FI", "LI", "PI", "NI", "NY", "NA"]


def _kb():  # noqa: ANN202
    from mlops_maturity.engine.kb import load_knowledge_base

    return load_knowledge_base()


def generated_fact_file(kb, seed: int):  # noqa: ANN001, ANN201
    """A seeded random fact file (the same seed gives the same file)."""
    from mlops_maturity.engine.facts import FactFile

    rng = random.Random(seed)
    fill = rng.random()
    practices = {}
    for pid in kb.practices:
        if rng.random() < fill:
            status = rng.choice(STATUSES)
            practices[pid] = {"status": status, "reason": "out of scope"} if status == "NA" else {"status": status}
    return FactFile.model_validate(
        {"organization": f"generated {seed}", "assessed_on": dt.date(2026, 1, 1), "practices": practices}
    )


def bench_examples(repeat: int) -> list[tuple[str, float, float, float]]:
    """Median in-process assess time per shipped example: rules, rules + cross-check, reference."""
    from mlops_maturity.engine.assessment import assess
    from mlops_maturity.engine.facts import load_fact_file

    kb = _kb()
    rows = []
    paths = sorted((ROOT / "examples").glob("*.yaml"))
    for path in paths:
        facts = load_fact_file(path, kb)
        assess(kb, facts, verify=False)  # warm-up: registers the rule set once per process
        # Interleaved, so that a busy moment of the machine weighs on all three alike.
        times: dict[str, list[float]] = {"rules": [], "checked": [], "ref": []}
        calls = {"rules": lambda f=facts: assess(kb, f, verify=False),
                 "checked": lambda f=facts: assess(kb, f, verify=True),
                 "ref": lambda f=facts: assess(kb, f, evaluator="reference")}
        for _ in range(repeat):
            for name, call in calls.items():
                start = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - start)
        rules, checked, ref = (statistics.median(times[k]) * 1000 for k in ("rules", "checked", "ref"))
        rows.append((path.stem, rules, checked, ref))
    return rows


def bench_fresh(count: int) -> tuple[float, float]:
    """Median in-process assess time (ms) over ``count`` generated fact files, each assessed once per evaluator:
    no result is reused from an earlier run of the same file (the result builder shares results made of equal
    values, which a repeated file benefits from most), so this is the cost of a file never seen before."""
    from mlops_maturity.engine.assessment import assess

    kb = _kb()
    assess(kb, generated_fact_file(kb, 0), verify=False)  # warm-up: registers the rule set
    rules, ref = [], []
    for i in range(count):
        # Each evaluator its own files (in turns), so that neither reuses results the other built.
        for evaluator, times, seed in (("rules", rules, 50_000 + i), ("reference", ref, 60_000 + i)):
            facts = generated_fact_file(kb, seed)
            start = time.perf_counter()
            assess(kb, facts, verify=False, evaluator=evaluator)
            times.append(time.perf_counter() - start)
    return statistics.median(rules) * 1000, statistics.median(ref) * 1000


def _batch_worker(args: tuple[int, int, str]) -> int:
    start, count, evaluator = args
    from mlops_maturity.engine.assessment import assess

    kb = _kb()
    total = 0
    for seed in range(start, start + count):
        total += assess(kb, generated_fact_file(kb, seed), verify=False, evaluator=evaluator).maturity_level
    return total


def bench_batch(files: int, workers: int, evaluator: str) -> float:
    """Seconds to assess ``files`` generated fact files on ``workers`` processes (start-up included)."""
    chunk = -(-files // workers)
    jobs = [(i * chunk, min(chunk, files - i * chunk), evaluator) for i in range(workers)]
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_batch_worker, jobs))
    return time.perf_counter() - start


def bench_soak(sessions: int) -> tuple[int, int, int]:
    """Peak RSS (KiB) after 10% of the sessions and after all of them: flat means no leak."""
    from mlops_maturity.engine.assessment import assess

    kb = _kb()
    files = [generated_fact_file(kb, seed) for seed in range(50)]
    early = 0
    for i in range(sessions):
        assess(kb, files[i % len(files)], verify=False)
        if i + 1 == max(1, sessions // 10):
            early = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    late = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return early, late, sessions


def bench_cold(repeat: int) -> tuple[float, float, float, float]:
    """Median seconds of ``maturity assess EXAMPLE --format json``, ``python -c pass`` and importing the CLI module
    (whose commands import the engine lazily).

    The three commands take turns (one run of each, ``repeat`` times), so that a load that comes and goes on a
    shared machine weighs on all three alike. The first run, which may fill the knowledge-base cache, is a warm-up.
    """
    example = ROOT / "examples" / "regulated-bank.yaml"
    cli = [sys.executable, "-m", "mlops_maturity.cli", "assess", str(example), "--format", "json"]
    commands = [cli, [sys.executable, "-c", "pass"], [sys.executable, "-c", "import mlops_maturity.cli.app"],
                [sys.executable, "-c", MINIMAL_PROGRAM]]
    print("   " + ensure_bytecode())
    cli_s, bare_s, imports_s, minimal_s = alternating_medians(commands, repeat)
    return cli_s, bare_s, imports_s, minimal_s


def print_cold(repeat: int) -> None:
    """Section 4: the cold start of ``maturity assess``."""
    print(f"4. Cold start, median of {repeat} (seconds)")
    cli, bare, imports, minimal = bench_cold(repeat=repeat)
    print(f"   maturity assess --format json {cli:.3f}   python -c pass {bare:.3f}   import cli.app {imports:.3f}"
          f"   minimal program on the same stack {minimal:.3f} ({cli / minimal:.2f}x it)   (target <= 0.4 s)")


def main() -> None:
    """Run every benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller batch and soak")
    parser.add_argument("--cold-only", action="store_true", help="only section 4, the cold start")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command in section 4 (default 5)")
    args = parser.parse_args()
    if args.cold_only:
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
        print_cold(args.repeat)
        return
    files = 200 if args.quick else 1000
    sessions = 1000 if args.quick else 10000

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores\n")
    print("1. In-process assess, median ms per shipped example")
    print(f"   {'example':32} {'rules':>8} {'rules+check':>12} {'reference':>10} {'rules/ref':>10}")
    rows = bench_examples(repeat=30)
    for name, rules, checked, ref in rows:
        print(f"   {name:32} {rules:8.2f} {checked:12.2f} {ref:10.2f} {rules / ref:9.1f}x")
    if rows:
        med_rules = statistics.median(r[1] for r in rows)
        med_ref = statistics.median(r[3] for r in rows)
        print(f"   {'median':32} {med_rules:8.2f} {'':12} {med_ref:10.2f} {med_rules / med_ref:9.1f}x"
              "   (target rules <= 10 ms)")

    fresh_rules, fresh_ref = bench_fresh(60)
    print(f"   {'60 generated files, each once':32} {fresh_rules:8.2f} {'':12} {fresh_ref:10.2f} "
          f"{fresh_rules / fresh_ref:9.1f}x   (no result reused from a repeat)")

    print(f"\n2. Batch: {files} generated fact files on 2 processes (includes process start-up)")
    rules_s = bench_batch(files, 2, "rules")
    ref_s = bench_batch(files, 2, "reference")
    print(f"   rules {rules_s:6.2f} s   reference {ref_s:6.2f} s   ratio {rules_s / ref_s:4.1f}x"
          "   (target rules <= 10 s)")

    print(f"\n3. Soak: {sessions} sessions in one process, peak RSS")
    early, late, n = bench_soak(sessions)
    print(f"   after {n // 10}: {early / 1024:.1f} MiB   after {n}: {late / 1024:.1f} MiB"
          f"   growth {(late - early) / 1024:.1f} MiB")

    print()
    print_cold(args.repeat)


if __name__ == "__main__":
    main()
