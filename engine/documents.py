"""Reading YAML/JSON documents with line numbers, duplicate-key detection and located pydantic errors."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from mlops_maturity.engine.errors import Problem, UserInputError

if TYPE_CHECKING:
    from pydantic import ValidationError
    from ruamel.yaml.constructor import DuplicateKeyError

# ruamel.yaml (pure Python, round-trip: line numbers) is imported by the functions that use it, on first use:
# a command that reads no user YAML, or reads it on the fast path (see :func:`fast_parse`), never pays for it.

Path_ = tuple[str | int, ...]


class Document:
    """A parsed document: plain Python data plus the line of every key and list item."""

    def __init__(self, name: str, data: Any, lines: dict[Path_, int]) -> None:
        self.name = name
        self.data = data
        self.lines = lines

    def line(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def problem(self, path: Path_, message: str) -> Problem:
        """A located problem at ``path``."""
        return Problem(self.name, dotted(path), message, self.line(path))


def dotted(path: Iterable[str | int]) -> str:
    """``('practices', 'ml.x', 'status')`` -> ``practices.ml.x.status``; list indexes in brackets."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _plain(node: Any, path: Path_, lines: dict[Path_, int], problems: list[Problem], name: str,
           budget: list[int] | None = None) -> Any:
    """Plain data from ruamel.yaml's, recording lines and problems of text; with a ``budget`` (a document with
    aliases), each value counts against it, every time an alias repeats it."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if budget is not None:
        budget[0] -= 1
        if budget[0] < 0:
            raise UserInputError([_too_many(name)])
    if isinstance(node, (CommentedMap, CommentedSeq)) and len(path) >= MAX_DEPTH:
        raise UserInputError([_too_deep(name, _nearest_line(lines, path))])
    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            text, wrong = _text(str(key))
            sub = (*path, text if wrong is None else _visible(text))
            try:
                lines[sub] = node.lc.key(key)[0] + 1
            except (KeyError, TypeError, AttributeError):
                pass
            if wrong is not None:
                problems.append(Problem(name, dotted(sub), f"the key {wrong}", _nearest_line(lines, sub)))
            out[text if not isinstance(key, (int, float, bool)) else key] = _plain(node[key], sub, lines, problems,
                                                                                   name, budget)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            sub = (*path, i)
            try:
                lines[sub] = node.lc.item(i)[0] + 1
            except (KeyError, TypeError, AttributeError):
                pass
            items.append(_plain(item, sub, lines, problems, name, budget))
        return items
    if isinstance(node, str):
        text, wrong = _text(str(node))
        if wrong is not None:
            problems.append(Problem(name, dotted(path), f"the text {wrong}", _nearest_line(lines, path)))
        return text
    return node


def _nearest_line(lines: dict[Path_, int], path: Path_) -> int | None:
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


# --- Limits and characters -----------------------------------------------------------------------------------------

MAX_DEPTH = 64
"""Mappings and lists may nest at most this many levels deep (a fact file needs 4, the knowledge base 6)."""

MAX_NODES = 200_000
"""A document with aliases may expand to at most this many values (aliases counted at every use)."""

MAX_BYTES = 2_000_000
"""An input file may have at most this many bytes (the largest shipped example has 26 KB; the YAML parser reads
2 MB in about 9 s)."""

_BAD_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
"""What YAML does not allow in a document's text (its printable set), whether written or escaped: control characters
other than tab, line feed, carriage return and next line, lone surrogates, U+FFFE and U+FFFF."""

_SURROGATE_PAIR = re.compile(r"[\ud800-\udbff][\udc00-\udfff]")


def _text(value: str) -> tuple[str, str | None]:
    """A scalar's text with escaped UTF-16 surrogate pairs (``"\\ud83d\\ude00"``, as JSON writes a character outside
    the Basic Multilingual Plane) joined into the character they encode, as JSON reads them; and what is wrong
    with the text, or ``None``."""
    if not _BAD_CHARACTER.search(value):
        return value, None
    value = _SURROGATE_PAIR.sub(lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), value)
    bad = _BAD_CHARACTER.search(value)
    return value, None if bad is None else _character_problem(bad.group())


def _character_problem(char: str) -> str:
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return (f"contains {_escape(char)}, half of a UTF-16 surrogate pair without its other half (not a character; "
                "write the character itself, or escape both halves)")
    if code in (0xFFFE, 0xFFFF):
        return f"contains {_escape(char)}, which is not a character"
    return f"contains the control character {_escape(char)} (only tabs and line breaks are allowed)"


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _visible(text: str) -> str:
    """``text`` with every character YAML does not allow escaped (for messages)."""
    return _BAD_CHARACTER.sub(lambda m: _escape(m.group()), text)


def _line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _check_text(text: str, name: str) -> None:
    """Size and characters of a document's text, before any parser sees it (each bad line reported once)."""
    if len(text) > MAX_BYTES:
        raise UserInputError([_too_large(name, len(text.encode("utf-8", "surrogatepass")))])
    if not _BAD_CHARACTER.search(text):
        return
    problems: list[Problem] = []
    for match in _BAD_CHARACTER.finditer(text):
        line = _line_at(text, match.start())
        if not problems or problems[-1].line != line:
            problems.append(Problem(name, "", _character_problem(match.group()), line))
    raise UserInputError(problems)


