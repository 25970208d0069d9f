"""The roadmap: an ordered, prerequisite-aware improvement plan toward a target level, verified by re-inference.

How a roadmap is made (rating model v2; DESIGN.md, Roadmap; issue 10 section 3):

1. **Target.** A CMMI maturity level N (default: the level above the current one) or a framework level
   ``FRAMEWORK:K``. What the target *needs*: for level N, every specific practice of the in-scope process areas of
   levels 2..N and each such area's own generic practices of GG2 (and of GG3 when N >= 3); for ``FRAMEWORK:K``, the
   requirements of the framework's levels up to K (a practice, or an any-of group of alternatives).
2. **Choice.** Each needed CMMI practice (or framework requirement) that is not satisfied is met by one of its
   alternatives (an area's generic practice may also be met through the organization-level one it inherits). The
   planner takes them lowest maturity level first (specific practices before generic ones, then in knowledge-base
   order) and chooses the alternative that costs least given what is already in place and already chosen: the
   sum of the effort midpoints of its not-yet-satisfied practices and of their unsatisfied prerequisites not
   already chosen; ties: the higher total value of those practices, then their ids, then the alternative's
   number. Alternatives whose every practice is NA do not count (NA never removes a required practice): a
   needed CMMI practice left without any, or decided by a direct characterization in the fact file that is not
   satisfied, makes the target impossible (a :class:`UserInputError`).
3. **Content.** The not-yet-satisfied practices of the chosen alternatives, plus their unsatisfied prerequisites,
   transitively. NA practices are never planned. Practices that are NY or not observed are not planned: what
   they implement is *not rated* rather than failed, so they go to ``assess_first``, and the plan is made on the
   premise that they will be found in place (a prerequisite in ``assess_first`` is not followed further). With
   ``plan_unobserved`` they are planned as items instead, and ``assess_first`` is empty. Every item records why
   it is in the plan (:class:`Reason`): the CMMI practices and alternatives it serves, the framework requirement,
   or "prerequisite of X".
4. **The guarantee.** Assuming every assess-first practice and every planned item FI, on top of the fact file and
   the user's assumptions, reaches the target as inferred by the session (:meth:`Roadmap.assumptions_after` of
   the last wave). A plan that does not is an internal error (:class:`InferenceError`), never a partial plan.
5. **Order.** A topological order of the planned items (no item before a planned prerequisite); among the items
   available at the same time: the lowest maturity level the item serves first, then the one that unblocks
   more planned items (counted transitively), then the higher value per person-week (``value / effort.mid``;
   an item of no effort first), then the id.
6. **Waves.** Wave k holds the items whose planned prerequisites are all in earlier waves. Without a capacity a
   wave holds every such item (the waves are the layers of the prerequisite graph). With a capacity in
   person-weeks per quarter, a wave is one quarter: items are taken in order while their mid effort fits
   (first fit); an item bigger than the capacity gets a wave of its own, which then spans several quarters.
7. **As inferred, not estimated.** The starting point, the state once the assess-first practices are assumed
   found, and the state after each wave are re-inferred through one :class:`~mlops_maturity.engine.session.Session`
   (``session.conclusions_with``, cached), with the session's evaluator and ``verify`` setting.
"""


import datetime as dt
import heapq
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, cast

from mlops_maturity.engine import documents, words
from mlops_maturity.engine.assessment import parse_assumptions
from mlops_maturity.engine.errors import InferenceError, Problem, UserInputError
from mlops_maturity.engine.facts import FactFile, load_fact_file
from mlops_maturity.engine.inference import public_status
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.knowledge import InsightRule, PracticeCondition
from mlops_maturity.engine.levels import check_framework_level, check_maturity_level, next_level
from mlops_maturity.engine.rating import (
    FAILED,
    NOT_APPLICABLE,
    SATISFIED,
    UNSAT,
    Conclusions,
    framework_group_id,
    practice_class,
    required_capability,
)
from mlops_maturity.engine.reference import PRACTICE_CLASSES
from mlops_maturity.engine.results import Assumption, GoalStatus, Result, made
from mlops_maturity.engine.session import Evaluator, Session
from pydantic import Field

ROADMAP_SCHEMA_VERSION = "2.0"

WEEKS_PER_QUARTER = 13
MONTHS_PER_QUARTER = 3

PARTIAL_FACTOR = 0.5
"""A PI practice costs this fraction of the knowledge base's figure (which is for a practice not in place, NI): part
of the work is done and is finished rather than started over."""
FURTHER_TEAM_FACTOR = 0.5
"""A team-scoped figure is for one ML team; each further team (``ml_team_count``) costs this fraction of it: the
first team works the practice out, the others adopt what it built."""
FURTHER_MODEL_FACTOR = 0.25
"""A model-scoped figure is for one production model; each further model (``production_model_count``) costs this
fraction of it: the template and the tooling exist, what remains is the model's own work."""
CAPACITY_PER_TEAM = 6.5
"""Default capacity, person-weeks per quarter per ML team: half a person's time per team on improvement work
(13 weeks x 0.5), beside delivery. With no ``ml_team_count``, one team."""
QUICK_WIN_VALUE_PER_EFFORT = 2.0
"""An item is a quick win when its value (1-5) per person-week of its effort is at least this: e.g. a value-4
practice done in 2 person-weeks or less."""
CALENDAR_NOTE = (
    "The historical medians are the elapsed time organizations took to move one maturity level, with the people "
    "they had, work already in place that no fact file records, and a scope they chose; the plan's calendar time "
    "is its effort divided by the capacity stated here, so it is longer when the capacity is small or the plan "
    "covers more teams and models, and shorter when more people work on it."
)
"""Why the plan's calendar time and the historical medians differ: printed beside them."""

TargetSpec = int | tuple[str, int] | str | None
"""What :func:`plan_roadmap` accepts as a target: a maturity level, ``(framework, level)``, the text form
(``"3"``, ``"google:2"``), or ``None`` for the next maturity level."""


# --------------------------------------------------------------------------------------------------- the model


class Target(Result):
    """What the roadmap aims for."""

    kind: Literal["maturity", "framework"]
    framework: str | None = Field(description="Framework id, for a framework target.")
    level: int
    name: str = Field(description="The level's name (CMMI or the framework's).")
    label: str = Field(description="The target in words, e.g. 'CMMI maturity level 3 (Defined)'.")
    default: bool = Field(description="Chosen as the next maturity level because no target was given.")
    highest: bool = Field(description="The target is the highest level of its scale.")

    def __str__(self) -> str:
        return self.label


class EffortRange(Result):
    """Effort in person-weeks: the range and its midpoint (used for planning)."""

    min: float
    max: float
    mid: float


EffortScope = Literal["organization", "team", "model"]


class Size(Result):
    """How many ML teams and production models the organization has (the fact file's context): the units a team- or
    model-scoped effort figure is multiplied over."""

    ml_team_count: int | None = Field(description="Context ml_team_count; null: not given (one team is assumed).")
    production_model_count: int | None = Field(
        description="Context production_model_count; null: not given (one model is assumed).")


