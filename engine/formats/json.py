"""JSON: the bare document, indented, keys in model order, dates as ISO strings (pydantic's serializer; the same
bytes as ``json.dumps(model_dump(mode="json"), indent=2, ensure_ascii=False)``, several times faster).

``options.trace`` keeps an assessment's ``derivations`` (the inference trace); without it they are left out."""

from __future__ import annotations

from typing import Any

from mlops_maturity.engine.formats import RenderOptions

KINDS = frozenset({"assessment", "roadmap", "explanation", "crosswalk"})


def dumps(document: Any, *, exclude: set[str] | None = None) -> str:
    """Canonical JSON of any result model."""
    text: str = document.model_dump_json(indent=2, exclude=exclude)
    return text + "\n"


def render(document: Any, kind: str, options: RenderOptions) -> str:
    exclude = {"derivations"} if kind == "assessment" and not options.trace else None
    return dumps(document, exclude=exclude)
