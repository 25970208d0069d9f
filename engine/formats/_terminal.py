"""What every terminal rendering shares: a console of the right width and colour, and tables whose id columns
never split an id."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mlops_maturity.engine.formats import RenderOptions

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

MIN_WIDTH = 60
"""Narrower terminals are rendered at this width (and wrap)."""


def console(options: RenderOptions) -> tuple[Console, io.StringIO]:
    """A rich console writing into a buffer at the options' width, in colour only when asked for. Markup, emoji
    and highlighting are off: an assessor's ``[bold]`` is printed as written, never interpreted."""
    from rich.console import Console

    buffer = io.StringIO()
    width = max(MIN_WIDTH, options.width or 100)
    if options.color:
        return Console(file=buffer, width=width, force_terminal=True, color_system="standard", highlight=False,
                       markup=False, emoji=False, legacy_windows=False), buffer
    return Console(file=buffer, width=width, force_terminal=False, color_system=None, highlight=False,
                   markup=False, emoji=False), buffer


def longest(words: Iterable[str]) -> int:
    """The length of the longest line of any of ``words`` (0 for none)."""
    return max((len(line) for w in words for line in str(w).splitlines()), default=0)


def id_column(table: Table, header: str, ids: Iterable[str], **kwargs: object) -> None:
    """Add a column of ids: never wrapped or cut, as wide as its longest id."""
    table.add_column(header, no_wrap=True, min_width=max(len(header), longest(ids)), **kwargs)  # type: ignore[arg-type]


def text_console(width: int = 120) -> tuple[Console, io.StringIO]:
    """A plain-text console of a fixed width (no colour): the legacy fixed-width renderings until they take
    :class:`RenderOptions`."""
    return console(RenderOptions(width=width))


def width_of(options: RenderOptions | None, legacy: int) -> RenderOptions:
    """The options to render with: those given, with the document's default width when they name none."""
    if options is None:
        return RenderOptions(width=legacy)
    if options.width is None:
        from dataclasses import replace

        return replace(options, width=legacy)
    return options