class ItemEffort(Result):
    """How an item's effort is worked out from the knowledge base's figure (see docs/roadmap.md)."""

    scope: EffortScope | None = Field(description="What the knowledge base's figure is for (null: not declared, "
                                                  "used once as stated).")
    units: int = Field(description="Teams or models the figure is multiplied over (1 for organization scope).")
    units_known: bool = Field(description="The count comes from the fact file; false: one is assumed, set the "
                                          "attribute named in `attribute` for a better figure.")
    attribute: str | None = Field(description="The context attribute that sizes it (ml_team_count, "
                                              "production_model_count).")
    size_factor: float = Field(description="1 + further-unit fraction x (units - 1).")
    status_factor: float = Field(description="1 for NI, NY or not observed; PARTIAL_FACTOR for PI.")
    base: EffortRange = Field(description="The knowledge base's figure: one unit, from not implemented.")


class FindingRef(Result):
    """An insight rule the roadmap mentions, by its title."""

    id: str
    name: str
    severity: str
    practices: list[str] = Field(description="Practices whose adoption resolves or avoids it.")


class RaisedFinding(Result):
    """A finding the plan makes fire after a wave (it did not fire before that wave), and what avoids it."""

    finding: str
    name: str
    severity: str
    wave: int
    avoided_by: list[str] = Field(description="The finding's practices not satisfied after that wave: adopt them "
                                              "(in the same wave or earlier) to avoid it.")
    planned_later: list[str] = Field(description="Those of them already planned in a later wave (moving them earlier "
                                                 "avoids the finding).")
    resolved_at_wave: int | None = Field(description="Wave after which it no longer fires (null: still at the end).")


class Calendar(Result):
    """Calendar time of the plan at a capacity (given, or the default from the team count)."""

    capacity: float = Field(description="Person-weeks per quarter used.")
    source: Literal["given", "default"] = Field(description="given: by the caller (capacity=); default: "
                                                            "CAPACITY_PER_TEAM x ml_team_count (or one team).")
    teams: int = Field(description="Teams the default is computed from.")
    teams_known: bool
    quarters: int = Field(description="Quarters if every assess-first practice is found in place.")
    months: int
    quarters_if_missing: int = Field(description="Quarters if every assess-first practice turns out to be missing "
                                                 "(their work added at the same capacity).")
    months_if_missing: int


class LevelState(Result):
    """The levels the engine infers for one state of the plan."""

    maturity_level: int
    maturity_level_name: str
    framework_levels: dict[str, int | None] = Field(description="Framework id -> level reached (null: none).")
    capability_levels: dict[str, int | None] = Field(description="Process area -> capability level (null: n/a).")
    generic_goals: dict[str, GoalStatus]
    findings: list[str] = Field(description="Insight rules that fire, sorted by id.")
    target_reached: bool


class CapabilityChange(Result):
    """A process area whose capability level a wave changes."""

    process_area: str
    name: str
    before: int | None
    after: int | None


class FrameworkChange(Result):
    """A framework whose level a wave changes."""

    framework: str
    name: str
    before: int | None
    after: int | None
    level_name: str | None = Field(description="Name of the level reached after the wave.")


class GoalChange(Result):
    """A generic goal whose rating a wave changes."""

    goal: str
    before: GoalStatus
    after: GoalStatus


class Wave(Result):
    """A group of items that can be worked on together; the levels after it are inferred by the engine."""

    number: int
    practices: list[str] = Field(description="The wave's items, in plan order.")
    effort: EffortRange
    duration_quarters: int | None = Field(description="Quarters the wave takes at the given capacity (null: none).")
    oversized: bool = Field(description="A single item bigger than the capacity: it gets a wave of its own.")
    maturity_level_after: int
    maturity_level_name_after: str
    framework_levels_after: dict[str, int | None]
    capability_changes: list[CapabilityChange]
    framework_changes: list[FrameworkChange]
    generic_goal_changes: list[GoalChange]
    findings_resolved: list[str] = Field(description="Findings that fire before the wave and not after it.")
    findings_raised: list[str] = Field(description="Findings that fire after the wave and not before it.")
    target_reached: bool


class Reason(Result):
    """One reason an item (or an assess-first practice) is in the plan."""

    kind: Literal["cmmi_practice", "framework_requirement", "prerequisite"]
    of: str = Field(description="The CMMI practice (``CM.SP1.2``, ``PP.GP2.3``), the framework level "
                                "(``google:1``) or the planned practice it is a prerequisite of.")
    requirement: int | None = Field(description="Framework requirement number within the level, from 1.")
    alternative: str | None = Field(
        description="The alternative chosen, as ``CM.SP1.2#2``; an area's generic practice met through the "
        "organization-level one it inherits: ``GP2.3#1``; a framework any-of: ``fw:google:1:2#1``."
    )
    text: str = Field(description="The reason in words.")


class RoadmapItem(Result):
    """One practice to implement, with why it is needed and where it sits in the plan."""

    rank: int = Field(description="Position in the plan, from 1.")
    practice: str
    name: str
    status: Literal["PI", "NI", "NY", "not_observed"] = Field(
        description="Current characterization (fact file or assumption); NY and not_observed only with "
        "plan_unobserved: check before starting the work."
    )
    wave: int
    serves: int = Field(description="Lowest CMMI maturity level among the CMMI practices it implements "
                                    "(6: none).")
    needed_by_target: bool = Field(description="Part of an alternative chosen for what the target needs; otherwise "
                                               "only a prerequisite.")
    needed_for: list[str] = Field(
        description="What in the target it serves: CMMI practice ids (maturity target) or FRAMEWORK:LEVEL "
        "(framework target)."
    )
    reasons: list[Reason] = Field(description="Why it is in the plan, one entry per reason.")
    implements: list[str] = Field(description="Every CMMI practice it is (part of) an alternative of.")
    framework_levels: list[str] = Field(description="Every framework level calling for it, as FRAMEWORK:LEVEL.")
    requires: list[str] = Field(description="Planned items it waits for (direct prerequisites).")
    awaits_assessment: list[str] = Field(description="Direct prerequisites listed under assess_first.")
    unblocks: list[str] = Field(description="Planned items that directly require it.")
    unblocks_total: int = Field(description="Planned items that require it directly or transitively.")
    effort: EffortRange = Field(description="What the item costs here: the knowledge base's figure scaled by size "
                                            "and by where the practice stands (effort_basis).")
    effort_basis: ItemEffort
    value: int
    value_per_effort: float | None = Field(description="value / effort.mid, rounded; null when effort is 0.")
    quick_win: bool = Field(description="value_per_effort >= QUICK_WIN_VALUE_PER_EFFORT (or no effort).")
    why: str = Field(description="The reason in plain words: what the item unlocks; the goal codes are in reasons.")
    note: str | None = Field(description="The assessor's note on the practice, from the fact file.")
    guidance: str
    evidence: list[str] = Field(description="The evidence that will show the practice is done.")
    resolves_findings: list[str] = Field(
        description="Findings firing now that list the practice, or whose condition on it flips when it is FI."
    )


class AssessFirstItem(Result):
    """A needed practice that is NY or not observed (assess it before planning work on it), or NA where NA is all
    that stands between a required CMMI practice and its alternatives (reconsider the characterization)."""

    practice: str
    name: str
    status: Literal["NY", "not_observed", "NA"]
    serves: int
    needed_by_target: bool
    needed_for: list[str]
    reasons: list[Reason]
    needed_by: list[str] = Field(description="Planned items that wait for it.")
    missing_prerequisites: list[str] = Field(
        description="Its unsatisfied prerequisites: work to add to the plan if it turns out to be missing."
    )
    effort: EffortRange = Field(description="Effort should it turn out to be missing (0 if found in place).")
    effort_basis: ItemEffort
    why: str = Field(description="The reason in plain words.")
    note: str | None = Field(description="The assessor's note on the practice, from the fact file.")
    evidence: list[str] = Field(description="What the assessor should look for.")


