"""``maturity roadmap`` in a real pty at 100 and 200 columns: no line wider than the terminal, no id split."""

from __future__ import annotations

import pytest

from tests.terminal import run_in_terminal, split_ids, too_wide

CASES = [
    ["roadmap", "examples/notebook-startup.yaml"],
    ["roadmap", "examples/notebook-startup.yaml", "--target", "google:2"],
    ["roadmap", "examples/regulated-bank.yaml", "--target", "3", "--capacity", "6"],
]


@pytest.mark.parametrize("columns", [100, 200])
@pytest.mark.parametrize("args", CASES, ids=lambda a: "-".join(a[1:]).replace("/", "_"))
def test_roadmap_fits_the_terminal(args: list[str], columns: int) -> None:
    code, lines = run_in_terminal(args, columns)
    assert code == 0, "\n".join(lines)
    assert any(line.startswith("Wave 1:") for line in lines)
    assert too_wide(lines, columns) == []
    assert split_ids(lines) == []
    if columns == 200:  # the width is used: a long paragraph runs past 100 columns
        assert any(len(line) > 100 for line in lines)
