"""Golden roadmaps: every example's roadmap (Markdown and JSON) matches the stored file byte for byte."""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).parent / "golden" / "roadmap" / "regenerate.py"
HOW = f"regenerate with `python {SCRIPT.relative_to(SCRIPT.parents[3])}` and review the diff"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("roadmap_golden_regenerate", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GOLDEN = _load()
CASES = GOLDEN.cases()


def test_every_example_has_a_case() -> None:
    examples = sorted(p.stem for p in GOLDEN.EXAMPLES.glob("*.yaml"))
    assert examples, "no examples/*.yaml found"
    assert sorted({stem for stem, _, options in CASES if not options}) == examples


def test_no_stale_golden_files() -> None:
    expected = {stem + suffix for stem, _, _ in CASES for suffix in (".json", ".md")}
    stale = sorted(set(GOLDEN.existing_files()) - expected)
    assert not stale, f"golden files without a case: {stale}; {HOW}"


@pytest.mark.parametrize(("stem", "path", "options"), CASES, ids=[c[0] for c in CASES])
def test_golden_roadmap(stem: str, path: Path, options: dict[str, object]) -> None:
    stored = GOLDEN.existing_files()
    for suffix, text in GOLDEN.render_case(path, options).items():
        name = stem + suffix
        assert name in stored, f"missing golden file {name}; {HOW}"
        if stored[name] != text:
            diff = "".join(list(difflib.unified_diff(stored[name].splitlines(keepends=True),
                                                     text.splitlines(keepends=True),
                                                     f"stored/{name}", f"fresh/{name}"))[:60])
            pytest.fail(f"{name} differs from a fresh rendering; {HOW}\n{diff}")
