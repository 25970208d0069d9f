"""Regenerate the golden roadmaps (Markdown and JSON) of every example fact file.

Run from anywhere, then review the diff (``git diff tests/golden/roadmap``) before committing::

    python tests/golden/roadmap/regenerate.py

Every ``examples/*.yaml`` gets ``<name>.md`` and ``<name>.json`` (default target, no capacity); a few extra
cases exercise capacity, a framework target and ``plan_unobserved``. Files of examples that no longer exist are
removed. tests/test_roadmap_golden.py fails on any difference between these files and a fresh rendering.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mlops_maturity.engine.api import to_json
from mlops_maturity.engine.facts import load_fact_file
from mlops_maturity.engine.formats import render
from mlops_maturity.engine.kb import load_knowledge_base
from mlops_maturity.engine.roadmap import plan_roadmap

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
EXAMPLES = ROOT / "examples"

EXTRA_CASES: list[tuple[str, str, dict[str, Any]]] = [
    # (example name, case suffix, plan_roadmap options)
    ("regulated-bank", "capacity-6", {"capacity": 6.0}),
    ("notebook-startup", "google-2-capacity-13-plan-unobserved",
     {"target": ("google", 2), "capacity": 13.0, "plan_unobserved": True}),
]


def cases() -> list[tuple[str, Path, dict[str, Any]]]:
    """(golden file stem, fact file, options) for every example and the extra cases whose example exists."""
    out: list[tuple[str, Path, dict[str, Any]]] = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        out.append((path.stem, path, {}))
        out.extend((f"{path.stem}--{suffix}", path, options)
                   for name, suffix, options in EXTRA_CASES if name == path.stem)
    return out


def render_case(path: Path, options: dict[str, Any]) -> dict[str, str]:
    """The golden texts of one case: file extension -> text."""
    kb = load_knowledge_base()
    facts = load_fact_file(path, kb)
    roadmap = plan_roadmap(kb, facts, verify=True, source=path.relative_to(ROOT).as_posix(), **options)
    return {".json": to_json(roadmap), ".md": str(render("markdown", roadmap))}


def expected_files() -> dict[str, str]:
    """Golden file name -> expected text, for every case."""
    out = {}
    for stem, path, options in cases():
        for suffix, text in render_case(path, options).items():
            out[stem + suffix] = text
    return out


def existing_files() -> dict[str, str]:
    """Golden file name -> text, as stored."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(HERE.iterdir()) if p.suffix in (".json", ".md")}


def main() -> int:
    """Write every golden file, remove stale ones, and say what changed."""
    expected = expected_files()
    current = existing_files()
    for name, text in expected.items():
        if current.get(name) != text:
            (HERE / name).write_text(text, encoding="utf-8")
            print(("updated " if name in current else "created ") + name)
    for name in sorted(set(current) - set(expected)):
        (HERE / name).unlink()
        print(f"removed {name}")
    print(f"{len(expected)} golden file(s) in {HERE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
