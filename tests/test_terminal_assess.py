"""``assess`` and ``kb list`` in a real terminal of 100 and 200 columns: no line wider than the terminal, no id split
or cut, the one-screen view on one screen, abbreviations explained, colour only where the terminal shows it."""

from __future__ import annotations

import pytest

from tests.terminal import ANSI, raw_in_terminal, run_in_terminal, split_ids, too_wide

EXAMPLE = "examples/notebook-startup.yaml"
MATURE = "examples/regulated-bank.yaml"

RUNS = {
    "assess": ["assess", EXAMPLE],
    "assess-mature": ["assess", MATURE],
    "assess-details": ["assess", MATURE, "--details"],
    "kb-list": ["kb", "list"],
}


@pytest.fixture(scope="module")
def outputs() -> dict[tuple[str, int], tuple[int, list[str]]]:
    return {(name, columns): run_in_terminal(args, columns) for name, args in RUNS.items() for columns in (100, 200)}


@pytest.mark.parametrize("columns", [100, 200])
@pytest.mark.parametrize("name", sorted(RUNS))
def test_fits_the_terminal_and_never_splits_an_id(outputs: dict, name: str, columns: int) -> None:
    status, lines = outputs[(name, columns)]
    assert status == 0, "\n".join(lines)
    assert too_wide(lines, columns) == []
    assert split_ids(lines) == []
    assert not any("…" in line for line in lines)


@pytest.mark.parametrize("name", ["assess", "assess-mature"])
def test_the_default_view_is_one_screen(outputs: dict, name: str) -> None:
    _, lines = outputs[(name, 100)]
    assert len([line for line in lines if line.strip()]) <= 50
    text = "\n".join(lines)
    for title in ("Capability profile", "ML Ops maturity models", "Next steps"):
        assert title in text
    assert "Process areas" not in text and "Practices observed" not in text  # the full tables: --details only


def test_the_level_and_why_in_one_sentence(outputs: dict) -> None:
    _, lines = outputs[("assess", 200)]
    assert any(line.startswith("CMMI maturity level 1 (Initial): none of the 7 level-2 process areas has capability "
                               "level 2") for line in lines)
    _, mature = outputs[("assess-mature", 200)]
    assert any(line.startswith("CMMI maturity level 2 (Managed): ") for line in mature)


def test_frameworks_say_what_the_next_level_lacks(outputs: dict) -> None:
    _, lines = outputs[("assess-mature", 200)]
    row = next(line for line in lines if line.startswith("google "))
    assert "level 0 (Manual process); level 1 met except ml.data-validation" in row


def test_abbreviations_are_explained(outputs: dict) -> None:
    text = "\n".join(outputs[("assess", 100)][1])
    assert "CL: capability level (0 incomplete, 1 performed, 2 managed, 3 defined)" in text
    assert "SPs: specific practices satisfied of those in scope" in text
    details = " ".join(" ".join(outputs[("assess-details", 200)][1]).split())
    for legend in ("Level: CMMI maturity level", "GG2: the area's own generic goal 2", "GPs: generic practices"):
        assert legend in details
    headers = [line.split() for line in outputs[("assess-details", 200)][1] if line.startswith(("Level ", "ML "))]
    assert ["Level", "Process", "area", "Status", "SPs", "CL", "GG2", "GG3"] in headers
    assert not any(h[0] == "ML" and h[1] != "Ops" for h in headers)  # no bare ML (machine learning?) header


def test_details_has_every_table(outputs: dict) -> None:
    text = "\n".join(outputs[("assess-details", 100)][1])
    for title in ("Process areas", "Specific goals", "Generic goals", "Target profiles", "ML Ops maturity models",
                  "Findings", "Practices observed"):
        assert title in text


def test_kb_list_keeps_every_id_whole_at_100_columns(outputs: dict) -> None:
    from tests.terminal import known_ids

    _, lines = outputs[("kb-list", 100)]
    first_cells = {line.split()[0] for line in lines if line.strip()}
    practices = {i for i in known_ids() if "." in i and i.split(".")[0].islower()}
    assert practices <= first_cells
    assert any(line.startswith("Left out at this width: ") for line in lines)
    _, wide = outputs[("kb-list", 200)]
    assert not any(line.startswith("Left out") for line in wide)


def test_colour_only_on_a_terminal_without_no_color() -> None:
    coloured = raw_in_terminal(["assess", EXAMPLE, "--section", "profile"], 100)
    assert ANSI.search(coloured)
    plain = raw_in_terminal(["assess", EXAMPLE, "--section", "profile"], 100, env={"NO_COLOR": "1"})
    assert not ANSI.search(plain.replace("\x1b[?", ""))
    assert "CM   CL 0" in plain


def test_no_colour_into_a_pipe() -> None:
    from typer.testing import CliRunner

    from mlops_maturity.cli.app import app

    result = CliRunner().invoke(app, ["assess", EXAMPLE, "--section", "profile", "--section", "findings"])
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert result.stdout.startswith("Capability profile")