class MedianStep(Result):
    """The historical median time organizations needed for one maturity-level step."""

    from_level: int
    to_level: int
    months: int | None = Field(description="Null: no figure is known for this step.")


class Estimate(Result):
    """Effort and calendar time of the plan, beside the historical median for the same level step."""

    effort: EffortRange = Field(description="Sum over the planned items: the effort if every assess-first practice "
                                            "is found in place.")
    assess_first_effort: EffortRange = Field(description="Extra effort if every assess-first practice is missing.")
    effort_if_missing: EffortRange = Field(
        description="The effort if every assess-first practice is missing: the planned items, the assess-first "
        "practices and their unsatisfied prerequisites not planned (the top of the headline range).")
    calendar: Calendar | None = Field(description="Calendar time at the given or default capacity (null: nothing "
                                                  "to plan).")
    calendar_note: str = Field(description="Why the calendar time and the historical medians differ.")
    capacity: float | None = Field(description="Person-weeks per quarter (13 weeks); null when not given.")
    quarters: int | None = Field(description="Calendar quarters at that capacity (sum of the waves' durations).")
    months: int | None
    historical_steps: list[MedianStep] = Field(description="Maturity-level steps from the start to the target.")
    historical_months: int | None = Field(description="Sum of the steps' medians; null when any step is unknown.")


class Roadmap(Result):
    """An improvement plan toward a target level (``maturity roadmap``)."""

    schema_version: str = ROADMAP_SCHEMA_VERSION
    organization: str
    assessed_on: dt.date
    source: str | None = None
    knowledge_base: str = Field(description="Fingerprint of the knowledge base used.")
    assumptions: list[Assumption] = Field(description="What-if assumptions applied before planning.")
    plan_unobserved: bool = Field(
        description="NY and not-observed practices are planned as items instead of listed under assess_first."
    )
    evaluator: Literal["rules", "reference"] = Field(
        description="What inferred every state: rules (durable_rules) or reference (the reference evaluator alone)."
    )
    verified: bool = Field(description="The rules engine's every inference was cross-checked against the reference "
                                       "evaluator.")
    target: Target
    reached: bool = Field(description="The target is already reached: the plan is empty.")
    start: LevelState
    after_assess_first: LevelState | None = Field(
        description="The state if every assess-first practice is found in place (null when there are none)."
    )
    reached_at_wave: int | None = Field(
        description="First wave after which the target is reached (0: by the assess-first premise alone; "
        "null when already reached)."
    )
    items: list[RoadmapItem]
    waves: list[Wave]
    assess_first: list[AssessFirstItem]
    estimate: Estimate
    size: Size
    findings: list[FindingRef] = Field(description="Every finding the roadmap names (start, waves, items), by id.")
    raised_findings: list[RaisedFinding] = Field(description="Findings the plan raises, with what avoids them.")

    def finding(self, finding_id: str) -> FindingRef:
        """A finding the roadmap names, with its title."""
        for entry in self.findings:
            if entry.id == finding_id:
                return entry
        raise KeyError(finding_id)

    def item(self, practice_id: str) -> RoadmapItem:
        """The item for one practice."""
        for entry in self.items:
            if entry.practice == practice_id:
                return entry
        raise KeyError(practice_id)

    def assumptions_after(self, wave: int) -> dict[str, str]:
        """The cumulative what-if under which wave ``wave``'s levels are inferred (0: the assess-first premise).

        The user's assumptions, every assess-first practice FI, and every item of waves 1..``wave`` FI.
        """
        out = {a.practice: a.status for a in self.assumptions}
        out.update({a.practice: "FI" for a in self.assess_first})
        out.update({i.practice: "FI" for i in self.items if i.wave <= wave})
        return dict(sorted(out.items()))


# ------------------------------------------------------------------------------------------------ the target


def parse_target(text: str, kb: KnowledgeBase, *, parameter: str = "target") -> int | tuple[str, int]:
    """``"3"`` -> 3, ``"google:2"`` -> ``("google", 2)``, checked against the knowledge base; ``parameter`` is the
    parameter named in a problem.

    Raises:
        UserInputError: not a level, unknown framework (with a suggestion), or a level the framework lacks.
    """
    raw = text.strip()
    if re.fullmatch(r"[0-9]+", raw):
        return check_maturity_level(int(raw), parameter=parameter, shown=text)
    name, sep, level_text = raw.partition(":")
    name, level_text = name.strip(), level_text.strip()
    if not sep and name not in kb.frameworks:
        raise UserInputError([Problem.of_parameter(parameter, text, "expected a maturity level 1-5 or "
                                                   "FRAMEWORK:LEVEL, e.g. 3 or google:2"
                                                   f"{documents.suggest(name, kb.frameworks)} "
                                                   f"(frameworks: {', '.join(kb.frameworks)})")])
    check_framework_level(kb, name, None, parameter=parameter, shown=text)
    if not sep:
        levels = ", ".join(str(lv.level) for lv in kb.frameworks[name].levels)
        raise UserInputError([Problem.of_parameter(parameter, text, f"give a level: {name}:LEVEL (levels: {levels})")])
    if not re.fullmatch(r"[0-9]+", level_text):
        raise UserInputError([Problem.of_parameter(parameter, text, f"level {level_text!r} is not a whole number")])
    level = int(level_text)
    check_framework_level(kb, name, level, parameter=parameter, shown=text)
    return name, level


def resolve_target(kb: KnowledgeBase, spec: TargetSpec, start_level: int) -> Target:
    """The target a :data:`TargetSpec` names, checked; ``None``: the next maturity level (at level 5, level 5
    itself, which is reached: the "already at the highest level" roadmap)."""
    if isinstance(spec, str):
        spec = parse_target(spec, kb)
    if spec is None:
        following = next_level(start_level)
        return _maturity_target(kb, start_level if following is None else following, default=True)
    if isinstance(spec, int) and not isinstance(spec, bool):
        return _maturity_target(kb, check_maturity_level(spec, parameter="target"), default=False)
    if not isinstance(spec, (tuple, list)) or len(spec) != 2:
        raise UserInputError([Problem.of_parameter("target", repr(spec), "expected a maturity level 1-5, "
                                                   "(framework, level) or FRAMEWORK:LEVEL, e.g. 3, ('google', 2) "
                                                   "or 'google:2'")])
    framework, level = spec
    shown = f"{framework}:{level}"
    check_framework_level(kb, framework, level, parameter="target", shown=shown)
    fw = kb.frameworks[framework]
    chosen = next(lv for lv in fw.levels if lv.level == level)
    name = chosen.name
    # The id and the level as the knowledge base has them: plain str and int, as validation would make the user's.
    return made(Target, kind="framework", framework=fw.id, level=chosen.level, name=name,
                label=f"{framework} level {level} ({name})", default=False, highest=level == fw.levels[-1].level)


def _maturity_target(kb: KnowledgeBase, level: int, *, default: bool) -> Target:
    name = kb.level_name(level)
    return made(Target, kind="maturity", framework=None, level=int(level), name=name,
                label=f"CMMI maturity level {level} ({name})", default=default, highest=level == 5)


