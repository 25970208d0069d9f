"""JSON: the bare document, indented, keys in model order, dates as ISO strings: the same bytes as pydantic's
``model_dump_json(indent=2)`` (and as ``json.dumps(model_dump(mode="json"), indent=2, ensure_ascii=False)``).

The document's JSON form is walked from its models' own values (:func:`~mlops_maturity.engine.results.plain`) and
written by orjson, which indents and escapes as pydantic does: pydantic would first build the serializer of the
document's every nested model, ~5-10 ms of each cold ``--format json``. A value ``plain`` does not know (or orjson
cannot write) is left to pydantic's serializer. tests/test_json_format.py holds the two to the same bytes.

``options.trace`` keeps an assessment's ``derivations`` (the inference trace); without it they are left out."""

from __future__ import annotations

from typing import Any

import orjson
from mlops_maturity.engine.formats import RenderOptions

KINDS = frozenset({"assessment", "roadmap", "explanation", "crosswalk"})


def dumps(document: Any, *, exclude: set[str] | None = None) -> str:
    """Canonical JSON of any result model."""
    # Imported here: every command line lists the formats (imports this module), and the results module is a
    # pydantic module, which a command that prints its help never needs.
    from mlops_maturity.engine.results import NotPlain, plain_fields

    try:
        text = orjson.dumps(plain_fields(document, exclude or ()), option=orjson.OPT_INDENT_2).decode()
    except (NotPlain, orjson.JSONEncodeError):
        text = document.model_dump_json(indent=2, exclude=exclude)
    return text + "\n"


def render(document: Any, kind: str, options: RenderOptions) -> str:
    exclude = {"derivations"} if kind == "assessment" and not options.trace else None
    return dumps(document, exclude=exclude)