def _too_large(name: str, size: int) -> Problem:
    return Problem(name, "", f"too large: {size:,} bytes; an input file may have at most {MAX_BYTES:,}")


def _too_deep(name: str, line: int | None) -> Problem:
    return Problem(name, "", f"nested deeper than {MAX_DEPTH} levels (mappings and lists within each other)", line)


def _too_many(name: str) -> Problem:
    return Problem(name, "", f"the document expands to more than {MAX_NODES:,} values through YAML aliases (*name); "
                   "write the values out instead")


def _check_structure(text: str, name: str) -> None:
    """Reject nesting deeper than :data:`MAX_DEPTH`, and aliases expanding to more than :data:`MAX_NODES` values,
    before the recursive YAML parser meets them: on libyaml's event stream, read without recursion and without
    expanding an alias (an anchor defined again counts from there on, as ruamel.yaml reads it). A document libyaml
    cannot read is left to the full parser, which reports why (and :func:`_plain` counts what aliases expand to)."""
    start = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    end = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    node = (yaml.ScalarEvent, yaml.AliasEvent)
    count_aliases = "*" in text
    open_sizes: list[int] = [0]  # the values within each open collection so far (and the documents' at the bottom)
    anchors: list[str | None] = []
    sizes: dict[str, int] = {}
    try:
        for event in yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if isinstance(event, start):
                if len(anchors) >= MAX_DEPTH:
                    raise UserInputError([_too_deep(name, event.start_mark.line + 1 if event.start_mark else None)])
                open_sizes.append(1)
                anchors.append(event.anchor)
            elif isinstance(event, end):
                size = open_sizes.pop()
                anchor = anchors.pop()
                if anchor is not None:
                    sizes[anchor] = size
                open_sizes[-1] += size
            elif count_aliases and isinstance(event, node):
                size = sizes.get(event.anchor or "", 0) if isinstance(event, yaml.AliasEvent) else 1
                if isinstance(event, yaml.ScalarEvent) and event.anchor is not None:
                    sizes[event.anchor] = 1
                open_sizes[-1] += size
            if count_aliases and open_sizes[-1] > MAX_NODES:
                raise UserInputError([_too_many(name)])
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in str(exc.problem) and exc.problem_mark is not None:  # libyaml's own limit
            raise UserInputError([_too_deep(name, exc.problem_mark.line + 1)]) from None
    except (yaml.YAMLError, ValueError):
        return


