"""The fast parser of user documents (libyaml) reads exactly what the full parser (ruamel.yaml) reads, or gives up.

``documents.fast_parse`` may return ``None`` for any document; when it returns data, the full parser must accept the
document and read the same data (ruamel.yaml's int subclasses count as ints: the fact file's pydantic model turns
them into ints).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_maturity.engine import documents
from mlops_maturity.engine.errors import UserInputError
from mlops_maturity.engine.facts import check_fact_file, load_fact_file, parse_fact_text
from mlops_maturity.engine.kb import KnowledgeBase

EXAMPLES = Path(__file__).parent.parent / "examples"


def _typed(value: Any) -> Any:
    """Data with every scalar's type made explicit (``True == 1`` and ``date`` vs ``str`` must not compare equal)."""
    if isinstance(value, dict):
        return {"dict": [(_typed(k), _typed(v)) for k, v in value.items()]}
    if isinstance(value, list):
        return {"list": [_typed(v) for v in value]}
    if isinstance(value, int) and not isinstance(value, bool):
        return ("int", int(value))
    return (type(value).__name__, value)


def _full(text: str) -> Any:
    """What the full parser reads, or the error it raises."""
    try:
        return _typed(documents.parse(text, "f.yaml").data)
    except UserInputError as exc:
        return exc


