"""Reading YAML/JSON documents with line numbers, duplicate-key detection and located pydantic errors."""

from __future__ import annotations

import datetime as dt
import difflib
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


def _plain(node: Any, path: Path_, lines: dict[Path_, int]) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            sub = (*path, str(key))
            try:
                lines[sub] = node.lc.key(key)[0] + 1
            except (KeyError, TypeError, AttributeError):
                pass
            out[str(key) if not isinstance(key, (int, float, bool)) else key] = _plain(node[key], sub, lines)
        return out
    if isinstance(node, CommentedSeq):
        items = []
        for i, item in enumerate(node):
            sub = (*path, i)
            try:
                lines[sub] = node.lc.item(i)[0] + 1
            except (KeyError, TypeError, AttributeError):
                pass
            items.append(_plain(item, sub, lines))
        return items
    if isinstance(node, str):
        return str(node)
    return node


MAX_NODES = 200_000
"""A document may expand to at most this many YAML nodes (aliases counted at every use)."""


def _expanded_size(text: str) -> int:
    """How many nodes the document has once every alias is expanded, computed without expanding it."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (yaml.YAMLError, ValueError):
        return 0  # the real parser reports the error, with its location
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key not in sizes:
            sizes[key] = 0  # a recursive alias counts once; the parser rejects it anyway
            if isinstance(node, yaml.MappingNode):
                sizes[key] = 1 + sum(size(k) + size(v) for k, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                sizes[key] = 1 + sum(size(v) for v in node.value)
            else:
                sizes[key] = 1
        return sizes[key]

    return size(root) if root is not None else 0


def parse(text: str, name: str) -> Document:
    """Parse YAML (or JSON, a subset) text; syntax errors and duplicate keys become :class:`UserInputError`."""
    if "*" in text and _expanded_size(text) > MAX_NODES:
        raise UserInputError([Problem(name, "", f"the document expands to more than {MAX_NODES:,} values through "
                                      "YAML aliases (*name); write the values out instead")])
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    loader = YAML(typ="rt")
    loader.allow_duplicate_keys = False
    try:
        raw = loader.load(text)
    except DuplicateKeyError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        key = _duplicate_key(exc)
        raise UserInputError([Problem(name, key, "duplicate key (each key may appear once)", line)]) from None
    except MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        what = (exc.problem or exc.context or "syntax error").strip()
        raise UserInputError([Problem(name, "", f"not valid YAML/JSON: {what}", line)]) from None
    except YAMLError as exc:
        raise UserInputError([Problem(name, "", f"not valid YAML/JSON: {exc}")]) from None
    except (ValueError, OverflowError) as exc:
        # ruamel builds dates while parsing: ``2026-13-45`` fails here, not in validation, and without a mark.
        line, field = _impossible_date(text)
        raise UserInputError([Problem(name, field, f"not a valid date: {exc} (dates are YYYY-MM-DD)", line)]) from None
    lines: dict[Path_, int] = {}
    return Document(name, _plain(raw, (), lines), lines)


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
    name = str(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserInputError([Problem(name, "", "file not found")]) from None
    except IsADirectoryError:
        raise UserInputError([Problem(name, "", "is a directory, expected a YAML or JSON file")]) from None
    except UnicodeDecodeError as exc:
        raise UserInputError([Problem(name, "", f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise UserInputError([Problem(name, "", f"cannot be read: {exc.strerror}")]) from None


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
        return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a safe loader
    except (yaml.YAMLError, ValueError, OverflowError):
        return parse(text, name).data


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

_UNUSUAL_TEXT = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"  # tabs, CR, controls, BOM, ...
    r"|\\"  # escapes of double-quoted scalars (the parsers do not accept the same set)
    r"|(?:^|[\s\[\]{},:])(?:[&*]\S|!)"  # anchors, aliases and tags
    r"|^%"  # directives (%YAML 1.1 changes how ruamel.yaml reads scalars)
    r"|[|>][-+0-9]*#",  # a comment right after a block scalar's header (libyaml takes it, ruamel.yaml does not)
    re.MULTILINE,
)
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
    from yaml.cyaml import CParser

    class Composer(CParser):  # type: ignore[misc, valid-type]
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


def _fast_node(node: Any, in_flow: bool, seen: set[int]) -> Any:
    if id(node) in seen:  # an alias (excluded before parsing; checked again)
        raise _GiveUp
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if not node.style:  # plain: libyaml says "", PyYAML None
            return _plain_scalar(node.value, in_flow)
        return node.value  # quoted, literal or folded: always a string
    in_flow = in_flow or bool(node.flow_style)
    if isinstance(node, yaml.SequenceNode):
        return [_fast_node(item, in_flow, seen) for item in node.value]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _fast_node(key_node, in_flow, seen) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key in out:  # complex, non-text or duplicate keys: parse() decides
                raise _GiveUp
            out[key] = _fast_node(value_node, in_flow, seen)
        return out
    raise _GiveUp


def fast_parse(text: str, name: str) -> Document | None:
    """The document as :func:`parse` reads it, without line numbers, through libyaml; ``None`` when the fast path
    does not apply (the caller then uses :func:`parse`, which also reports any error)."""
    if not _COMPOSER:
        _COMPOSER.append(_composer())
    composer = _COMPOSER[0]
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # both parsers read a line break the same; a lone CR gives up below
    if composer is None or _UNUSUAL_TEXT.search(text):
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