def _reached(target: Target, maturity_level: int, framework_levels: Mapping[str, int | None]) -> bool:
    if target.kind == "maturity":
        return maturity_level >= target.level
    assert target.framework is not None
    level = framework_levels.get(target.framework)
    return level is not None and level >= target.level


# ----------------------------------------------------------------------------------------------- the planner


class _Need:
    """Something the target needs that is not satisfied: a CMMI practice or a framework requirement.

    The planner's own records (``_Need``, ``_Costs``, ``_Static``) are plain classes, not dataclasses: making a
    dataclass costs ~0.8 ms at import, which every cold command paid for these three."""

    __slots__ = ("key", "kind", "of", "requirement", "label", "candidates", "reconsider")

    def __init__(self, key: str, kind: Literal["cmmi_practice", "framework_requirement"], of: str,
                 requirement: int | None, label: str, candidates: tuple[tuple[str | None, tuple[str, ...]], ...],
                 reconsider: bool = False) -> None:
        self.key = key  # CMMI practice id, or FRAMEWORK:LEVEL#N for a framework requirement
        self.kind = kind
        self.of = of  # CMMI practice id or FRAMEWORK:LEVEL
        self.requirement = requirement
        self.label = label
        self.candidates = candidates  # (alternative id, members)
        self.reconsider = reconsider  # every alternative is NA: the NA characterizations are to be reconsidered


class _Costs:
    """Each practice's effort in this organization: the knowledge base's figure scaled by size and status."""

    __slots__ = ("kb", "statuses", "size", "_bounds", "_mids")

    def __init__(self, kb: KnowledgeBase, statuses: Mapping[str, str], size: Size) -> None:
        self.kb = kb
        self.statuses = statuses
        self.size = size
        self._bounds: dict[str, tuple[float, float]] = {}
        """Practice -> (min, max), worked out once: the planner asks for the same practice's cost many times."""
        self._mids: dict[str, float] = {}

    def _working(self, p: str) -> tuple[EffortScope | None, int, bool, str | None, float, float]:
        """(scope, units, units known, sizing attribute, size factor, status factor) of one practice."""
        scope = self.kb.practices[p].effort.scope
        count, attribute, further = 1, None, 0.0
        if scope == "team":
            count, attribute, further = self.size.ml_team_count or 0, "ml_team_count", FURTHER_TEAM_FACTOR
        elif scope == "model":
            count, attribute, further = (self.size.production_model_count or 0, "production_model_count",
                                         FURTHER_MODEL_FACTOR)
        known = count >= 1
        units = count if known else 1
        return (scope, units, known or attribute is None, attribute, round(1 + further * (units - 1), 6),
                PARTIAL_FACTOR if self.statuses.get(p) == "PI" else 1.0)

    def basis(self, p: str) -> ItemEffort:
        figure = self.kb.practices[p].effort
        scope, units, known, attribute, size_factor, status_factor = self._working(p)
        return made(ItemEffort,
            scope=scope, units=units, units_known=known, attribute=attribute, size_factor=size_factor,
            status_factor=status_factor,
            base=made(EffortRange, min=figure.min, max=figure.max, mid=round(figure.mid, 6)),
        )

    def bounds(self, p: str) -> tuple[float, float]:
        found = self._bounds.get(p)
        if found is None:
            figure = self.kb.practices[p].effort
            *_, size_factor, status_factor = self._working(p)
            factor = size_factor * status_factor
            found = self._bounds[p] = (figure.min * factor, figure.max * factor)
        return found

    def mid(self, p: str) -> float:
        found = self._mids.get(p)
        if found is None:
            low, high = self.bounds(p)
            found = self._mids[p] = (low + high) / 2
        return found


class _Static:
    """What the planner looks up in a knowledge base, indexed once per knowledge base (kept in ``kb.memo``)."""

    __slots__ = ("area_names", "model_practice_index", "framework_level_names", "insights")

    def __init__(self, *, area_names: dict[str, str], model_practice_index: dict[str, int],
                 framework_level_names: dict[str, dict[int, str]], insights: dict[str, InsightRule]) -> None:
        self.area_names = area_names
        self.model_practice_index = model_practice_index
        self.framework_level_names = framework_level_names
        self.insights = insights


def _static(kb: KnowledgeBase) -> _Static:
    found = kb.memo.get("roadmap.static")
    if found is None:
        found = kb.memo["roadmap.static"] = _Static(
            area_names={pa.id: pa.name for pa in kb.process_areas},
            model_practice_index={mp: i for i, mp in enumerate(kb.model_practices)},
            framework_level_names={fid: {lv.level: lv.name for lv in fw.levels} for fid, fw in kb.frameworks.items()},
            insights={rule.id: rule for rule in kb.insights},
        )
    return cast(_Static, found)


def _size(facts: FactFile) -> Size:
    def count(name: str) -> int | None:
        value = facts.context.get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None

    return made(Size, ml_team_count=count("ml_team_count"), production_model_count=count("production_model_count"))