def assert_agrees(text: str) -> bool:
    """Check the fast parser against the full one; whether the fast parser applied."""
    quick = documents.fast_parse(text, "f.yaml")
    if quick is None:
        return False
    full = _full(text)
    assert not isinstance(full, UserInputError), f"the fast parser read {quick.data!r}; the full parser: {full}"
    assert _typed(quick.data) == full
    return True


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_examples_take_the_fast_path_and_read_the_same(path: Path) -> None:
    assert assert_agrees(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_windows_line_ends_read_the_same(path: Path) -> None:
    assert assert_agrees(path.read_text(encoding="utf-8").replace("\n", "\r\n"))


READ_FAST = [
    "a: 1\nb: -12\nc: 0\n",
    "a: true\nb: False\nc: TRUE\n",
    "a:\nb: ~\nc: null\nd: NULL\n",
    "d: 2026-02-20\n",
    "a: 'yes'\nb: \"no\"\nc: '007'\n",
    "a: |\n  one\n   two\n\n  three\n\nb: >-\n  folded\n  text\n\n  para\n",
    "a: |+\n  keep\n\n\nb: >2\n   indented\n  x\n",
    "a: [x, 'y', {b: c}]\nb: {}\nc: []\n",
    "a: plain text, with commas, and a:colon\nb: http://example.com/x?y=1#z\n",
    "a: multi\n  line\n  plain\n",
    "a:\n- one\n- two\n-\n- - nested\n",
    "a: R&D and Q & A, 5 * 3\n",
    "a: été – “quotes” 🚀\n", "a: x\u00a0y\n",
    "'quoted key': 1\n\"dq key\": 2\n",
    "---\na: 1\n...\n",
    "a: 1 # comment\n# comment\nb: x#y\n",
    "{\"organization\": \"x\", \"practices\": {\"ml.a\": \"FI\"}, \"n\": 3}",
    "a: ?x\nb: x-\n",
]

GIVE_UP = [
    "a: yes\n", "a: no\n", "a: on\n", "a: Off\n", "a: y\n",  # booleans in YAML 1.1 only
    "a: 1.5\n", "a: 1e3\n", "a: .inf\n", "a: .nan\n", "a: 0x1f\n", "a: 0o17\n", "a: 007\n", "a: 1_000\n",
    "a: +5\n", "a: -x\n", "a: 1:20\n",
    "a: 2026-02-30\n", "a: 2026-1-5\n", "a: 2026-01-01 10:00:00\n",
    "a: &x 1\nb: *x\n", "a: !!str 5\n", "a: !custom x\n", "--- !tag\na: 1\n",
    "%YAML 1.1\n---\na: yes\n",
    "<<: {a: 1}\n", "a: =\n",
    "a: \"tab\\tescape\"\n", "a: \tb\n", "a: b\x85c\n", "\ufeffa: 1\n", "a: b\rc: d\n", "a: b\u2028c\n", "a: \x7f\n",
    "a: 1\na: 2\n", "1: a\n", "true: a\n", "? [a, b]\n: c\n",
    "{a:b}\n", "[a:b]\n",
    "", "# only a comment\n", "---\n---\n", "- a\n", "text\n", ">\n#\n",
    "a: [1, 2\n", "a: b: c\n", "a: @x\n",
    "a: a\n...\n...\n", "...\n...\n",  # a second document end marker (libyaml takes it, ruamel.yaml does not)
]


@pytest.mark.parametrize("text", READ_FAST)
def test_documents_the_fast_parser_reads(text: str) -> None:
    assert assert_agrees(text), f"the fast parser gave up on {text!r}"


@pytest.mark.parametrize("text", GIVE_UP)
def test_documents_the_fast_parser_leaves_to_the_full_parser(text: str) -> None:
    assert documents.fast_parse(text, "f.yaml") is None


# Random documents: YAML-ish lines built from tokens where YAML 1.1 and 1.2, libyaml and ruamel.yaml could differ.
TOKENS = [
    "a", "b", "key", "x y", "0", "1", "12", "-3", "+4", "007", "1.5", "1e3", ".5", "0x1f", "0o7", "1_0", "1:20",
    "yes", "no", "on", "off", "y", "n", "true", "false", "True", "null", "Null", "~", "", "2026-02-20",
    "2026-02-30", "2026-2-2", "<<", "=", "?", "-", ":", "#", "&a", "*a", "!", "!!str", "%", "@", "`", "|", ">",
    "|-", ">+", "'", "\"", "''", "\"\"", "'q'", "\"q\"", "[", "]", "{", "}", ",", "[a, b]", "{a: b}", "\\", "\t",
    "é", "–", "🚀", "\u00a0", "a#b", "a #b", "http://x", "a:b", "---", "...",
]
INDENTS = ["", "  ", "    ", "- ", "  - ", "? ", ": "]


@st.composite
def yamlish(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        indent = draw(st.sampled_from(INDENTS))
        parts = draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=4))
        separator = draw(st.sampled_from([": ", " ", ":", ", ", ""]))
        lines.append(indent + separator.join(parts))
    ending = draw(st.sampled_from(["\n", "\r\n", ""]))
    return ending.join(lines) + draw(st.sampled_from(["", "\n"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yamlish())
def test_random_yamlish_documents_agree(text: str) -> None:
    assert_agrees(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet="ab01-:?#&*!|>'\"[]{},. \n~%@\\\t\r", max_size=30))
def test_random_text_agrees(text: str) -> None:
    assert_agrees(text)


@st.composite
def mappings(draw: st.DrawFn, depth: int = 0) -> str:
    """Block mappings with plain, quoted and block-scalar values, nested."""
    out = []
    pad = "  " * depth
    for key in draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4, unique=True)):
        kind = draw(st.sampled_from(["plain", "single", "double", "literal", "folded", "list", "map", "flow",
                                     "multi", "flowmap", "comment"]))
        word = draw(st.sampled_from(TOKENS))
        if kind == "plain":
            out.append(f"{pad}{key}: {word}")
        elif kind == "multi":  # a plain, single- or double-quoted scalar over several lines
            quote = draw(st.sampled_from(["", "'", '"']))
            words = draw(st.lists(st.sampled_from(TOKENS + ["", " "]), min_size=2, max_size=4))
            indent = draw(st.sampled_from(["", " ", "  ", "    "]))
            out.append(f"{pad}{key}: {quote}{words[0]}")
            out.extend(f"{pad}{indent}{w}" for w in words[1:-1])
            out.append(f"{pad}{indent}{words[-1]}{quote}")
        elif kind == "flowmap":
            items = draw(st.lists(st.tuples(st.sampled_from(["k", "l", "'q'", '"d"', "m"]), st.sampled_from(TOKENS)),
                                  max_size=3, unique_by=lambda kv: kv[0]))
            joiner = draw(st.sampled_from([", ", ",\n" + pad + "  ", ",", " ,"]))
            out.append(f"{pad}{key}: {{{joiner.join(f'{k}: {v}' for k, v in items)}}}")
        elif kind == "comment":
            out.append(f"{pad}# {word}")
            out.append(f"{pad}{key}: {word} # {word}")
        elif kind == "single":
            out.append(f"{pad}{key}: '{word.replace(chr(39), chr(39) * 2)}'")
        elif kind == "double":
            out.append(f"{pad}{key}: \"{word}\"")
        elif kind in ("literal", "folded"):
            indicator = draw(st.sampled_from(["", "-", "+"]))
            body = draw(st.lists(st.sampled_from(["", word, " " + word, "text " + word, "# c", " # c"]),
                                 min_size=1, max_size=4))
            out.append(f"{pad}{key}: {'|' if kind == 'literal' else '>'}{indicator}")
            out.extend(f"{pad}  {line}" if line else "" for line in body)
            out.extend(draw(st.lists(st.sampled_from(["", "#c", " # c", f"{pad} # c", f"{pad}#c"]), max_size=2)))
        elif kind == "list":
            out.append(f"{pad}{key}:")
            out.extend(f"{pad}  - {item}" for item in draw(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=3)))
        elif kind == "map" and depth < 2:
            out.append(f"{pad}{key}:")
            out.append(draw(mappings(depth + 1)).rstrip("\n"))
        else:
            items = draw(st.lists(st.sampled_from(TOKENS), max_size=3))
            out.append(f"{pad}{key}: [{', '.join(items)}]")
    return "\n".join(out) + "\n"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mappings())
