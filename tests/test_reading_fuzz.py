"""Fuzzing the fact-file reader through the real CLI: no input makes ``maturity assess`` crash.

The shipped examples, as YAML and as JSON, are mutated (bytes and characters replaced, lines deleted and duplicated,
YAML syntax inserted, deep nesting, escapes of lone surrogates and control characters, alias bombs, ...) and assessed
in-process with ``--format json``. Every run must end in exit 0 or 1 with a JSON document on stdout, or in exit 2
with messages naming the file; never a traceback, never exit 3 (engine and reference evaluator disagree) or 4
(internal error).

The run is reproducible: a fixed seed and no example database (a failure found once is not replayed first next time;
rerun with the seed to reproduce it). Change ``SEED`` to explore other inputs.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from mlops_maturity.cli.app import app
from typer.testing import CliRunner

EXAMPLES = Path(__file__).parent.parent / "examples"
SEED = 20261201
EXAMPLES_RUN = 500


def _as_json(text: str) -> str:
    return json.dumps(yaml.safe_load(text), default=str, indent=2)  # dates as text; emoji escaped, as json.dumps does


SOURCES = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.yaml"))]
SOURCES += [(stem + ".json", _as_json(text)) for stem, text in SOURCES]

SNIPPETS = [
    # YAML syntax in and out of place
    ":", ": ", "- ", "? ", "#", " #", "'", '"', "''", "{", "}", "[", "]", ",", "|", ">-", "|+\n", "---\n", "...\n",
    "%YAML 1.1\n", "%TAG ! tag:x,2026:\n", "&a ", "*a", "&a [x, y]", "<<: *a\n", "!!str ", "!!binary ", "!custom ",
    "!!python/object/apply:os.system ['true']", "!!set {a, b}", "!!omap [a: 1]", "? [a, b]\n: c\n", "~", "null",
    "yes", "no", "0x1f", "1e999", ".nan", "-.inf", "9" * 5000, "2026-02-30", "2026-13-45", "2026-01-01T10:00:00",
    # values in fields that exist
    "status: NA\n", "observed_on: 2099-01-01\n", "    observed_on: 2026-01-01\n", "evidence: 42\n", "note: [x]\n",
    "practices: 5\n", "context: {cloud_vendor_count: -1}\n", "organization:\n", "assessed_on: today\n",
    # escapes and characters
    '"\\ud800"', '"\\udc00 x"', '"\\ud83d\\ude00"', '"\\U0001F600"', '"\\x01"', '"\\0"', '"\\e"', '"\\uFFFE"',
    '"\\N\\_\\L\\P"', '"\\q"', "\t", "\t\t", "\r", "\r\n", "\x00", "\x01", "\x7f", "\x85", "\x9b", "\u2028", "\ufeff",
    "\ufffe", "é", "😀", "\u00a0", "\\",
]

VALUES = ['"models \\ud83d\\ude00"', "FI", "LI", "NA", "NY", "XX", "{status: NA, reason: r}", "[x]", "[]", "{}", "''",
          "2026-01-01", "2099-12-31", "-1", "0", "true", "'\\ud800'", "{status: FI, note: \"\\ud800\"}"]


@st.composite
def _nesting(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["flow-list", "flow-map", "block-map", "block-list", "json"]))
    depth = draw(st.sampled_from([8, 63, 64, 65, 66, 200, 999, 1001] + ([5000] if kind in ("flow-list", "json") else [])))
    if kind == "flow-list":
        return "[" * depth + "]" * depth
    if kind == "flow-map":
        return "{a: " * depth + "x" + "}" * depth
    if kind == "json":
        return '{"a": ' * depth + "1" + "}" * depth
    if kind == "block-map":
        return "\n" + "".join(" " * i + "k:\n" for i in range(0, depth * 2, 2)) + " " * depth * 2 + "v\n"
    return "\n" + "".join(" " * i + "-\n" for i in range(0, depth * 2, 2))


ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcde", "bcdef", strict=True))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    """A shipped example (or its JSON form), mutated once to a few times, and sometimes its bytes too; the file's
    name and its bytes."""
    name, text = draw(st.sampled_from(SOURCES))
    raw_bytes: bytes | None = None
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 2, 3, 6]))):
        lines = text.splitlines(keepends=True) or [""]
        kind = draw(st.sampled_from(["replace", "insert", "delete-line", "duplicate-line", "swap-lines", "snippet",
                                     "nesting", "alias-bomb", "truncate", "indent", "value", "value"]))
        at = draw(st.integers(0, len(text)))
        line = draw(st.integers(0, len(lines) - 1))
        if kind == "replace" and text:
            text = text[:min(at, len(text) - 1)] + draw(st.characters()) + text[min(at, len(text) - 1) + 1:]
        elif kind == "insert":
            text = text[:at] + draw(st.text(min_size=1, max_size=8)) + text[at:]
        elif kind == "delete-line":
            text = "".join(lines[:line] + lines[line + 1:])
        elif kind == "duplicate-line":
            text = "".join(lines[:line + 1] + lines[line:])
        elif kind == "swap-lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
            text = "".join(lines)
        elif kind == "snippet":
            text = text[:at] + draw(st.sampled_from(SNIPPETS)) + text[at:]
        elif kind == "nesting":
            text = text[:at] + draw(_nesting()) + text[at:]
        elif kind == "alias-bomb":
            text = ALIAS_BOMB + text
        elif kind == "value" and ": " in lines[line]:  # another value for a key
            key = lines[line].split(": ", 1)[0]
            lines[line] = f"{key}: {draw(st.sampled_from(VALUES + SNIPPETS))}\n"
            text = "".join(lines)
        elif kind == "truncate":
            text = text[:at]
        else:  # re-indent a line by spaces or tabs
            lines[line] = draw(st.sampled_from(["", " ", "   ", "\t", " \t", "      "])) + lines[line].lstrip(" ")
            text = "".join(lines)
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate written raw: not UTF-8, as a file can hold it
    if draw(st.integers(0, 5)) == 0 and data:  # byte mutations
        raw = bytearray(data)
        for _ in range(draw(st.integers(1, 3))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        raw_bytes = bytes(raw)
    return ("facts.json" if name.endswith(".json") else "facts.yaml"), raw_bytes if raw_bytes is not None else data


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@seed(SEED)
@settings(max_examples=EXAMPLES_RUN, deadline=None, database=None, print_blob=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=mutated(), fail_under=st.sampled_from([None, None, 2, 4]))
def test_mutated_examples_never_crash_the_reader(case: tuple[str, bytes], fail_under: int | None,
                                                 workdir: Path) -> None:
    name, content = case
    path = workdir / name
    path.write_bytes(content)
    args = ["assess", str(path), "--format", "json"] + ([] if fail_under is None else ["--fail-under", str(fail_under)])
    result = CliRunner().invoke(app, args)
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in result.stderr, output[-3000:]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), output[-3000:]
    if result.exit_code in (0, 1):
        document = json.loads(result.stdout)
        assert document["maturity_level"] in range(1, 6)
        assert (result.exit_code == 1) == (fail_under is not None and document["maturity_level"] < fail_under)
    else:
        assert result.stdout == ""
        messages = result.stderr.strip().splitlines()
        assert messages, "exit 2 without a message"
        assert all(m.startswith(f"error: {path}: ") or m.startswith("... and ") for m in messages), messages