def plan(
    session: Session,
    *,
    target: TargetSpec = None,
    capacity: float | None = None,
    plan_unobserved: bool = False,
) -> Roadmap:
    """Plan the way from a session's fact file (and assumptions) to a target level (see the module docstring).

    Args:
        session: the assessment session; every state of the plan is inferred through it.
        target: a CMMI maturity level (1-5), ``(framework, level)``, their text form (``"3"``, ``"google:2"``),
            or ``None`` for the level above the current one.
        capacity: person-weeks available per quarter (13 weeks); bounds each wave. ``None``: waves are the layers
            of the prerequisite graph, and calendar time is at the default capacity (CAPACITY_PER_TEAM per team).
        plan_unobserved: plan NY and not-observed practices as items rather than list them under assess_first.

    Raises:
        UserInputError: unknown or impossible ``target``, bad ``capacity``.
        VerificationError: the two evaluators disagree (an internal error).
        InferenceError: the plan does not reach the target when re-inferred (an internal error).
    """
    kb, facts = session.kb, session.facts
    if capacity is not None and (isinstance(capacity, bool) or not isinstance(capacity, (int, float))
                                 or not (math.isfinite(capacity) and capacity > 0)):
        raise UserInputError([Problem.of_parameter("capacity", str(capacity), "expected a positive number of "
                                                   "person-weeks per quarter")])
    user = dict(session.assumptions)
    start_c = session.conclusions_with(None)
    goal = resolve_target(kb, target, start_c.maturity_level)

    def infer(extra: Mapping[str, str] | None) -> LevelState:
        return _state_of_conclusions(kb, session.conclusions_with(extra), goal)

    start = infer(None)
    size = _size(facts)
    header: dict[str, Any] = {
        "organization": facts.organization, "assessed_on": facts.assessed_on, "source": session.source,
        "knowledge_base": kb.fingerprint, "evaluator": session.evaluator,
        "verified": session.evaluator == "rules" and session.verify, "plan_unobserved": plan_unobserved,
        "target": goal, "start": start,
        "assumptions": [Assumption(practice=p, status=s) for p, s in user.items()],  # type: ignore[arg-type]
        "size": size,
    }
    if start.target_reached:
        nothing = made(EffortRange, min=0, max=0, mid=0)
        return made(Roadmap,
            **header, reached=True, after_assess_first=None, reached_at_wave=None, items=[], waves=[],
            assess_first=[],
            estimate=made(Estimate, effort=nothing, assess_first_effort=nothing, effort_if_missing=nothing,
                                    capacity=capacity, quarters=0 if capacity else None, months=0 if capacity else None,
                                    calendar=None, calendar_note=CALENDAR_NOTE, historical_steps=[],
                                    historical_months=None),
            findings=_findings(kb, start.findings), raised_findings=[],
        )

    statuses = session.statuses_with(None)
    costs = _Costs(kb, statuses, size)
    needs = _needs(kb, facts, start_c, statuses, goal)
    planned, assess_first, reasons = _choose(kb, costs, needs, goal, plan_unobserved)

    prerequisites = {p: sorted(q for q in kb.practices[p].requires if q in planned) for p in sorted(planned)}
    dependents: dict[str, list[str]] = {p: [] for p in planned}
    for p, reqs in prerequisites.items():
        for q in reqs:
            dependents[q].append(p)
    for d in sorted(planned):  # each practice's prerequisite reasons in the order of the practices needing it
        for p in sorted(set(kb.practices[d].requires)):
            if p in planned or p in assess_first:
                reasons[p].append(made(Reason, kind="prerequisite", of=d, requirement=None, alternative=None,
                                               text=f"prerequisite of {d}"))
    unblocks_total = _transitive_counts(dependents)
    order = _order(kb, costs, prerequisites, dependents, unblocks_total)
    # Within a wave every item can start at once: the one with the most value per person-week first (then serving
    # level, unblocking, id), so the first lines of a wave are where to start.
    waves = [sorted(members, key=lambda p: (-_value_per_effort(costs, p), kb.serving_level[p], -unblocks_total[p], p))
             for members in _waves(costs, order, prerequisites, capacity)]
    wave_of = {p: k for k, members in enumerate(waves, start=1) for p in members}
    ranked = [p for members in waves for p in members]

    cumulative: dict[str, str] = {}
    after_assess_first = None
    previous = start
    if assess_first:
        cumulative.update({p: "FI" for p in sorted(assess_first)})
        after_assess_first = infer(cumulative)
        previous = after_assess_first
    wave_results = []
    for number, members in enumerate(waves, start=1):
        cumulative.update({p: "FI" for p in members})
        after = infer(cumulative)
        wave_results.append(_wave(kb, costs, number, members, capacity, previous, after))
        previous = after
    if not previous.target_reached:
        raise InferenceError(f"internal error: the plan toward {goal.label} does not reach it when re-inferred")
    reached_at = 0 if after_assess_first is not None and after_assess_first.target_reached else next(
        w.number for w in wave_results if w.target_reached)

    needed_for = {p: sorted({r.of for r in found if r.kind != "prerequisite"}) for p, found in reasons.items()}
    needed_by: dict[str, list[str]] = {p: [] for p in assess_first}
    for d in sorted(planned):
        for p in sorted(set(kb.practices[d].requires) & assess_first):
            needed_by[p].append(d)

    findings_now = set(start.findings)
    items = [
        made(RoadmapItem,
            rank=rank, practice=p, name=kb.practices[p].name, status=_shown(statuses[p]),
            wave=wave_of[p], serves=kb.serving_level[p], needed_by_target=bool(needed_for[p]),
            needed_for=needed_for[p], reasons=reasons[p], implements=list(kb.practice_implements.get(p, [])),
            framework_levels=_framework_levels(kb, p), requires=prerequisites[p],
            awaits_assessment=sorted(q for q in kb.practices[p].requires if q in assess_first),
            unblocks=sorted(dependents[p]), unblocks_total=unblocks_total[p], effort=_effort([p], costs),
            effort_basis=costs.basis(p), value=kb.practices[p].value,
            value_per_effort=_rounded_value_per_effort(costs, p),
            quick_win=_value_per_effort(costs, p) >= QUICK_WIN_VALUE_PER_EFFORT,
            why=_plain_why(kb, p, reasons[p], sorted(dependents[p]), goal), note=_note(facts, p),
            guidance=kb.practices[p].guidance, evidence=list(kb.practices[p].evidence),
            resolves_findings=_resolves(kb, p, findings_now),
        )
        for rank, p in enumerate(ranked, start=1)
    ]
    first = [
        made(AssessFirstItem,
            practice=p, name=kb.practices[p].name,
            status=_shown(statuses[p]),
            serves=kb.serving_level[p], needed_by_target=bool(needed_for[p]), needed_for=needed_for[p],
            reasons=reasons[p], needed_by=needed_by[p],
            missing_prerequisites=sorted(q for q in kb.practices[p].requires if statuses[q] in UNSAT),
            effort=_effort([p], costs), effort_basis=costs.basis(p),
            why=_plain_why(kb, p, reasons[p], needed_by[p], goal),
            note=_note(facts, p), evidence=list(kb.practices[p].evidence),
        )
        for p in sorted(assess_first, key=lambda p: (kb.serving_level[p], p))
    ]
    if_missing = _if_missing(kb, costs, planned, assess_first)
    raised = _raised(kb, wave_results, waves, session, cumulative_of=lambda k: {
        **{p: "FI" for p in assess_first}, **{p: "FI" for members in waves[:k] for p in members}})
    mentioned = set(start.findings) | {f for w in wave_results for f in w.findings_resolved + w.findings_raised} | {
        f for i in items for f in i.resolves_findings}
    return made(Roadmap,
        **header, reached=False, after_assess_first=after_assess_first, reached_at_wave=reached_at,
        items=items, waves=wave_results, assess_first=first,
        estimate=_estimate(kb, costs, goal, start, ranked, sorted(assess_first), if_missing, order, prerequisites,
                           wave_results, capacity, size),
        findings=_findings(kb, mentioned), raised_findings=raised,
    )


def plan_roadmap(
    kb: KnowledgeBase,
    facts: FactFile,
    *,
    target: TargetSpec = None,
    capacity: float | None = None,
    assumptions: Mapping[str, str] | None = None,
    verify: bool = True,
    plan_unobserved: bool = False,
    source: str | None = None,
    evaluator: Evaluator = "rules",
) -> Roadmap:
    """:func:`plan` on a new :class:`Session` of ``facts`` (the public API's and the CLI's entry point).

    ``verify`` and ``evaluator`` are the session's: the rules engine cross-checked against the reference
    evaluator (the default), the rules engine alone (``verify=False``), or the reference evaluator alone
    (``evaluator="reference"``, the fastest).

    Raises:
        UserInputError: unknown or impossible ``target``, bad ``capacity``, unknown practice or status in
            ``assumptions``.
        VerificationError: the two evaluators disagree (an internal error).
    """
    session = Session(kb, facts, assumptions, verify=verify, source=source, evaluator=evaluator)
    return plan(session, target=target, capacity=capacity, plan_unobserved=plan_unobserved)


def roadmap_file(
    path: Path,
    *,
    kb_dir: Path | None = None,
    target: str | None = None,
    capacity: float | None = None,
    assume: Sequence[str] = (),
    verify: bool = True,
    plan_unobserved: bool = False,
    evaluator: Evaluator = "rules",
    max_evidence_age: int | None = None,
) -> Roadmap:
    """The roadmap of the fact file at ``path``; ``target`` and ``assume`` in their text form; ``max_evidence_age``
    (days) is the session's (stale evidence)."""
    kb = load_knowledge_base(kb_dir)
    facts = load_fact_file(path, kb)
    assumptions = parse_assumptions(list(assume), kb)
    goal = parse_target(target, kb) if target is not None else None
    session = Session(kb, facts, assumptions, verify=verify, source=str(path), evaluator=evaluator,
                      max_evidence_age=max_evidence_age)
    return plan(session, target=goal, capacity=capacity, plan_unobserved=plan_unobserved)


