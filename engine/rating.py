"""The rating semantics (model v2), as plain functions both evaluators and every reader share.

A practice is *satisfied* (FI, LI), *failed* (PI, NI), *unknown* (NY, not observed) or *not applicable* (NA).

- An **alternative** (our practices that together implement a CMMI practice) is not applicable when all its
  practices are; satisfied when all its other practices are satisfied; failed when any is failed; else unknown.
- A **CMMI practice** (specific or generic) is satisfied when any alternative is; else unknown when any is (it could
  still be satisfied: assess it); else failed when any is; else not applicable. A direct characterization by the
  assessor replaces what the alternatives imply. One area's generic practice also counts the organization-level one
  it inherits as one more alternative.
- A **goal** is satisfied when all its CMMI practices are satisfied, unsatisfied when any failed, else not rated (a
  not-applicable practice leaves its goal not rated: NA never removes a required practice).

``docs/rating.md`` states every rule, with the NA rules and the order of every list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

NOT_OBSERVED = "NO"
"""Internal code of a practice the fact file does not mention."""

SAT = ("FI", "LI")
FAILED = ("PI", "NI")
UNRATED = ("NY", NOT_OBSERVED)
UNSAT = FAILED + UNRATED

SATISFIED = "satisfied"
FAILED_ = "failed"
UNKNOWN = "unknown"
NOT_APPLICABLE = "not_applicable"

PRECEDENCE = (SATISFIED, UNKNOWN, FAILED_, NOT_APPLICABLE)
"""Any-of over alternatives: the first of these that some alternative has decides."""


def practice_class(status: str) -> str:
    """``FI`` -> satisfied, ``PI`` -> failed, ``NY``/not observed -> unknown, ``NA`` -> not applicable."""
    if status in SAT:
        return SATISFIED
    if status in FAILED:
        return FAILED_
    if status == "NA":
        return NOT_APPLICABLE
    return UNKNOWN


def rate_alternative(classes: Iterable[str]) -> str:
    """An alternative's class from its practices' classes (all of them are needed)."""
    applicable = [c for c in classes if c != NOT_APPLICABLE]
    if not applicable:
        return NOT_APPLICABLE
    if FAILED_ in applicable:
        return FAILED_
    if all(c == SATISFIED for c in applicable):
        return SATISFIED
    return UNKNOWN


def any_of(classes: Sequence[str]) -> tuple[str, int]:
    """A CMMI practice's class from its alternatives' classes, and the index of the alternative that decides it
    (the first with that class; -1 when there is none: not applicable, or no alternative at all)."""
    for wanted in PRECEDENCE[:3]:
        if wanted in classes:
            return wanted, classes.index(wanted)
    return NOT_APPLICABLE, -1


def rate_goal(classes: Iterable[str]) -> str:
    """A goal's SCAMPI rating from its CMMI practices' classes."""
    classes = list(classes)
    if classes and all(c == SATISFIED for c in classes):
        return "satisfied"
    if FAILED_ in classes:
        return "unsatisfied"
    return "not_rated"


def required_capability(level: int) -> int:
    """Capability level every process area of levels 2..N needs for maturity level N (staged rating)."""
    return 2 if level == 2 else 3


def capability(specific: str, gg2: str, gg3: str) -> int:
    """A process area's capability level from its specific goals' rating and its own GG2 and GG3 ratings:
    0 incomplete (or not rated), 1 performed, 2 managed, 3 defined."""
    if specific != "satisfied":
        return 0
    if gg2 != "satisfied":
        return 1
    return 3 if gg3 == "satisfied" else 2


def rate_area(goal_ratings: Iterable[str]) -> str:
    """A process area's rating on its specific goals."""
    ratings = list(goal_ratings)
    if all(r == "satisfied" for r in ratings):
        return "satisfied"
    if "unsatisfied" in ratings:
        return "unsatisfied"
    return "not_rated"


def rate_framework_level(classes: Iterable[str]) -> str:
    """A framework level's own status from its requirements' classes: met (not-applicable ones excluded), failed,
    or undetermined (nothing failed, something not observed: assess it)."""
    classes = [c for c in classes if c != NOT_APPLICABLE]
    if FAILED_ in classes:
        return "failed"
    if UNKNOWN in classes:
        return "undetermined"
    return "met"


# --- what an evaluator concludes ------------------------------------------------------------------------------

from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402


@dataclass
class Conclusions:
    """What inference concluded, in plain data: both evaluators produce this, and results are built from it.

    ``alt_status`` keys are ``CM.SP1.2#1`` (alternatives numbered from 1); ``mp_status`` maps every CMMI practice
    (``CM.SP1.2``, ``GP2.3``, ``PP.GP2.3``) and every framework any-of requirement (``fw:google:1:2``) to its class;
    ``goal_status`` holds specific goals, each area's ``CM.GG2``/``CM.GG3`` and the organization-level ``GG2``/``GG3``;
    ``framework_level_status`` maps ``(framework, level)`` to met / failed / undetermined.
    """

    alt_status: dict[str, str] = field(default_factory=dict)
    mp_status: dict[str, str] = field(default_factory=dict)
    goal_status: dict[str, str] = field(default_factory=dict)
    pa_status: dict[str, tuple[str, int]] = field(default_factory=dict)
    levels_met: set[int] = field(default_factory=set)
    maturity_level: int = 1
    framework_level_status: dict[tuple[str, int], str] = field(default_factory=dict)
    framework_level: dict[str, int | None] = field(default_factory=dict)
    blocked_by: dict[str, list[str]] = field(default_factory=dict)
    ready: set[str] = field(default_factory=set)
    findings: list[str] = field(default_factory=list)
    derivations: dict[str, Any] = field(default_factory=dict)

    @property
    def framework_levels_met(self) -> set[tuple[str, int]]:
        """The framework levels whose own requirements are met."""
        return {key for key, status in self.framework_level_status.items() if status == "met"}

    def comparable(self) -> dict[str, Any]:
        """Everything but the trace, in a canonical form for cross-checking two evaluators."""
        return {
            "alt_status": dict(sorted(self.alt_status.items())),
            "mp_status": dict(sorted(self.mp_status.items())),
            "goal_status": dict(sorted(self.goal_status.items())),
            "pa_status": {k: list(v) for k, v in sorted(self.pa_status.items())},
            "levels_met": sorted(self.levels_met),
            "maturity_level": self.maturity_level,
            "framework_level_status": {f"{f}:{k}": s for (f, k), s in sorted(self.framework_level_status.items())},
            "framework_level": dict(sorted(self.framework_level.items())),
            "blocked_by": {k: sorted(v) for k, v in sorted(self.blocked_by.items()) if v},
            "ready": sorted(self.ready),
            "findings": sorted(self.findings),
        }


def framework_group_id(framework: str, level: int, index: int) -> str:
    """Id of a framework level's any-of requirement (numbered from 1 among the level's requirements)."""
    return f"fw:{framework}:{level}:{index}"


def deciding_alternative(kb: Any, c: Conclusions, mp_id: str, direct: dict[str, str]) -> str:
    """What decides a CMMI practice's class, for display: ``direct``, ``alternative K`` or ``inherited``
    (one area's generic practice decided by the organization-level one), or ``""`` (not applicable)."""
    if mp_id in direct:
        return "direct"
    mp = kb.model_practices[mp_id]
    status = c.mp_status[mp_id]
    for k in range(1, len(mp.alternatives) + 1):
        if c.alt_status.get(f"{mp_id}#{k}") == status:
            return f"alternative {k}"
    if mp.inherits is not None and c.mp_status.get(mp.inherits) == status:
        return "inherited"
    return ""