def parse(text: str, name: str) -> Document:
    """Parse YAML or JSON text; syntax errors, duplicate keys, nesting deeper than :data:`MAX_DEPTH`, characters
    YAML does not allow and alias bombs become located :class:`UserInputError` s.

    A ``.json`` file, and text that is a JSON document, is read as JSON (:func:`parse_json`): YAML 1.2 is meant to
    read JSON alike, but the YAML parser reads ``"\\ud83d\\ude00"`` as two lone surrogates, not one emoji.
    """
    _check_text(text, name)
    if _is_json_name(name) or text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        doc = parse_json(text, name, strict=_is_json_name(name))
        if doc is not None:
            return doc
    _check_structure(text, name)
    import warnings

    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    loader = YAML(typ="rt")
    loader.allow_duplicate_keys = False
    try:
        with warnings.catch_warnings():  # an anchor defined again (valid YAML 1.2): no multi-line warning on stderr
            warnings.simplefilter("ignore")
            raw = loader.load(text)
    except DuplicateKeyError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        key = _duplicate_key(exc)
        raise UserInputError([Problem(name, key, "duplicate key (each key may appear once)", line)]) from None
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        tab = _tab_indented_line(text, exc)
        if tab is not None:
            raise UserInputError([Problem(name, "", "indent with spaces, not tabs (YAML does not allow tabs in "
                                          "indentation)", tab)]) from None
        what = (exc.problem or exc.context or "syntax error").strip()
        if "'\\t'" in what:  # a tab elsewhere than in the indentation, where this parser takes only spaces
            what = "a tab where only a space is allowed; use spaces"
        raise UserInputError([Problem(name, "", f"not valid YAML/JSON: {what}", line)]) from None
    except YAMLError as exc:
        raise UserInputError([Problem(name, "", f"not valid YAML/JSON: {exc}")]) from None
    except RecursionError:  # _check_structure could not read the document; the YAML parser recursed too deep
        raise UserInputError([_too_deep(name, None)]) from None
    except (ValueError, OverflowError) as exc:
        # ruamel builds dates while parsing: ``2026-13-45`` fails here, not in validation, and without a mark.
        line, field = _impossible_date(text)
        if line is None:  # not a date: an integer of more digits than Python converts, ...
            raise UserInputError([Problem(name, "", f"not valid YAML/JSON: a value cannot be read: {exc}")]) from None
        raise UserInputError([Problem(name, field, f"not a valid date: {exc} (dates are YYYY-MM-DD)", line)]) from None
    lines: dict[Path_, int] = {}
    problems: list[Problem] = []
    data = _plain(raw, (), lines, problems, name, [MAX_NODES] if "*" in text else None)
    if problems:
        raise UserInputError(problems)
    return Document(name, data, lines)


def _tab_indented_line(text: str, exc: Any) -> int | None:
    """The line of the tab that caused a YAML syntax error: one in the indentation of the lines from the error's
    context to its problem, or ``None``."""
    marks = [m.line for m in (exc.context_mark, exc.problem_mark) if m is not None]
    if not marks:
        return None
    lines = text.splitlines()
    for number in range(min(marks), min(max(marks), len(lines) - 1) + 1):
        line = lines[number]
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))]:
            return number + 1
    return None


def _is_json_name(name: str) -> bool:
    return name.lower().endswith(".json")


# --- JSON --------------------------------------------------------------------------------------------------------

_JSON_SPACE = re.compile(r"[ \t\n\r]*")