# ------------------------------------------------------------------------------------------------- the steps


def _needs(kb: KnowledgeBase, facts: FactFile, c: Conclusions, statuses: Mapping[str, str],
           target: Target) -> list[_Need]:
    """What the target needs and is not satisfied, in the order the planner takes it; the candidates of each
    are the alternatives that could satisfy it (not the all-NA ones). Refuses an impossible target."""
    needs: list[_Need] = []
    impossible: list[str] = []
    if target.kind == "maturity":
        capability = required_capability(target.level)
        keyed: list[tuple[int, int, int, str]] = []
        index = _static(kb).model_practice_index
        for pa in kb.process_areas:
            if pa.maturity_level > target.level or pa.id in facts.out_of_scope:
                continue
            for sp in pa.specific_practices:
                keyed.append((pa.maturity_level, 0, index[sp.id], sp.id))
            for gg in kb.generic_goals:
                if gg.capability_level <= capability:
                    for gp in gg.practices:
                        mp_id = f"{pa.id}.{gp.id}"
                        keyed.append((max(pa.maturity_level, gg.capability_level), 1, index[mp_id], mp_id))
        for *_, mp_id in sorted(keyed):
            if c.mp_status[mp_id] == SATISFIED:
                continue
            mp = kb.model_practices[mp_id]
            label = f"{mp_id} ({mp.name})"
            direct = facts.model_practices.get(mp_id)
            if direct is not None:
                impossible.append(f"{label} is characterized directly as {direct.status.value} in the fact file, "
                                  "which decides it whatever practices are implemented")
                continue
            candidates = [(f"{mp_id}#{k}", tuple(alt)) for k, alt in enumerate(mp.alternatives, 1)]
            inherited = facts.model_practices.get(mp.inherits) if mp.inherits is not None else None
            if mp.inherits is not None and inherited is None:
                org = kb.model_practices[mp.inherits]
                candidates += [(f"{org.id}#{k}", tuple(alt)) for k, alt in enumerate(org.alternatives, 1)]
            applicable = [(a, m) for a, m in candidates if not _all_na(m, statuses)]
            if not candidates:
                impossible.append(f"{label} inherits {mp.inherits}, which the fact file characterizes directly as "
                                  f"{inherited.status.value if inherited else '?'}, and has no alternative of its "
                                  "own that can be adopted")
                continue
            # NA never removes a required practice: with no applicable alternative, the NA characterizations are to
            # be reconsidered. The all-NA alternatives stay candidates: one whose NA practices are all reconsidered
            # (for this or another need) is found in place by the plan's premise.
            needs.append(_Need(mp_id, "cmmi_practice", mp_id, None, label, tuple(candidates),
                               reconsider=not applicable))
    else:
        assert target.framework is not None
        fw = kb.frameworks[target.framework]
        for lv in fw.levels:
            if lv.level > target.level:
                continue
            where = f"{fw.id}:{lv.level}"
            for i, group in enumerate(lv.requirement_groups, 1):
                if len(group) == 1 and len(group[0]) == 1:
                    p = group[0][0]
                    if practice_class(statuses[p]) in (SATISFIED, NOT_APPLICABLE):
                        continue
                    needs.append(_Need(f"{where}#{i}", "framework_requirement", where, i,
                                       f"{where} requirement {i} ({p})", ((None, (p,)),)))
                    continue
                gid = framework_group_id(fw.id, lv.level, i)
                if c.mp_status.get(gid) in (SATISFIED, NOT_APPLICABLE):
                    continue
                candidates = [(f"{gid}#{k}", tuple(alt)) for k, alt in enumerate(group, 1)]
                candidates = [(a, m) for a, m in candidates if not _all_na(m, statuses)]
                needs.append(_Need(f"{where}#{i}", "framework_requirement", where, i,
                                   f"{where} requirement {i} (any of {len(group)})", tuple(candidates)))
    if impossible:
        raise UserInputError([Problem.of_parameter("target", target.label,
                                                   "impossible target: " + "; ".join(impossible))])
    return needs


def _all_na(members: Sequence[str], statuses: Mapping[str, str]) -> bool:
    """Every practice of an alternative is NA: its class is not applicable (``rate_alternative``)."""
    return all(statuses[p] == "NA" for p in members)


def _choose(kb: KnowledgeBase, costs: _Costs, needs: list[_Need], target: Target,
            plan_unobserved: bool) -> tuple[set[str], set[str], dict[str, list[Reason]]]:
    """Choose an alternative for every need, cheapest given what is in place and already chosen; return the
    planned items, the assess-first practices and the reasons of each."""
    statuses = costs.statuses
    planned: set[str] = set()
    assess_first: set[str] = set()
    reasons: dict[str, list[Reason]] = {}

    def closure(members: Sequence[str], *, everything: bool = False) -> list[str]:
        """The not-yet-satisfied members and their unsatisfied prerequisites, leaving out what is already chosen:
        not through an assess-first practice (what is planned), or, with ``everything``, through every one (what
        adopting the members costs; the explanation's cheapest alternative is costed the same way)."""
        out: set[str] = set()
        pending = [p for p in members if statuses[p] in UNSAT]
        while pending:
            p = pending.pop()
            if p in out or p in planned or p in assess_first:
                continue
            out.add(p)
            if everything or statuses[p] in FAILED or plan_unobserved:
                pending.extend(q for q in kb.practices[p].requires if statuses[q] in UNSAT)
        return sorted(out)

    costings: dict[tuple[str, ...], tuple[float, int, tuple[str, ...]]] = {}
    """An alternative's members -> (cost, -value, what adopting them takes): the same alternatives come up again
    (each area's generic practice offers the organization-level one's); valid until the chosen sets grow."""
    for need in [n for n in needs if n.reconsider] + [n for n in needs if not n.reconsider]:
        if need.reconsider:
            # Every way to the CMMI practice is marked NA: the cheapest alternative's NA practices are to be
            # assessed again (the plan's premise counts them found in place); they are never planned as work.
            alt_id, members = min(need.candidates, key=lambda c: (
                sum(kb.practices[p].effort.mid for p in c[1] if statuses[p] == "NA"), c[0] or ""))
            for p in members:
                if statuses[p] == "NA" and p not in planned:
                    assess_first.add(p)
                    reasons.setdefault(p, []).append(made(Reason,
                        kind=need.kind, of=need.of, requirement=need.requirement, alternative=alt_id,
                        text=f"{need.of} (alternative {(alt_id or '#?').split('#')[1]}): marked NA, but NA cannot "
                             "remove a required CMMI practice; reconsider the characterization"))
            costings.clear()
            continue
        best: tuple[tuple[float, int, tuple[str, ...], int], str | None, tuple[str, ...]] | None = None
        for number, (alt_id, members) in enumerate(need.candidates):
            if _all_na(members, statuses) and not all(p in assess_first for p in members):
                # all NA, and not reconsidered: it cannot count
                continue
            costing = costings.get(members)
            if costing is None:
                costed = closure(members, everything=True)
                costing = costings[members] = (round(sum(costs.mid(p) for p in costed), 9),
                                               -sum(kb.practices[p].value for p in costed), tuple(costed))
            key = (*costing, number)
            if best is None or key < best[0]:
                best = (key, alt_id, members)
        assert best is not None  # _needs keeps only needs with candidates
        _, alt_id, members = best
        added = closure(members)
        if added:
            costings.clear()
        for p in added:
            if statuses[p] in FAILED or plan_unobserved:
                planned.add(p)
            else:
                assess_first.add(p)
        unsatisfied = [p for p in members if statuses[p] in UNSAT]
        if not unsatisfied:
            continue
        if need.kind == "cmmi_practice":
            via = "" if alt_id is None or alt_id.startswith(need.of + "#") else \
                f" through the organization-level {alt_id.split('#')[0]}"
            text = f"{need.of}{via} (alternative {alt_id.split('#')[1]})" if alt_id else need.of
        else:
            text = f"{need.of} requirement {need.requirement}" + (
                f" (alternative {alt_id.split('#')[1]})" if alt_id else "")
        # One reason per need, the same (immutable) object in each member's list.
        reason = made(Reason, kind=need.kind, of=need.of, requirement=need.requirement, alternative=alt_id, text=text)
        for p in unsatisfied:
            reasons.setdefault(p, []).append(reason)
    for p in planned | assess_first:
        reasons.setdefault(p, [])
    return planned, assess_first, reasons