def test_random_block_documents_agree(text: str) -> None:
    assert_agrees(text)


def test_a_fact_file_read_fast_gives_the_same_fact_file(kb: KnowledgeBase) -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        assert load_fact_file(path, kb) == check_fact_file(documents.read(path), kb)


def test_problems_found_on_the_fast_path_are_located_by_the_full_parser(kb: KnowledgeBase) -> None:
    text = "organization: x\nassessed_on: 2026-01-01\npractices:\n  ml.no-such-practice: FI\n  ml.model-registry: XX\n"
    assert documents.fast_parse(text, "f.yaml") is not None
    with pytest.raises(UserInputError) as caught:
        parse_fact_text(text, "f.yaml", kb)
    assert [p.line for p in caught.value.problems] == [4, 5]


def test_dates_are_dates_on_both_paths(kb: KnowledgeBase) -> None:
    text = "organization: x\nassessed_on: 2026-01-31\npractices:\n  ml.model-registry: {status: FI, observed_on: 2026-01-02}\n"
    facts = parse_fact_text(text, "f.yaml", kb)
    assert facts.assessed_on == dt.date(2026, 1, 31)
    assert facts.practices["ml.model-registry"].observed_on == dt.date(2026, 1, 2)


V2_FACTS = """organization: x
assessed_on: 2026-01-31
practices:
  ml.model-registry: FI
  sup.supplier-agreements: {status: NA, reason: no suppliers}
model_practices:
  CM.SP1.2:
    status: LI
    rationale: baselines are tags in the data catalogue
    evidence: [catalogue export, release tags]
  GP2.3: {status: FI, rationale: a platform budget line}
  PPQA.GP2.2: {status: PI, rationale: 'QA plan: draft only'}
out_of_scope:
  SAM: no supplier agreements for delivered components
"""