class _Json:
    """A JSON reader recording the line of every key and list item. Strings and numbers are read by the json
    module's own scanner functions (the same escapes, surrogate pairs and numbers as ``json.loads``); nesting is
    limited to :data:`MAX_DEPTH`, so it never recurses further."""

    def __init__(self, text: str, name: str) -> None:
        import bisect

        # The C scanner when there is one, as json.decoder picks it; typeshed does not declare the name.
        from json.decoder import scanstring  # type: ignore[attr-defined]
        from json.scanner import NUMBER_RE

        self.text, self.name = text, name
        self.lines: dict[Path_, int] = {}
        self.problems: list[Problem] = []
        self.scanstring, self.number = scanstring, NUMBER_RE
        starts = [m.end() for m in re.finditer("\n", text)]
        self.line = lambda pos: bisect.bisect_right(starts, pos) + 1

    def error(self, message: str, pos: int) -> Exception:
        from json import JSONDecodeError

        return JSONDecodeError(message, self.text, pos)

    def space(self, pos: int) -> int:
        return _JSON_SPACE.match(self.text, pos).end()  # type: ignore[union-attr]

    def string(self, pos: int) -> tuple[str, int]:
        return self.scanstring(self.text, pos + 1, True)

    def document(self) -> Any:
        start = 1 if self.text.startswith("\ufeff") else 0
        value, pos = self.value(self.space(start), (), 0)
        pos = self.space(pos)
        if pos != len(self.text):
            raise self.error("Extra data", pos)
        return value

    def value(self, pos: int, path: Path_, depth: int) -> tuple[Any, int]:
        text = self.text
        char = text[pos:pos + 1]
        if char == '"':
            value, end = self.string(pos)
            fixed, wrong = _text(value)
            if wrong is not None:
                self.problems.append(Problem(self.name, dotted(path), f"the text {wrong}",
                                             _nearest_line(self.lines, path) or self.line(pos)))
            return fixed, end
        if char in ("{", "["):
            if depth >= MAX_DEPTH:
                raise UserInputError([_too_deep(self.name, self.line(pos))])
            return (self.mapping if char == "{" else self.sequence)(pos + 1, path, depth + 1)
        for word, constant in (("null", None), ("true", True), ("false", False)):
            if text.startswith(word, pos):
                return constant, pos + len(word)
        match = self.number.match(text, pos)
        if match is None:
            raise self.error("Expecting value", pos)
        integer, fraction, exponent = match.groups()
        try:
            number = float(integer + (fraction or "") + (exponent or "")) if fraction or exponent else int(integer)
        except ValueError as exc:  # more digits than Python converts
            raise UserInputError([Problem(self.name, dotted(path), f"a value cannot be read: {exc}",
                                          self.line(pos))]) from None
        return number, match.end()

    def mapping(self, pos: int, path: Path_, depth: int) -> tuple[dict[str, Any], int]:
        text, out = self.text, dict[str, Any]()
        pos = self.space(pos)
        if text[pos:pos + 1] == "}":
            return out, pos + 1
        while True:
            if text[pos:pos + 1] != '"':
                raise self.error("Expecting property name enclosed in double quotes", pos)
            line = self.line(pos)
            raw, pos = self.string(pos)
            key, wrong = _text(raw)
            sub = (*path, key if wrong is None else _visible(key))
            if key in out:
                raise UserInputError([Problem(self.name, key, "duplicate key (each key may appear once)", line)])
            self.lines[sub] = line
            if wrong is not None:
                self.problems.append(Problem(self.name, dotted(sub), f"the key {wrong}", line))
            pos = self.space(pos)
            if text[pos:pos + 1] != ":":
                raise self.error("Expecting ':' delimiter", pos)
            out[key], pos = self.value(self.space(pos + 1), sub, depth)
            pos = self.space(pos)
            if text[pos:pos + 1] == "}":
                return out, pos + 1
            if text[pos:pos + 1] != ",":
                raise self.error("Expecting ',' delimiter", pos)
            pos = self.space(pos + 1)

    def sequence(self, pos: int, path: Path_, depth: int) -> tuple[list[Any], int]:
        text, out = self.text, list[Any]()
        pos = self.space(pos)
        if text[pos:pos + 1] == "]":
            return out, pos + 1
        while True:
            sub = (*path, len(out))
            self.lines[sub] = self.line(pos)
            value, pos = self.value(pos, sub, depth)
            out.append(value)
            pos = self.space(pos)
            if text[pos:pos + 1] == "]":
                return out, pos + 1
            if text[pos:pos + 1] != ",":
                raise self.error("Expecting ',' delimiter", pos)
            pos = self.space(pos + 1)


def parse_json(text: str, name: str, strict: bool = True) -> Document | None:
    """Parse JSON text with line numbers (see :class:`_Json`). A syntax error is a located
    :class:`UserInputError`, or, when not ``strict``, ``None`` (the text is not JSON; the caller reads it as YAML)."""
    from json import JSONDecodeError

    _check_text(text, name)
    reader = _Json(text, name)
    try:
        data = reader.document()
    except JSONDecodeError as exc:
        if not strict:
            return None
        message = exc.msg[:1].lower() + exc.msg[1:]
        raise UserInputError([Problem(name, "", f"not valid JSON: {message}", exc.lineno)]) from None
    if reader.problems:
        raise UserInputError(reader.problems)
    return Document(name, data, reader.lines)


