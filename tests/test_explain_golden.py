"""Golden explanations: ``why --level N`` (Markdown and JSON) for every example, N the level above the example's.

On a difference, look at the diff; if the change is intended, regenerate with
``python tests/golden/explain/regenerate.py`` and review the result in version control.
"""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

GOLDEN = Path(__file__).parent / "golden" / "explain"
REGENERATE = "python tests/golden/explain/regenerate.py"


def _generator():  # noqa: ANN202 - a module loaded from a path
    spec = importlib.util.spec_from_file_location("regenerate_explain_golden", GOLDEN / "regenerate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXPECTED = _generator().golden_texts()


def test_every_example_has_golden_explanations() -> None:
    examples = sorted(EXAMPLES.glob("*.yaml"))
    assert examples, "no examples/*.yaml to explain"
    names = {p.stem for p in examples}
    assert {n.split(".level-")[0] for n in EXPECTED} == names
    on_disk = {p.name for p in GOLDEN.iterdir() if p.suffix in (".md", ".json")}
    missing, stale = sorted(set(EXPECTED) - on_disk), sorted(on_disk - set(EXPECTED))
    assert not missing and not stale, f"missing {missing}, stale {stale}: run {REGENERATE}"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_golden_explanation(name: str) -> None:
    path = GOLDEN / name
    assert path.exists(), f"{path} is missing: run {REGENERATE}"
    expected = path.read_text(encoding="utf-8")
    actual = EXPECTED[name]
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"golden/{name}", "now", n=2))
        pytest.fail(f"{name} differs from the golden file. If the change is intended, run {REGENERATE}\n"
                    + diff[:6000])
