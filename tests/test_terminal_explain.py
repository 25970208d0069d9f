"""``why`` and ``how`` in a real pseudo-terminal of 100 and 200 columns: no line wider than the terminal, no id split
or cut, no rule ids without ``--trace`` (issue 11, point 5)."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLES
from tests.terminal import run_in_terminal, split_ids, too_wide

RUNS = {
    "why-level-3": ["why", str(EXAMPLES / "enterprise-near-l3.yaml"), "--level", "3"],
    "why-level-2-details": ["why", str(EXAMPLES / "notebook-startup.yaml"), "--level", "2", "--details"],
    "why-framework": ["why", str(EXAMPLES / "notebook-startup.yaml"), "--framework", "azure"],
    "why-practice": ["why", str(EXAMPLES / "notebook-startup.yaml"), "--practice", "ml.model-registry"],
    "how": ["how", str(EXAMPLES / "enterprise-near-l3.yaml")],
    "how-trace": ["how", str(EXAMPLES / "enterprise-near-l3.yaml"), "--level", "2", "--trace", "--details"],
}


@pytest.mark.parametrize("columns", [100, 200])
@pytest.mark.parametrize("name", sorted(RUNS))
def test_explanations_fit_the_terminal_and_never_split_an_id(name: str, columns: int) -> None:
    status, lines = run_in_terminal(RUNS[name], columns, rows=60)
    assert status == 0, "\n".join(lines)
    assert too_wide(lines, columns) == []
    assert split_ids(lines) == []
    text = "\n".join(lines)
    assert (" by rule " in text) == ("--trace" in RUNS[name])


@pytest.mark.parametrize("columns", [100, 200])
def test_default_why_is_readable_summary_nearest_adoption_then_tree(columns: int) -> None:
    status, lines = run_in_terminal(RUNS["why-level-3"], columns, rows=60)
    assert status == 0
    text = "\n".join(lines)
    assert lines[0] == "Why CMMI maturity level 3 (Defined) is not reached"
    assert lines[1] == "Halvorsen Retail Group, assessed on 2026-03-12: CMMI maturity level 2 (Managed)."
    order = [text.index(x) for x in ("Nearest goals", "What moves us furthest", "Smallest set of practices",
                                     "Process areas below the capability level needed")]
    assert order == sorted(order)
    assert len(lines) < 150