_DATE = re.compile(r"(?<![\w-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w-])")
_KEY_BEFORE = re.compile(r"([\w.-]+)\s*:\s*['\"]?$")


def _impossible_date(text: str) -> tuple[int | None, str]:
    """The line and key of the first date-shaped value that is not a real date (for ruamel's unmarked error)."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _DATE.finditer(line.split("#", 1)[0]):
            year, month, day = (int(part) for part in match.groups())
            try:
                dt.date(year, month, day)
            except ValueError:
                key = _KEY_BEFORE.search(line[: match.start()])
                return number, key.group(1) if key else ""
    return None, ""


def _duplicate_key(exc: DuplicateKeyError) -> str:
    problem = exc.problem or ""
    if 'found duplicate key "' in problem:
        return problem.split('found duplicate key "', 1)[1].split('"', 1)[0]
    return ""


def read(path: Path) -> Document:
    """Read and parse a file; a missing or unreadable file is a :class:`UserInputError`."""
    return parse(read_text(path), str(path))


def read_text(path: Path) -> str:
    """A file's text; a missing, unreadable or non-UTF-8 file is a :class:`UserInputError`."""
    return decode_text(read_bytes(path), str(path))


def read_bytes(path: Path) -> bytes:
    """A file's content (at most ``MAX_BYTES``); a missing or unreadable file is a :class:`UserInputError`."""
    name = str(path)
    try:
        # The file descriptor itself, not a buffered file object (half the cost for each of the knowledge base's
        # files, read by every command). Asking for MAX_BYTES + 1 at once allocates that much for every file (a
        # tenth of a millisecond each): ask for what the file holds, then for the rest until it ends, should it
        # hold more (a pipe, a growing file), MAX_BYTES + 1 at most.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            wanted = min(os.fstat(fd).st_size, MAX_BYTES) + 1
            chunks = []
            got = 0
            while got <= MAX_BYTES:
                chunk = os.read(fd, wanted)
                if not chunk:
                    break
                chunks.append(chunk)
                got += len(chunk)
                wanted = MAX_BYTES + 1 - got
        finally:
            os.close(fd)
        content = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if len(content) > MAX_BYTES:
            size = path.stat().st_size if path.is_file() else len(content)
            raise UserInputError([_too_large(name, max(size, len(content)))])
        return content
    except FileNotFoundError:
        raise UserInputError([Problem(name, "", "file not found")]) from None
    except IsADirectoryError:
        raise UserInputError([Problem(name, "", "is a directory, expected a YAML or JSON file")]) from None
    except OSError as exc:
        raise UserInputError([Problem(name, "", f"cannot be read: {exc.strerror}")]) from None


def decode_text(content: bytes, name: str) -> str:
    """The text of a file's content (:func:`read_bytes`); content that is not UTF-8 is a :class:`UserInputError`."""
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserInputError([Problem(name, "", f"not UTF-8 text ({exc.reason})")]) from None


def validation_problems(doc: Document, error: ValidationError, prefix: Path_ = ()) -> list[Problem]:
    """Flatten a pydantic error into located ``field: message`` problems."""
    problems = []
    missing_siblings: dict[tuple[Any, ...], list[str]] = {}
    for item in error.errors():
        if item["type"] == "missing" and item["loc"]:
            missing_siblings.setdefault(tuple(item["loc"][:-1]), []).append(str(item["loc"][-1]))
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # Union members add their class names to the location; drop them.
        loc = tuple(p for p in loc if not (isinstance(p, str) and p[:1].isupper() and p.endswith("Condition")))
        path = (*prefix, *loc)
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown field" + suggest(str(item["loc"][-1]), missing_siblings.get(tuple(item["loc"][:-1]), []))
        elif item["type"] == "missing":
            message = "required field is missing"
        problems.append(doc.problem(path, message))
    return problems


