"""The presentation layer: every document the tool produces, in every output format, from one place.

A *document* is one data object the engine builds: an assessment (:class:`~mlops_maturity.engine.results.Assessment`),
a roadmap (:class:`~mlops_maturity.engine.roadmap.Roadmap`), an explanation (``LevelExplanation``,
``PracticeExplanation``, ``FrameworkExplanation`` of :mod:`~mlops_maturity.engine.explain`) or the crosswalk
(:class:`~mlops_maturity.engine.crosswalk.Crosswalk`). Nothing here computes: a format only arranges what the
document holds, with the words of :mod:`~mlops_maturity.engine.words`.

A *format* is one public module of this package (``json``, ``markdown``, ``table``, ``csv``, ...): it declares the
document kinds it renders in ``KINDS`` and renders them with ``render(document, kind, options)``, returning text
(or bytes for a binary format). Markdown and HTML come from the Jinja templates in ``engine/templates/<format>/``.
Adding a format is adding one module here (and its templates): :func:`names` finds it, and every command that
renders a kind it lists offers it under ``--format``. Modules whose name starts with ``_`` are parts of a format,
not formats.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import os
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

KINDS_BY_TYPE = {
    "Assessment": "assessment",
    "Roadmap": "roadmap",
    "LevelExplanation": "explanation",
    "PracticeExplanation": "explanation",
    "FrameworkExplanation": "explanation",
    "Crosswalk": "crosswalk",
}
"""Document class name -> its kind."""


@dataclass(frozen=True)
class RenderOptions:
    """How to render, beside what: the terminal's width and colour, and the views a command asked for.

    The CLI fills these in from its options and the terminal; the engine never looks at a terminal itself."""

    width: int | None = None
    """Columns available (terminal formats): no line is wider, no id is split. ``None``: not a terminal (output
    to a pipe or file); each document uses its own default width."""
    color: bool = False
    """Whether the terminal shows colour (and ``NO_COLOR`` is unset)."""
    details: bool = False
    """The full tables (``assess --details``), not the one-screen summary."""
    sections: tuple[str, ...] = ()
    """Only these sections, in this order (``assess --section``); empty: the view's default sections."""
    brief: bool = False
    """Without guidance and evidence-of-done (``roadmap --brief``)."""
    trace: bool = False
    """With the rules that derived each fact (``why/how --trace``, ``assess --format json --trace``)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Format-specific settings (documented by the format that reads them)."""


def kind_of(document: object) -> str:
    """The kind of a document (``assessment``, ``roadmap``, ``explanation``, ``crosswalk``)."""
    name = type(document).__name__
    try:
        return KINDS_BY_TYPE[name]
    except KeyError:
        raise TypeError(f"not a document: {name}") from None


@cache
def names() -> tuple[str, ...]:
    """Every format, by module name, sorted (without importing them).

    The modules of this package that ``pkgutil.iter_modules`` lists (a file with a module suffix, a directory with
    an ``__init__`` module), found with ``os.listdir``: importing pkgutil cost every command ~1 ms."""
    suffixes = sorted(importlib.machinery.all_suffixes(), key=len, reverse=True)  # as inspect.getmodulename
    found = set()
    for directory in __path__:
        try:
            entries = os.listdir(directory)
        except OSError:
            continue
        for entry in entries:
            if entry.startswith("_"):
                continue
            suffix = next((s for s in suffixes if entry.endswith(s)), None)
            if suffix is not None:
                name = entry[:-len(suffix)]
            elif any(os.path.isfile(os.path.join(directory, entry, "__init__" + s)) for s in suffixes):
                name = entry
            else:
                continue
            if name.isidentifier():
                found.add(name)
    return tuple(sorted(found))


def module(name: str) -> ModuleType:
    """The module of format ``name``.

    Raises:
        KeyError: no such format.
    """
    if name not in names():
        raise KeyError(name)
    return importlib.import_module(f"{__name__}.{name}")


@cache
def formats_for(kind: str) -> tuple[str, ...]:
    """The formats that render documents of ``kind``, sorted."""
    return tuple(n for n in names() if kind in module(n).KINDS)


def render(name: str, document: object, options: RenderOptions | None = None) -> str | bytes:
    """``document`` in format ``name``.

    Raises:
        KeyError: no such format, or it does not render this kind of document.
    """
    kind = kind_of(document)
    fmt = module(name)
    if kind not in fmt.KINDS:
        raise KeyError(f"{name} does not render {kind}")
    result: str | bytes = fmt.render(document, kind, options or RenderOptions())
    return result
