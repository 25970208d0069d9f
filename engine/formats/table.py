"""Terminal tables and trees (rich), fitted to the terminal's width: no line wider than ``options.width``, no id
split, colour only when ``options.color``. Each kind has its own part module (``_assessment``, ``_roadmap``,
``_explanation``, ``_crosswalk``); this module is the format's one entry."""

from __future__ import annotations

from typing import Any

from mlops_maturity.engine.formats import RenderOptions

KINDS = frozenset({"assessment", "roadmap", "explanation", "crosswalk"})


def render(document: Any, kind: str, options: RenderOptions) -> str:
    if kind == "assessment":
        from mlops_maturity.engine.formats._assessment import assessment_table

        return assessment_table(document, options)
    if kind == "roadmap":
        from mlops_maturity.engine.formats._roadmap import roadmap_table

        return roadmap_table(document, options)
    if kind == "explanation":
        from mlops_maturity.engine.formats._explanation import text

        return text(document, options)
    from mlops_maturity.engine.formats._crosswalk import crosswalk_table

    return crosswalk_table(document, options)
