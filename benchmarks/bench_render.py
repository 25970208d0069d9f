"""Benchmark of rendering a report context warm, in one process: the built-in templates in their trusted
environment beside the same templates in the sandbox (the reference), in the same run.

Run:  python benchmarks/bench_render.py               (41 renders of each, in turns, after one warm-up)
      python benchmarks/bench_render.py --repeat 11   (quicker)

For ``examples/regulated-bank.yaml`` (the default full layout) it prints, per built-in format, the median CPU time
of a render (charts drawn as SVG in HTML, none in Word: matplotlib would dominate) in the trusted environment and
in :class:`ReportSandbox` and their ratio, then the pieces every render pays: ``ReportContext.template_data()`` and
the four SVG charts. Speed is measured, not asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cpu_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:8.2f}"


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=41, help="timed renders of each (default 41)")
    args = parser.parse_args(argv)
    from mlops_maturity.engine import charts, report
    from mlops_maturity.engine.facts import load_fact_file
    from mlops_maturity.engine.kb import load_knowledge_base
    from mlops_maturity.engine.session import Session

    kb = load_knowledge_base()
    path = ROOT / "examples" / "regulated-bank.yaml"
    context = report.build_context(Session(kb, load_fact_file(path, kb), source="examples/regulated-bank.yaml"))
    jobs: dict[str, Callable[[], object]] = {}
    for fmt in ("html", "markdown", "docx"):
        ref = report.resolve_template(fmt)
        for sandboxed in (False, True):
            jobs[f"{fmt} {'sandbox' if sandboxed else 'trusted'}"] = (
                lambda ref=ref, drawn=fmt == "html", sandboxed=sandboxed: report._render_context(
                    context, ref, drawn, sandboxed=sandboxed))
    jobs["template_data()"] = context.template_data
    jobs["4 SVG charts"] = lambda: [charts.chart_svg(context, name) for name in charts.SVG_CHARTS]
    for job in jobs.values():
        job()
    samples: dict[str, list[float]] = {name: [] for name in jobs}
    for _ in range(args.repeat):
        for name, job in jobs.items():  # in turns, so a noisy moment hits every job alike
            start = time.process_time()
            job()
            samples[name].append(time.process_time() - start)
    print(f"{'render (warm, CPU)':<22} {'median ms':>9}")
    for name in jobs:
        print(f"{name:<22} {_cpu_ms(samples[name]):>9}")
    for fmt in ("html", "markdown", "docx"):
        trusted = statistics.median(samples[f"{fmt} trusted"])
        sandbox = statistics.median(samples[f"{fmt} sandbox"])
        print(f"{fmt}: trusted {trusted / sandbox:.2f}x the sandbox ({(sandbox - trusted) * 1000:.1f} ms less)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
