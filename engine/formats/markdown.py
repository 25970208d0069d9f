"""Markdown, from the Jinja templates in ``engine/templates/markdown/<kind>.md.j2``.

The templates see the document as ``doc``, the render options as ``options``, and the vocabulary of
:mod:`~mlops_maturity.engine.words` as filters (``md`` escapes a table cell, ``rating``, ``characterization``,
``practice_class``, ``capability``, ``effort``, ``rounded``, ``plural``) and as the global ``words``. A kind without a
template yet is rendered by its part module (being moved to templates)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from mlops_maturity.engine import words
from mlops_maturity.engine.formats import RenderOptions

KINDS = frozenset({"assessment", "roadmap", "explanation", "crosswalk"})

FILTERS = {
    "md": words.md_cell,
    "rating": words.rating,
    "characterization": words.characterization,
    "practice_class": words.practice_class,
    "capability": words.capability,
    "effort": words.effort,
    "approx_effort": words.approx_effort,
    "rounded": words.rounded,
    "plain_number": words.plain_number,
    "plural": words.plural,
    "listing": words.listing,
}


@cache
def environment() -> Any:
    """The Jinja environment of the built-in Markdown templates (trusted: shipped with the tool)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mlops_maturity.engine", "templates/markdown"),
        autoescape=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(FILTERS)
    env.globals["words"] = words
    return env


def _template(kind: str) -> Any:
    import jinja2

    try:
        return environment().get_template(f"{kind}.md.j2")
    except jinja2.TemplateNotFound:
        return None


def render(document: Any, kind: str, options: RenderOptions) -> str:
    template = _template(kind)
    if template is not None:
        text: str = template.render(doc=document, options=options)
        # Parts are optional: one blank line between blocks, one newline at the end.
        text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
        return text
    raise KeyError(f"no Markdown template for {kind}")  # pragma: no cover - every kind has a template
