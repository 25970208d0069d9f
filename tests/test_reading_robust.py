"""Hostile and unusual fact files: each is read, or refused with a located message (exit 2), never a crash.

Regression tests of the two crash kinds fuzzing found (issue 12): nesting deep enough to exhaust the YAML parser's
recursion (``RecursionError``, exit 4), and a YAML escape of a lone surrogate (``"\\ud800"``), which failed only when
the result was written as UTF-8 (exit 4). And the JSON fact file as ``json.dumps`` writes it by default, with an
emoji escaped as a surrogate pair, which read as two lone surrogates instead of the emoji.
"""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path

import pytest
from mlops_maturity.cli.app import app
from mlops_maturity.engine import documents
from mlops_maturity.engine.errors import UserInputError
from typer.testing import CliRunner

HEAD = "organization: Acme\nassessed_on: 2026-10-01\n"
EMOJI = "\U0001F600"


def _assess(runner: CliRunner, path: Path, *args: str):  # noqa: ANN202
    result = runner.invoke(app, ["assess", str(path), *args])
    assert "Traceback" not in result.output
    return result


def _refused(runner: CliRunner, path: Path) -> list[str]:
    result = _assess(runner, path, "--format", "json")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    return [line.replace(str(path), "F", 1) for line in result.stderr.strip().splitlines()]


# --- Crash kind 1: nesting deeper than the parser's recursion --------------------------------------------------------

DEEP = {
    "flow-list": HEAD + "practices: " + "[" * 5000 + "]" * 5000 + "\n",
    "flow-map": HEAD + "practices: " + "{a: " * 5000 + "x" + "}" * 5000 + "\n",
    "block-map": HEAD + "practices:\n" + "".join(" " * (i + 1) * 2 + f"k{i}:\n" for i in range(1200)),
    "block-list": HEAD + "practices:\n" + "".join(" " * (i + 1) * 2 + "-\n" for i in range(1200)),
    "json": '{"organization": "Acme", "assessed_on": "2026-10-01",\n"practices": ' + '{"a": ' * 5000 + "1"
            + "}" * 5000 + "}",
}


@pytest.mark.parametrize("kind", sorted(DEEP))
def test_deep_nesting_is_a_located_input_error_not_a_recursion_error(kind: str, tmp_path: Path,
                                                                     runner: CliRunner) -> None:
    path = tmp_path / ("facts.json" if kind == "json" else "facts.yaml")
    path.write_text(DEEP[kind], encoding="utf-8")
    line = {"block-map": 67, "block-list": 67, "json": 2}.get(kind, 3)  # where the 65th level begins
    assert _refused(runner, path) == [
        f"error: F: line {line}: nested deeper than 64 levels (mappings and lists within each other)"]


@pytest.mark.parametrize("name", ["f.yaml", "f.json"])
def test_nesting_limit_is_exact(name: str) -> None:
    """The limit counts the document's own mapping: 64 levels read, 65 do not, on every path alike."""

    def text(levels: int) -> str:
        return '{"a": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"

    assert documents.MAX_DEPTH == 64
    for parse in (documents.parse, lambda t, n: documents.parse_json(t, n)):
        assert parse(text(64), name).data["a"] is not None
        with pytest.raises(UserInputError, match="nested deeper than 64 levels"):
            parse(text(65), name)
    yaml_text = "a: " + "[" * 63 + "]" * 63 + "\n"
    assert documents.parse(yaml_text, "f.yaml").data == documents.fast_parse(yaml_text, "f.yaml").data
    assert documents.fast_parse(text(65), name) is None
    assert documents.fast_parse("a: " + "[" * 64 + "]" * 64 + "\n", "f.yaml") is None


# --- Crash kind 2: an escaped lone surrogate ---------------------------------------------------------------------

SURROGATE = (", half of a UTF-16 surrogate pair without its other half (not a character; write the character "
             "itself, or escape both halves)")


