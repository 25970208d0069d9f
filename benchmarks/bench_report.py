"""Benchmark of the cold report commands beside the bare import of the dependency stack, in the same run.

Run:  python benchmarks/bench_report.py               (7 runs of each command, in turns, after one warm-up each)
      python benchmarks/bench_report.py --repeat 3    (quicker)

Commands, each a fresh ``python -m mlops_maturity.cli`` process on ``examples/regulated-bank.yaml`` (the knowledge
base cache warm, as after the first run on a machine):

- ``report --template html`` (the default full layout, no appendix; charts drawn as SVG, no matplotlib);
- ``report --template html --layout one-pager``;
- ``report --template markdown``;
- ``report --template docx`` (matplotlib draws the charts as PNG images), for comparison;
- ``roadmap --format json``, the other cold command whose time the issues ask for beside the same baseline;
- the bare import of the dependency stack (durable_rules, pydantic, typer, jinja2, ruamel.yaml, PyYAML, rich,
  orjson): the baseline.

It prints the median wall time and peak RSS of each, the ratio to the baseline and the difference from it (what
the report itself costs). The issue's target: a cold HTML report costs <= 0.5 s beyond the bare import. Speed is
measured, not asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_EXTRA_S = 0.5
TARGET_ROADMAP_RATIO = 1.6
sys.path.insert(0, str(ROOT / "benchmarks"))
from _cold import DEPENDENCY_STACK, MINIMAL_PROGRAM, ensure_bytecode  # noqa: E402


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one child process."""
    start = time.perf_counter()
    pid = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env).pid
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each command (default 7)")
    args = parser.parse_args(argv)
    example = str(ROOT / "examples" / "regulated-bank.yaml")
    out = Path(tempfile.mkdtemp(prefix="bench-report-"))
    cli = [sys.executable, "-m", "mlops_maturity.cli", "report", example, "--force"]
    commands = {
        "bare import of the dependency stack": [sys.executable, "-c", DEPENDENCY_STACK],
        "minimal program on the same stack": [sys.executable, "-c", MINIMAL_PROGRAM],
        "report --template html": [*cli, "-t", "html", "--out", str(out / "r.html")],
        "report --template html --layout one-pager": [*cli, "-t", "html", "--layout", "one-pager", "--out",
                                                      str(out / "o.html")],
        "report --template markdown": [*cli, "-t", "markdown", "--out", str(out / "r.md")],
        "report --template docx": [*cli, "-t", "docx", "--out", str(out / "r.docx")],
        "roadmap --format json": [sys.executable, "-m", "mlops_maturity.cli", "roadmap", example, "--format", "json"],
    }
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    print(ensure_bytecode())
    for cmd in commands.values():  # warm-up: fills the knowledge-base cache, the OS file cache
        _run(cmd, env)
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, cmd in commands.items():  # in turns, so a noisy moment hits every command alike
            samples[name].append(_run(cmd, env))
    base = statistics.median(s for s, _ in samples["bare import of the dependency stack"])
    header = f"{'command':<44} {'median s':>8} {'x bare':>7} {'extra s':>8} {'peak MiB':>9}"
    print(header)
    print("-" * len(header))
    for name, runs in samples.items():
        seconds = statistics.median(s for s, _ in runs)
        rss = statistics.median(m for _, m in runs)
        print(f"{name:<44} {seconds:>8.3f} {seconds / base:>7.2f} {seconds - base:>8.3f} {rss:>9.1f}")
    html = statistics.median(s for s, _ in samples["report --template html"])
    floor = statistics.median(s for s, _ in samples["minimal program on the same stack"])
    print(f"cold HTML report: {html - base:.3f} s beyond the bare import ({html / base:.2f}x it), "
          f"{html - floor:.3f} s beyond the minimal program ({html / floor:.2f}x it); "
          f"target <= {TARGET_EXTRA_S:g} s beyond the bare import; {args.repeat} runs each, medians")
    for name in ("report --template html --layout one-pager", "report --template markdown"):
        extra = statistics.median(s for s, _ in samples[name]) - base
        print(f"{name}: {extra:.3f} s beyond the bare import ({'within' if extra <= TARGET_EXTRA_S else 'over'} "
              "the target)")
    plan = statistics.median(s for s, _ in samples["roadmap --format json"])
    print(f"cold roadmap --format json: {plan / base:.2f}x the bare import ({plan - base:.3f} s beyond it), "
          f"{plan / floor:.2f}x the minimal program; the rating-model issue's target <= {TARGET_ROADMAP_RATIO:g}x "
          "the bare import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
