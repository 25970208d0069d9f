"""The one vocabulary of display words: every format (terminal, Markdown, HTML, Word, CSV) says a status, a level,
an effort or a column header with the words defined here, so the same thing is never called two names.

Pure functions and constants; nothing here computes a rating.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

CHARACTERIZATION = {
    "FI": "fully implemented",
    "LI": "largely implemented",
    "PI": "partially implemented",
    "NI": "not implemented",
    "NY": "not yet (the work has not reached the point where the practice applies)",
    "NA": "not applicable",
    "not_observed": "not observed (no evidence recorded)",
}
"""A practice's characterization (SCAMPI's, plus not observed) in words."""

CHARACTERIZATION_SHORT = {
    "FI": "fully in place",
    "LI": "largely in place",
    "PI": "partially in place",
    "NI": "not in place",
    "NY": "not yet due",
    "NA": "not applicable",
    "not_observed": "not assessed",
}
"""The same, as a client reads it in a sentence or a narrow column."""

STANDING = {
    **CHARACTERIZATION_SHORT,
    "NY": "marked 'not yet' (verify)",
    "NA": "marked not applicable (reconsider)",
    "not_observed": "not assessed yet (verify)",
}
"""Where a practice stands when a sentence rests on it (a summary's gap): what has no evidence is never worded as
absent, and says to verify it."""

RATING = {
    "satisfied": "satisfied",
    "unsatisfied": "unsatisfied",
    "not_rated": "not rated",
    "not_applicable": "not applicable",
    "out_of_scope": "out of scope",
    "met": "met",
    "failed": "not reached",
    "undetermined": "undetermined",
    "unknown": "not determined",
}
"""Ratings of goals, process areas and framework levels in words (``failed`` is a framework level not reached)."""

PRACTICE_CLASS = {
    "satisfied": "satisfied",
    "failed": "failed",
    "unknown": "undetermined",
    "not_applicable": "not applicable",
}
"""The class of an alternative or a CMMI practice, in one word."""

PRACTICE_CLASS_LONG = {
    "satisfied": "satisfied",
    "failed": "failed (assessed PI or NI)",
    "unknown": "not determined (not observed or not yet)",
    "not_applicable": "not applicable",
}
"""The same class with what it rests on."""

CAPABILITY_NAMES = {0: "incomplete", 1: "performed", 2: "managed", 3: "defined"}
"""CMMI-DEV v1.3 capability levels (continuous representation)."""

HEADERS = {
    "ML": "CMMI maturity level",
    "CL": "capability level (0 incomplete, 1 performed, 2 managed, 3 defined)",
    "SPs": "specific practices satisfied of those in scope",
    "GG2": "the area's own generic goal 2 (institutionalized as a managed process)",
    "GG3": "the area's own generic goal 3 (institutionalized as a defined process)",
    "GPs": "generic practices satisfied of those in question",
}
"""Column abbreviations and what they mean: a table that uses one prints its meaning beside it."""


def characterization(status: str | None) -> str:
    """``FI`` -> ``fully implemented``; ``not_observed`` -> ``not observed (no evidence recorded)``."""
    if status is None:
        return ""
    return CHARACTERIZATION.get(status, RATING.get(status, str(status).replace("_", " ")))


def rating(status: str | None) -> str:
    """A goal, area or framework-level rating in words."""
    if status is None:
        return ""
    return RATING.get(status, str(status).replace("_", " "))


def practice_class(status: str | None, *, long: bool = False) -> str:
    """A CMMI practice's class in words (``unknown`` -> ``undetermined``)."""
    if status is None:
        return ""
    return (PRACTICE_CLASS_LONG if long else PRACTICE_CLASS).get(status, str(status).replace("_", " "))


def capability(value: int | None, status: str | None = None) -> str:
    """A capability level for display: ``out of scope`` or ``not rated`` when there is none (never a bare 0)."""
    if value is not None:
        return str(value)
    return "out of scope" if status == "out_of_scope" else "not rated"


def coverage(satisfied: int, total: int) -> str:
    """``7/9``: CMMI practices satisfied of those in question."""
    return f"{satisfied}/{total}"


def maturity_level(level: int, name: str | None = None) -> str:
    """``CMMI maturity level 2 (Managed)``: never a bare ``ML 2`` (ML is also machine learning)."""
    return f"CMMI maturity level {level}" + (f" ({name})" if name else "")


def framework_level(framework_name: str, level: int | None, level_name: str | None = None) -> str:
    """``Google MLOps level 1 (ML pipeline automation)``; ``below Google MLOps's lowest level`` for none."""
    if level is None:
        return f"below the lowest level of {framework_name}"
    return f"{framework_name} level {level}" + (f" ({level_name})" if level_name else "")


def plain_number(value: float) -> str:
    """A number in fixed decimal notation, never with an exponent: ``2.0`` -> ``2``, ``1.25`` -> ``1.25``; at most
    six decimals."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def rounded(value: float) -> str:
    """A person-week figure rounded as a planner states it: halves below 10, whole weeks below 100, then tens
    (``0.75`` -> ``1``, ``7.25`` -> ``7.5``, ``43.6`` -> ``44``, ``207.775`` -> ``210``)."""
    if not math.isfinite(value):
        return str(value)
    if value <= 0:
        return "0"
    if value < 10:
        step = 0.5
    elif value < 100:
        step = 1.0
    else:
        step = 10.0
    result = max(step, math.floor(value / step + 0.5) * step)
    return plain_number(round(result, 6))


def effort(value: Any) -> str:
    """An effort in person-weeks: a number, a ``{min, max}`` mapping or a pair -> ``2-4 person-weeks``."""
    if isinstance(value, Mapping) and "min" in value and "max" in value:
        low, high = value["min"], value["max"]
    elif isinstance(value, (list, tuple)) and len(value) == 2:
        low, high = value
    else:
        low = high = value
    if low is None:
        return ""

    def num(x: Any) -> str:
        return plain_number(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else str(x)

    unit = "person-week" if low == high == 1 else "person-weeks"
    return f"{num(low)} {unit}" if low == high else f"{num(low)}-{num(high)} {unit}"


def approx_effort(value: Any) -> str:
    """An effort rounded as a planner states it (:func:`rounded`): ``{min: 12.75, max: 44.25}`` -> ``13-44
    person-weeks``."""
    if isinstance(value, Mapping) and "min" in value and "max" in value:
        low, high = value["min"], value["max"]
    elif hasattr(value, "min") and hasattr(value, "max"):
        low, high = value.min, value.max
    else:
        low = high = value
    if low is None:
        return ""
    a, b = rounded(float(low)), rounded(float(high))
    return f"{a} person-weeks" if a == b else f"{a}-{b} person-weeks"


def plural(count: int, word: str, plural_word: str | None = None) -> str:
    """``plural(3, "practice")`` -> ``3 practices``."""
    return f"{count} {word if count == 1 else plural_word or word + 's'}"


def listing(items: Sequence[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def md_cell(text: Any) -> str:
    """Text made safe for one Markdown table cell or list item: ``|`` escaped, line breaks joined. The one Markdown
    escaper: every template uses it as the ``md`` filter."""
    if text is None:
        return ""
    return " ".join(str(text).replace("|", "\\|").split())


GAP_HEADINGS = {
    "not_implemented": "Assessed, not fully implemented (does not count yet)",
    "no_evidence": "No evidence recorded (not observed or not yet; assess these, they may already be in place)",
    "not_applicable": "Marked not applicable",
}
"""Headings that keep "assessed and not implemented" apart from "no evidence recorded" (explanations)."""

EXPLANATION_LEGEND = [
    "FI / LI: fully / largely implemented; the practice counts.",
    "PI / NI: assessed as partially / not implemented; it does not count, and what needs it *failed*.",
    "NY (not yet) and not observed: no evidence was recorded, so what needs the practice is *not determined* "
    "(goals *not rated*) rather than failed. Assess these first.",
    "NA: not applicable (with a reason); left out of an alternative, but it never removes a required CMMI practice.",
    "A CMMI practice is satisfied when one of its alternatives (our practices that together implement it) has every "
    "applicable practice satisfied, or when the assessor characterized it directly. An area's generic practice "
    "(PP.GP2.3) also counts the organization-level one it inherits (GP2.3).",
    "A goal holds when every CMMI practice of it is satisfied. A process area's capability level is 1 with its "
    "specific goals, 2 when its own GG2 (a managed process) also holds, 3 with its own GG3 (a defined process) too.",
    "Maturity level 2 needs every in-scope level-2 process area at capability level 2; level N (3 to 5) needs every "
    "in-scope area of levels 2 to N at capability level 3.",
]
"""How to read an explanation: the legend under every Markdown explanation."""


def goal_codes(reasons: Any) -> str:
    """The codes a roadmap item serves, compact: ``serves IPM.SP1.7 (alternative 1), GP3.2 (alternative 1) of the
    organization, inherited by 17 process areas (CM, MA, ...); prerequisite of x``. ``reasons`` are the item's
    reasons (``kind``, ``of``, ``alternative``, ``text``)."""
    served: list[str] = []
    inherited: dict[str, list[str]] = {}
    before: list[str] = []
    for x in reasons:
        if x.kind == "prerequisite":
            before.append(x.of)
        elif x.kind == "cmmi_practice" and x.alternative and not x.alternative.startswith(x.of + "#"):
            inherited.setdefault(x.alternative, []).append(x.of.split(".", 1)[0])
        else:
            served.append(x.text)
    for alternative, areas in inherited.items():
        gp, _, number = alternative.partition("#")
        where = areas[0] if len(areas) == 1 else f"{len(areas)} process areas ({', '.join(areas)})"
        served.append(f"{gp} (alternative {number}) of the organization, inherited by {where}")
    out = []
    if served:
        out.append("serves " + ", ".join(served))
    if before:
        out.append("prerequisite of " + ", ".join(before))
    return "; ".join(out) or "-"