@pytest.mark.parametrize(("field", "text", "line", "where"), [
    ("note", 'practices:\n  ml.model-registry: {status: FI, note: "x \\ud800"}\n', 4, "practices.ml.model-registry.note"),
    ("evidence", 'practices:\n  ml.model-registry:\n    status: FI\n    evidence: ["\\udc00"]\n', 6,
     "practices.ml.model-registry.evidence[0]"),
    ("reason", 'practices:\n  gov.model-inventory: {status: NA, reason: "r \\ud83d"}\n', 4,
     "practices.gov.model-inventory.reason"),
    ("scope", 'scope: "s \\ud800 \\ud83d\\ude00"\n', 3, "scope"),
    ("key", 'practices:\n  "ml.\\ud800": FI\n', 4, "practices.ml.\\ud800"),
])
def test_a_lone_surrogate_escape_is_a_located_input_error(field: str, text: str, line: int, where: str,
                                                          tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    code = "\\ud83d" if field == "reason" else "\\udc00" if field == "evidence" else "\\ud800"
    noun = "key" if field == "key" else "text"
    assert _refused(runner, path) == [f"error: F: line {line}: {where}: the {noun} contains {code}{SURROGATE}"]


def test_a_lone_surrogate_in_json_is_a_located_input_error(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "facts.json"
    path.write_text('{"organization": "Acme",\n "assessed_on": "2026-10-01",\n "practices": {"ml.model-registry":\n'
                    '  {"status": "FI", "note": "\\ud800"}}}', encoding="utf-8")
    assert _refused(runner, path) == [
        f"error: F: line 4: practices.ml.model-registry.note: the text contains \\ud800{SURROGATE}"]


# --- JSON with escaped emoji --------------------------------------------------------------------------------------

def _emoji_facts() -> dict:
    return {
        "organization": f"Acme models {EMOJI}",
        "assessed_on": "2026-10-01",
        "assessor": f"A. Assessor {EMOJI}",
        "scope": f"the scope {EMOJI}",
        "practices": {
            "ml.model-registry": {"status": "FI", "note": f"the note {EMOJI}", "evidence": [f"the evidence {EMOJI}"]},
            "gov.model-inventory": {"status": "NA", "reason": f"the reason {EMOJI}"},
        },
    }


TEXTS = ["Acme models", "the scope", "the note", "the evidence", "the reason"]


@pytest.fixture()
def emoji_json(tmp_path: Path) -> Path:
    path = tmp_path / "facts.json"
    text = json.dumps(_emoji_facts())  # ensure_ascii: the emoji is written "\ud83d\ude00"
    assert "\\ud83d\\ude00" in text and EMOJI not in text
    path.write_text(text, encoding="utf-8")
    return path


def test_escaped_emoji_in_json_reads_back_as_the_emoji_in_assess_json(emoji_json: Path, runner: CliRunner) -> None:
    result = _assess(runner, emoji_json, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["organization"] == f"Acme models {EMOJI}"
    assert document["assessor"] == f"A. Assessor {EMOJI}"
    assert document["scope"] == f"the scope {EMOJI}"
    practices = {p["id"]: p for p in document["practices"]}
    assert practices["ml.model-registry"]["note"] == f"the note {EMOJI}"
    assert practices["ml.model-registry"]["evidence"] == [f"the evidence {EMOJI}"]
    assert practices["gov.model-inventory"]["reason"] == f"the reason {EMOJI}"


@pytest.mark.parametrize("output", ["markdown", "table"])
def test_escaped_emoji_in_json_reads_back_as_the_emoji_in_assess_text(output: str, emoji_json: Path,
                                                                      runner: CliRunner) -> None:
    result = _assess(runner, emoji_json, "--format", output)
    assert result.exit_code == 0, result.stderr
    assert "\ud83d" not in result.stdout
    assert f"Acme models {EMOJI}" in result.stdout
    if output == "markdown":
        assert all(f"{t} {EMOJI}" in result.stdout for t in TEXTS[2:])


@pytest.mark.parametrize("template", ["markdown", "html", "docx"])
def test_escaped_emoji_in_json_reads_back_as_the_emoji_in_the_report(template: str, emoji_json: Path,
                                                                     tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / f"report.{template}"
    result = runner.invoke(app, ["report", str(emoji_json), "--template", template, "--appendix", "--out", str(out)])  # evidence and notes: the appendix
    assert result.exit_code == 0, result.output
    if template == "docx":
        with zipfile.ZipFile(out) as archive:
            text = archive.read("word/document.xml").decode("utf-8")
    else:
        text = out.read_text(encoding="utf-8")
    for words in TEXTS:
        assert f"{words} {EMOJI}" in text, words


def test_an_escaped_surrogate_pair_in_yaml_is_the_character_too() -> None:
    doc = documents.parse('a: "x \\ud83d\\ude00"\nb: "\\U0001F600"\n', "f.yaml")
    assert doc.data == {"a": f"x {EMOJI}", "b": EMOJI}


def test_json_text_in_a_yaml_file_is_read_as_json(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(json.dumps(_emoji_facts()), encoding="utf-8")
    result = _assess(runner, path, "--format", "json")
    assert json.loads(result.stdout)["organization"] == f"Acme models {EMOJI}"


def test_json_indented_with_tabs_and_long_keys_reads(tmp_path: Path, runner: CliRunner) -> None:
    """JSON allows what the YAML parser refused: tabs between tokens, keys over 1,024 characters."""
    path = tmp_path / "facts.json"
    facts = _emoji_facts()
    facts["practices"]["x" * 1100] = "FI"
    path.write_text(json.dumps(facts, indent="\t"), encoding="utf-8")
    messages = _refused(runner, path)
    assert len(messages) == 1 and messages[0].startswith(f"error: F: line 18: practices.{'x' * 1100}: unknown practice")


# --- Other limits -------------------------------------------------------------------------------------------------

def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(HEAD + "scope: " + "x" * documents.MAX_BYTES + "\n", encoding="utf-8")
    size = path.stat().st_size
    assert _refused(runner, path) == [f"error: F: too large: {size:,} bytes; an input file may have at most 2,000,000"]


def test_a_file_is_read_whole_up_to_the_size_limit_whatever_its_size_claims(tmp_path: Path) -> None:
    """``read_text`` asks for the size the file reports: a file of exactly the limit is read, one byte more is
    refused, and a pipe (which reports no size) is read to its end."""
    import os
    import threading

    exact = tmp_path / "exact.yaml"
    exact.write_bytes(b"x" * documents.MAX_BYTES)
    assert documents.read_text(exact) == "x" * documents.MAX_BYTES
    exact.write_bytes(b"x" * (documents.MAX_BYTES + 1))
    with pytest.raises(UserInputError, match="too large"):
        documents.read_text(exact)
    if not hasattr(os, "mkfifo"):
        return
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    text = "scope: " + "é" * 70_000 + "\n"
    writer = threading.Thread(target=pipe.write_text, args=(text,), kwargs={"encoding": "utf-8"})
    writer.start()
    try:
        assert documents.read_text(pipe) == text
    finally:
        writer.join()


def test_an_alias_bomb_with_an_anchor_defined_again_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    """ruamel.yaml lets a later anchor replace an earlier one; the expansion is counted that way too (it was not:
    PyYAML's composer refused the document, the count gave up, and the bomb went off)."""
    bomb = "z: &a 0\na: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcde", "bcdeg", strict=True))
    path = tmp_path / "facts.yaml"
    path.write_text(bomb + "h: [*g, *g, *g]\n" + HEAD, encoding="utf-8")
    assert _refused(runner, path) == [
        "error: F: the document expands to more than 200,000 values through YAML aliases (*name); write the values "
        "out instead"]


def test_the_expansion_is_also_counted_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the event stream cannot be read ahead, the conversion to plain data stops at the same limit."""
    monkeypatch.setattr(documents, "_check_structure", lambda text, name: None)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcde", "bcdef", strict=True))
    with pytest.raises(UserInputError, match="expands to more than 200,000 values"):
        documents.parse(bomb, "f.yaml")


def test_redefined_anchors_print_no_warning(tmp_path: Path, runner: CliRunner) -> None:
    """An anchor defined again is valid YAML 1.2; ruamel.yaml's multi-line warning about it is not shown."""
    path = tmp_path / "facts.yaml"
    path.write_text(HEAD + "scope: &s one\nassessor: &s two\npractices: {}\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would now fail the command (exit 4)
        result = _assess(runner, path)
    assert result.exit_code == 0 and result.stderr == ""


def test_huge_integer_is_not_reported_as_a_date(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(HEAD + "context:\n  cloud_vendor_count: " + "9" * 5000 + "\n", encoding="utf-8")
    messages = _refused(runner, path)
    assert len(messages) == 1 and messages[0].startswith("error: F: not valid YAML/JSON: a value cannot be read: ")