def test_model_practices_and_out_of_scope_take_the_fast_path_and_read_the_same(kb: KnowledgeBase) -> None:
    assert assert_agrees(V2_FACTS)
    fast = check_fact_file(documents.fast_parse(V2_FACTS, "f.yaml"), kb)
    assert parse_fact_text(V2_FACTS, "f.yaml", kb) == fast == check_fact_file(documents.parse(V2_FACTS, "f.yaml"), kb)
    assert set(fast.model_practices) == {"CM.SP1.2", "GP2.3", "PPQA.GP2.2"}
    assert fast.model_practices["PPQA.GP2.2"].rationale == "QA plan: draft only"
    assert fast.out_of_scope == {"SAM": "no supplier agreements for delivered components"}


def test_warnings_found_on_the_fast_path_are_located_by_the_full_parser(kb: KnowledgeBase) -> None:
    """A merged practice id is a warning, and a warning names its line, whichever parser read the file first."""
    old, new = next(iter(kb.aliases.items()))
    text = f"organization: x\nassessed_on: 2026-01-01\npractices:\n  {old}: FI\n"
    assert documents.fast_parse(text, "f.yaml") is not None
    assert parse_fact_text(text, "f.yaml", kb).warnings == [
        f"f.yaml: line 4: practices.{old}: {old} was merged into {new}: read as {new}; rename it"]
# JSON: the full reader (documents.parse_json, line numbers) and the fast path (json.loads) read what json.loads
# reads, escapes and surrogate pairs included; text YAML does not allow is refused by both.

_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.text(max_size=6), _JSON_VALUES, max_size=5), st.sampled_from([None, 2, "\t"]),
       st.booleans(), st.sampled_from(["f.json", "f.yaml"]))
def test_random_json_documents_read_as_json_loads_reads_them(data: dict, indent: Any, ascii_only: bool,
                                                             name: str) -> None:
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    expected = json.loads(text)
    quick = documents.fast_parse(text, name)
    if any(documents._BAD_CHARACTER.search(s) for s in _strings(expected)):
        with pytest.raises(UserInputError, match="control character|not a character"):
            documents.parse(text, name)
        assert quick is None
        return
    assert _typed(documents.parse(text, name).data) == _typed(expected)
    assert quick is not None and _typed(quick.data) == _typed(expected)


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k, *_strings(v)]]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_json_lines_are_recorded() -> None:
    doc = documents.parse('{\n  "a": 1,\n  "b": [\n    "x",\n    {"c": 2}\n  ]\n}', "f.json")
    assert doc.lines == {("a",): 2, ("b",): 3, ("b", 0): 4, ("b", 1): 5, ("b", 1, "c"): 5}


@pytest.mark.parametrize("text", ['{"a": NaN}', '{"a": 1, "a": 2}', '{"a": "\\ud800"}', '{"a": 1} x', "[1]", "{'a': 1}"])
def test_json_the_fast_path_leaves_to_the_full_reader(text: str) -> None:
    assert documents.fast_parse(text, "f.json") is None


# What _unusual_text finds, as the one expression it was first written as (each part is now searched for alone),
# with the second document end marker it gives up on since.
UNUSUAL_AS_ONE_EXPRESSION = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]|\\|(?:^|[\s\[\]{},:])(?:[&*]\S|!)"
    r"|^%|[|>][-+0-9]*#|^\.\.\.(?s:.*)^\.\.\.",
    re.MULTILINE,
)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab :-#.\n\t\r\\&*!%|>[]{},0+~") + ["\u2028", "\ufeff", "\x7f", "é"]),
               max_size=16))
def test_unusual_text_is_the_one_expression(text: str) -> None:
    assert documents._unusual_text(text) == bool(UNUSUAL_AS_ONE_EXPRESSION.search(text))


@pytest.mark.parametrize("path", sorted(Path(__file__).resolve().parent.parent.glob("examples/*.yaml")),
                         ids=lambda p: p.stem)
def test_unusual_text_of_every_example_is_the_one_expression(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for piece in (text, text + "\n&anchor x", text + "\n%YAML 1.1", text.replace(": >", ": > #"), "!" + text,
                  text + "...\n"):
        assert documents._unusual_text(piece) == bool(UNUSUAL_AS_ONE_EXPRESSION.search(piece))