def _transitive_counts(dependents: Mapping[str, list[str]]) -> dict[str, int]:
    """How many planned items depend on each item, directly or transitively."""
    memo: dict[str, frozenset[str]] = {}

    def below(p: str) -> frozenset[str]:
        if p not in memo:
            found: set[str] = set()
            for d in dependents[p]:
                found.add(d)
                found |= below(d)
            memo[p] = frozenset(found)
        return memo[p]

    return {p: len(below(p)) for p in sorted(dependents)}


def _value_per_effort(costs: _Costs, p: str) -> float:
    mid = round(costs.mid(p), 6)
    return math.inf if mid == 0 else costs.kb.practices[p].value / mid


def _rounded_value_per_effort(costs: _Costs, p: str) -> float | None:
    ratio = _value_per_effort(costs, p)
    return None if math.isinf(ratio) else round(ratio, 3)


def _order(kb: KnowledgeBase, costs: _Costs, prerequisites: Mapping[str, list[str]],
           dependents: Mapping[str, list[str]], unblocks_total: Mapping[str, int]) -> list[str]:
    """Kahn's topological sort; among the available items the smallest key comes first."""

    def key(p: str) -> tuple[int, int, float, str]:
        return kb.serving_level[p], -unblocks_total[p], -_value_per_effort(costs, p), p

    waiting = {p: len(reqs) for p, reqs in prerequisites.items()}
    heap = [key(p) for p, n in waiting.items() if n == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        p = heapq.heappop(heap)[-1]
        order.append(p)
        for d in dependents[p]:
            waiting[d] -= 1
            if waiting[d] == 0:
                heapq.heappush(heap, key(d))
    if len(order) != len(prerequisites):  # the KB validator rejects cycles; this guards an unchecked KB
        raise InferenceError("prerequisite cycle among planned practices: "
                             + ", ".join(sorted(p for p, n in waiting.items() if n)))
    return order


def _waves(costs: _Costs, order: list[str], prerequisites: Mapping[str, list[str]],
           capacity: float | None) -> list[list[str]]:
    """Group the ordered items into waves: prerequisites in earlier waves; within capacity when given."""
    remaining = list(order)
    done: set[str] = set()
    waves: list[list[str]] = []
    while remaining:
        wave: list[str] = []
        load = 0.0
        for p in remaining:
            if not all(q in done for q in prerequisites[p]):
                continue
            mid = costs.mid(p)
            if capacity is None or load + mid <= capacity + 1e-9:
                wave.append(p)
                load += mid
            elif not wave:  # bigger than the capacity on its own: a wave of its own
                wave.append(p)
                break
        # The first remaining item always qualifies (its prerequisites precede it in the order): wave != [].
        waves.append(wave)
        done.update(wave)
        chosen = set(wave)
        remaining = [p for p in remaining if p not in chosen]
    return waves


plain_number = words.plain_number
"""Kept importable from here; the vocabulary's (engine/words.py)."""


def _shown(status: str) -> Literal["PI", "NI", "NY", "not_observed"]:
    return public_status(status)  # type: ignore[return-value]


def _effort(pids: Sequence[str], costs: _Costs) -> EffortRange:
    bounds = [costs.bounds(p) for p in pids]
    low = sum(b[0] for b in bounds)
    high = sum(b[1] for b in bounds)
    return made(EffortRange, min=round(low, 6), max=round(high, 6), mid=round((low + high) / 2, 6))


def _framework_levels(kb: KnowledgeBase, p: str) -> list[str]:
    return [f"{fw}:{level}" for fw, level in kb.framework_practices.get(p, [])]


def _resolves(kb: KnowledgeBase, p: str, firing: set[str]) -> list[str]:
    """Findings firing now that list ``p`` among the practices resolving them, or that have a condition on ``p``
    which no longer holds once ``p`` is FI (level conditions are accounted for per wave, by re-inference)."""
    out = []
    for rule in kb.insights:
        if rule.id not in firing:
            continue
        flips = any(isinstance(c, PracticeCondition) and c.practice == p and "FI" not in PRACTICE_CLASSES[c.is_]
                    for c in rule.when)
        if flips or p in rule.practices:
            out.append(rule.id)
    return out


def _state_of_conclusions(kb: KnowledgeBase, c: Conclusions, target: Target) -> LevelState:
    """The levels of one inferred state, in the order an assessment lists them."""
    return made(LevelState,
        maturity_level=c.maturity_level, maturity_level_name=kb.level_name(c.maturity_level),
        framework_levels={fid: c.framework_level.get(fid) for fid in kb.frameworks},
        capability_levels={pa.id: None if c.pa_status[pa.id][0] in ("out_of_scope", "not_rated")
                           else c.pa_status[pa.id][1] for pa in kb.process_areas},
        generic_goals={gg.id: cast(GoalStatus, c.goal_status[gg.id]) for gg in kb.generic_goals},
        findings=sorted(c.findings), target_reached=_reached(target, c.maturity_level, c.framework_level),
    )


def _wave(kb: KnowledgeBase, costs: _Costs, number: int, members: list[str], capacity: float | None,
          before: LevelState, after: LevelState) -> Wave:
    effort = _effort(members, costs)
    oversized = capacity is not None and len(members) == 1 and effort.mid > capacity + 1e-9
    duration = None
    if capacity is not None:
        duration = max(1, math.ceil(round(effort.mid / capacity, 9)))
    level_names = _static(kb).framework_level_names
    return made(Wave,
        number=number, practices=list(members), effort=effort, duration_quarters=duration, oversized=oversized,
        maturity_level_after=after.maturity_level, maturity_level_name_after=after.maturity_level_name,
        framework_levels_after=dict(after.framework_levels),
        capability_changes=[
            made(CapabilityChange, process_area=pa.id, name=pa.name, before=before.capability_levels[pa.id],
                                   after=after.capability_levels[pa.id])
            for pa in kb.process_areas if before.capability_levels[pa.id] != after.capability_levels[pa.id]
        ],
        framework_changes=[
            made(FrameworkChange, framework=fid, name=kb.frameworks[fid].name, before=before.framework_levels[fid],
                                  after=level, level_name=None if level is None else level_names[fid][level])
            for fid, level in after.framework_levels.items() if before.framework_levels[fid] != level
        ],
        generic_goal_changes=[
            made(GoalChange, goal=g, before=before.generic_goals[g], after=status)
            for g, status in after.generic_goals.items() if before.generic_goals[g] != status
        ],
        findings_resolved=sorted(set(before.findings) - set(after.findings)),
        findings_raised=sorted(set(after.findings) - set(before.findings)),
        target_reached=after.target_reached,
    )


def _estimate(kb: KnowledgeBase, costs: _Costs, target: Target, start: LevelState, ranked: list[str],
              assess_first: list[str], if_missing: list[str], order: list[str],
              prerequisites: Mapping[str, list[str]], waves: list[Wave], capacity: float | None,
              size: Size) -> Estimate:
    quarters = None if capacity is None else sum(w.duration_quarters or 0 for w in waves)
    teams = size.ml_team_count or 0
    used = capacity if capacity is not None else CAPACITY_PER_TEAM * max(teams, 1)
    at_used = quarters if quarters is not None else sum(
        max(1, math.ceil(round(_effort(w, costs).mid / used, 9))) for w in _waves(costs, order, prerequisites, used))
    missing = _effort(if_missing, costs)
    planned = _effort(ranked, costs)
    extra = round(missing.mid - planned.mid, 6)
    more = math.ceil(round(extra / used, 9)) if extra > 0 else 0
    calendar = made(Calendar, capacity=used, source="given" if capacity is not None else "default",
                    teams=max(teams, 1), teams_known=teams >= 1, quarters=at_used, months=at_used * MONTHS_PER_QUARTER,
                    quarters_if_missing=at_used + more, months_if_missing=(at_used + more) * MONTHS_PER_QUARTER)
    steps = []
    if target.kind == "maturity":
        medians = {lv.level: lv.median_months_from_previous for lv in kb.maturity_levels}
        steps = [made(MedianStep, from_level=n - 1, to_level=n, months=medians.get(n))
                 for n in range(start.maturity_level + 1, target.level + 1)]
    known = [s.months for s in steps if s.months is not None]
    return made(Estimate,
        effort=planned, assess_first_effort=_effort(assess_first, costs), effort_if_missing=missing,
        calendar=calendar, calendar_note=CALENDAR_NOTE, capacity=capacity,
        quarters=quarters, months=None if quarters is None else quarters * MONTHS_PER_QUARTER,
        historical_steps=steps, historical_months=sum(known) if steps and len(known) == len(steps) else None,
    )


def _if_missing(kb: KnowledgeBase, costs: _Costs, planned: set[str], assess_first: set[str]) -> list[str]:
    """The practices the plan needs should every assess-first practice be missing: the planned items, the
    assess-first practices (not the NA ones to reconsider) and their unsatisfied prerequisites, transitively."""
    out = set(planned)
    pending = [p for p in assess_first if costs.statuses[p] != "NA"]
    while pending:
        p = pending.pop()
        if p in out:
            continue
        out.add(p)
        pending.extend(q for q in kb.practices[p].requires if costs.statuses[q] in UNSAT)
    return sorted(out)


def _note(facts: FactFile, p: str) -> str | None:
    observation = facts.practices.get(p)
    return None if observation is None or not observation.note else observation.note


def _plain_why(kb: KnowledgeBase, p: str, reasons: Sequence[Reason], unblocks: Sequence[str],
               target: Target) -> str:
    """The reason in plain words: what in the target needs it (CMMI practices and process areas, framework
    levels, by name), and what it unblocks (by name); the goal codes stay in ``reasons``."""
    static = _static(kb)
    areas, model_practices = static.area_names, kb.model_practices
    specific: dict[str, list[str]] = {}
    generic: dict[str, list[str]] = {}
    frameworks: list[str] = []
    for r in reasons:
        if r.kind == "cmmi_practice" and r.of in model_practices:
            mp = model_practices[r.of]
            area = areas.get(r.of.split(".")[0], "the organization")
            group = generic.setdefault(mp.name, []) if ".GP" in r.of else specific.setdefault(area, [])
            entry = area if ".GP" in r.of else f"'{mp.name}'"
            if entry not in group:
                group.append(entry)
        elif r.kind == "framework_requirement":
            fid, _, level = r.of.partition(":")
            level_name = static.framework_level_names.get(fid, {}).get(int(level)) if level.isdigit() else None
            label = f"{fid} level {level}" + (f" ({level_name})" if level_name is not None else "")
            if label not in frameworks:
                frameworks.append(label)
    served = []
    for area, names in specific.items():
        shown = names if len(names) <= 2 else names[:2] + [f"{len(names) - 2} more"]
        served.append(f"{words.listing(shown)} in {area}")
    for name, where in generic.items():
        served.append(f"'{name}' in {words.listing(where)}" if len(where) <= 2 else
                      f"'{name}' in {len(where)} process areas")
    served += frameworks
    parts = []
    if served:
        parts.append(f"Toward {target.label}, needed for " + words.listing(served))
    if unblocks:
        unblocked = [kb.practices[d].name for d in unblocks]
        listed = words.listing(unblocked[:3] + ([f"{len(unblocked) - 3} more"] if len(unblocked) > 3 else []))
        parts.append(("it unblocks " if parts else "Unblocks ") + listed)
    return ("; ".join(parts) + ".") if parts else kb.practices[p].name + "."


def _findings(kb: KnowledgeBase, ids: set[str] | Sequence[str]) -> list[FindingRef]:
    rules = _static(kb).insights
    return [made(FindingRef, id=f, name=rules[f].name,
                 severity=str(getattr(rules[f].severity, "value", rules[f].severity)),
                 practices=list(rules[f].practices)) for f in sorted(ids) if f in rules]


def _raised(kb: KnowledgeBase, wave_results: list[Wave], waves: list[list[str]], session: Session,
            cumulative_of: Callable[[int], dict[str, str]]) -> list[RaisedFinding]:
    """Every finding a wave raises, with the finding's practices that are not satisfied after that wave (adopting
    them avoids it) and which of those the plan has in a later wave."""
    rules = _static(kb).insights
    out = []
    for w in wave_results:
        if not w.findings_raised:
            continue
        assumed = cumulative_of(w.number)
        statuses = session.statuses_with(assumed)
        later = {p for members in waves[w.number:] for p in members}
        for f in w.findings_raised:
            rule = rules[f]
            avoid = [p for p in rule.practices if practice_class(statuses[p]) != SATISFIED]
            resolved = next((v.number for v in wave_results[w.number:] if f in v.findings_resolved), None)
            out.append(made(RaisedFinding,
                finding=f, name=rule.name, severity=str(getattr(rule.severity, "value", rule.severity)),
                wave=w.number, avoided_by=avoid, planned_later=sorted(p for p in avoid if p in later),
                resolved_at_wave=resolved))
    return out


__all__ = [
    "AssessFirstItem",
    "Estimate",
    "Reason",
    "Roadmap",
    "RoadmapItem",
    "Target",
    "Wave",
    "parse_target",
    "plain_number",
    "plan",
    "plan_roadmap",
    "roadmap_file",
]
