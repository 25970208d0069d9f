"""``maturity crosswalk`` in a real terminal of 100 and 200 columns: nothing wider, no id split or cut."""

from __future__ import annotations

import pytest

pytest.importorskip("pexpect")

from tests.terminal import run_in_terminal, split_ids, too_wide  # noqa: E402


@pytest.mark.parametrize("columns", [100, 200])
def test_crosswalk_fits_the_terminal(columns: int) -> None:
    status, lines = run_in_terminal(["crosswalk", "--no-verify"], columns)
    assert status == 0
    assert not too_wide(lines, columns)
    assert not split_ids(lines)
    assert not any("…" in line for line in lines), "a value was cut"
    text = "\n".join(lines)
    for framework in ("devops-small-entities", "aws-orchestrator", "mcknight"):
        assert framework in text
    # the achievement profile is split in two tables below 180 columns (rather than squeezed), one table above
    headers = [line for line in lines if line.strip(" ┃").startswith("Framework ")]
    assert len(headers) == (3 if columns < 180 else 2)


def test_crosswalk_markdown_comes_from_the_template() -> None:
    from mlops_maturity.engine import api, formats
    from mlops_maturity.engine.crosswalk import crosswalk

    text = formats.render("markdown", crosswalk(api.load_kb(), verify=False))
    assert text.startswith("# Crosswalk: the ML Ops frameworks against CMMI\n")
    assert "| devops-small-entities |" in text and "Ordering agrees." in text