def suggest(word: object, candidates: Iterable[str]) -> str:
    """``; did you mean X?`` for the closest candidate, or an empty string."""
    if not isinstance(word, str):
        return ""
    candidates = [c for c in candidates if isinstance(c, str)]
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    if not matches:
        lowered = {c.lower(): c for c in candidates}
        if word.lower() in lowered:
            matches = [lowered[word.lower()]]
    return f"; did you mean {matches[0]}?" if matches else ""


class _FastLoader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
    """PyYAML's libyaml loader (several times faster than ruamel's pure-Python one), rejecting duplicate keys."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def fast_load(text: str, name: str) -> Any:
    """Parse without line tracking (libyaml, for the knowledge base); any error falls back to :func:`parse`,
    which raises the located error."""
    try:
        data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
        return parse(text, name).data
    if not _clean(data, 0):
        return parse(text, name).data
    return data


def _clean(value: Any, depth: int) -> bool:
    """Whether data read without :func:`parse` keeps to its limits: nesting within :data:`MAX_DEPTH`, at most
    :data:`MAX_NODES` values (aliases counted at every use), no text with characters YAML does not allow."""
    stack = [(value, depth)]
    budget = MAX_NODES
    while stack:
        item, level = stack.pop()
        budget -= 1
        if budget < 0:
            return False
        if isinstance(item, str):
            if _BAD_CHARACTER.search(item):
                return False
        elif isinstance(item, (dict, list)):
            if level >= MAX_DEPTH:
                return False
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return True


# --- The fast path for user documents ---------------------------------------------------------------------------
#
# ruamel.yaml's round-trip parser (YAML 1.2, line numbers) is pure Python: a 20 KB fact file takes it over 100 ms,
# most of a cold ``maturity assess``. libyaml parses the same file in a few milliseconds but speaks YAML 1.1
# (``yes`` is a boolean there, ``010`` an octal number). :func:`fast_parse` uses libyaml only to find the structure
# and reads every plain scalar itself, and only where the two parsers cannot disagree; anything else (tags,
# anchors, aliases, directives, escapes, tabs, numbers other than plain decimal integers, words that either YAML
# version reads as a boolean or null, duplicate keys, a syntax error, ...) makes it give up and the caller parses
# with :func:`parse`. It records no line numbers: a caller that finds a problem re-parses with :func:`parse` to
# locate it (see ``facts.parse_fact_text``).

# What makes the fast path give up, in the text (see :func:`_unusual_text`): each part is searched for alone,
# since the regular expression engine tries every alternative at every position of the text (one expression
# with them all took ~2.5 ms on a 20 KB fact file, the parts together ~0.6 ms).
_UNUSUAL_CHARACTER = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff"  # tabs, CR, controls, BOM, ...
    r"\\]"  # escapes of double-quoted scalars (the parsers do not accept the same set)
)
_ANCHOR_OR_TAG_CHARACTER = re.compile(r"[&*!]")
_ANCHOR_OR_TAG = re.compile(r"(?<![^\s\[\]{},:])(?:[&*]\S|!)")  # at a line's start or after a space or [ ] { } , :
_COMMENT_AFTER_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*#")  # libyaml takes it, ruamel.yaml does not


def _unusual_text(text: str) -> bool:
    """Whether ``text`` holds what the fast path does not read as :func:`parse` does: tabs, carriage returns,
    controls, a BOM, ...; escapes; anchors, aliases and tags; directives (``%YAML 1.1`` changes how ruamel.yaml
    reads scalars); a comment right after a block scalar's header; a second document end marker (``...``: libyaml
    takes it, ruamel.yaml does not)."""
    return bool(_UNUSUAL_CHARACTER.search(text) or text.startswith("%") or "\n%" in text
                or text.startswith("...") + text.count("\n...") > 1
                or _COMMENT_AFTER_BLOCK_HEADER.search(text)
                or (_ANCHOR_OR_TAG_CHARACTER.search(text) and _ANCHOR_OR_TAG.search(text)))


_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_OTHER_SPECIAL = frozenset((  # YAML 1.1 booleans (strings in 1.2), merge and value keys
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "<<", "=",
))
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class _GiveUp(Exception):
    """The fast path cannot be sure to read the document as :func:`parse` does."""


def _composer() -> type | None:
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    from yaml._yaml import CParser  # what yaml.cyaml's loaders are built on

    class Composer(CParser):
        """libyaml's parser and composer; tags are left unresolved (plain scalars are read by ``_plain_scalar``)."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            return ""

        def descend_resolver(self, parent: Any, index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

    return Composer


_COMPOSER: list[type | None] = []


def _plain_scalar(value: str, in_flow: bool) -> Any:
    """A plain (unquoted) scalar as ruamel.yaml reads it under YAML 1.2, or :class:`_GiveUp`."""
    if value in _NULLS:
        return None
    if value in _BOOLEANS:
        return _BOOLEANS[value]
    if value in _OTHER_SPECIAL or (in_flow and ":" in value):
        raise _GiveUp
    if value[0] in "-+.0123456789":  # numbers, dates and timestamps
        if _INTEGER.fullmatch(value):
            return int(value)
        date = _DATE.fullmatch(value)
        if date:
            try:
                return dt.date(*(int(part) for part in date.groups()))
            except ValueError:
                raise _GiveUp from None  # parse() reports where
        raise _GiveUp
    return value


def _fast_node(node: Any, in_flow: bool, seen: set[int], depth: int = 0) -> Any:
    if id(node) in seen:  # an alias (excluded before parsing; checked again)
        raise _GiveUp
    if depth >= MAX_DEPTH and not isinstance(node, yaml.ScalarNode):  # nested too deep: parse() says where
        raise _GiveUp
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if not node.style:  # plain: libyaml says "", PyYAML None
            return _plain_scalar(node.value, in_flow)
        return node.value  # quoted, literal or folded: always a string
    in_flow = in_flow or bool(node.flow_style)
    if isinstance(node, yaml.SequenceNode):
        return [_fast_node(item, in_flow, seen, depth + 1) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _fast_node(key_node, in_flow, seen) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key in out:  # complex, non-text or duplicate keys: parse() decides
                raise _GiveUp
            out[key] = _fast_node(value_node, in_flow, seen, depth + 1)
        return out
    raise _GiveUp


def fast_parse(text: str, name: str) -> Document | None:
    """The document as :func:`parse` reads it, without line numbers, through libyaml; ``None`` when the fast path
    does not apply (the caller then uses :func:`parse`, which also reports any error)."""
    if len(text) > MAX_BYTES:
        return None
    if _is_json_name(name) or text.lstrip("\ufeff \t\r\n")[:1] in ("{", "["):
        data = _fast_json(text)
        if data is not None or _is_json_name(name):
            return None if data is None else Document(name, data, {})
    if not _COMPOSER:
        _COMPOSER.append(_composer())
    composer = _COMPOSER[0]
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # both parsers read a line break the same; a lone CR gives up below
    if composer is None or _unusual_text(text):
        return None
    loader = composer(text)
    try:
        root = loader.get_single_node()
        if not isinstance(root, yaml.MappingNode):  # empty, or not a mapping (not a fact file; parse() says why)
            return None
        return Document(name, _fast_node(root, False, set()), {})
    except (_GiveUp, yaml.YAMLError, ValueError, OverflowError, RecursionError):
        return None
    finally:
        loader.dispose()


def _fast_json(text: str) -> dict[str, Any] | None:
    """A JSON document read by ``json.loads`` as :func:`parse_json` reads it, or ``None`` when it is not a mapping,
    not JSON, or breaks a limit (the full reader then reports where)."""
    import json

    def give_up(*_: Any) -> Any:
        raise _GiveUp

    def mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) != len(pairs):  # a duplicate key
            raise _GiveUp
        return out

    try:
        data = json.loads(text.removeprefix("\ufeff"), object_pairs_hook=mapping, parse_constant=give_up)
    except (_GiveUp, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) and _clean(data, 0) else None
