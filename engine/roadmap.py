"""The roadmap: an ordered, prerequisite-aware improvement plan toward a target level, verified by re-inference.

How a roadmap is made (DESIGN.md, Roadmap):

1. **Target.** A CMMI maturity level N (default: the level above the current one) or a framework level
   ``FRAMEWORK:K``. The *scope* of the target is the set of practices it needs: for level N, every practice
   evidencing a goal rated at level N or below (the specific goals of the process areas of levels 2..N, GG2, and
   GG3 when N >= 3); for ``FRAMEWORK:K``, the practices of the framework's levels up to K.
2. **Content.** Every practice of the scope that is not satisfied (FI/LI) and not applicable (NA), plus the
   unsatisfied prerequisites they pull in, transitively. Practices that are NY or not observed are not planned:
   the goals they evidence are *not rated* rather than failed, so they go to ``assess_first``. The plan is made
   on the premise that the assess-first practices will be found in place; a prerequisite in ``assess_first`` is
   not followed further (its own prerequisites matter only if it turns out to be missing, and are listed with it).
   With ``plan_unobserved`` they are planned as items instead (status NY or not_observed: check before starting
   the work), and ``assess_first`` is empty.
3. **The guarantee.** Assuming every assess-first practice and every planned item FI, on top of the fact file and
   the user's assumptions, reaches the target, as inferred by the engine (:meth:`Roadmap.assumptions_after` of the
   last wave). A target for which even that is not enough (for example a generic goal whose every practice is NA)
   is refused as impossible. Nothing is padding: every item is in the target's scope or a prerequisite of
   another item, and every item of the scope is necessary (without it, its goal or framework level fails).
4. **Order.** A topological order of the planned items (no item before a planned prerequisite); among the items
   available at the same time: the lowest maturity level the item serves first, then the one that unblocks
   more planned items (counted transitively), then the higher value per person-week (``value / effort.mid``;
   an item of no effort first), then the id. The third key follows issue 4 (the roadmap issue: "... then value
   per effort, then id"), the newer specification; DESIGN.md's Roadmap section, written before it, says "then
   by effort", which ignores the value the knowledge base records for each practice.
5. **Waves.** Wave k holds the items whose planned prerequisites are all in earlier waves. Without a capacity a
   wave holds every such item (the waves are the layers of the prerequisite graph). With a capacity in
   person-weeks per quarter, a wave is one quarter: items are taken in order while their mid effort fits
   (first fit); an item bigger than the capacity gets a wave of its own, which then spans several quarters.
6. **As inferred, not estimated.** The starting point, the state once the assess-first practices are assumed
   found, and the state after each wave (every item so far assumed FI) are inferred by the engine. With
   ``verify`` (the default) each is a full :func:`~mlops_maturity.engine.assessment.assess`: the durable_rules
   inference cross-checked against the reference evaluator, about one assessment's time per state. Without,
   the reference evaluator alone (the same semantics, the test oracle of the rules; a fraction of a millisecond
   per state).
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal, cast

from mlops_maturity.engine import documents, reference
from mlops_maturity.engine.assessment import (
    assess,
    assumption_problems,
    effective_statuses,
    parse_assumptions,
)
from mlops_maturity.engine.errors import InferenceError, Problem, UserInputError
from mlops_maturity.engine.facts import FactFile, load_fact_file
from mlops_maturity.engine.inference import (
    PRACTICE_CLASSES,
    UNRATED,
    UNSAT,
    Conclusions,
    public_status,
)
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.knowledge import PracticeCondition
from mlops_maturity.engine.levels import check_framework_level, check_maturity_level, next_level
from mlops_maturity.engine.results import Assessment, Assumption, GoalStatus, Result
from pydantic import Field

ROADMAP_SCHEMA_VERSION = "1.0"

WEEKS_PER_QUARTER = 13
MONTHS_PER_QUARTER = 3

TargetSpec = int | tuple[str, int] | str | None
"""What :func:`plan_roadmap` accepts as a target: a maturity level, ``(framework, level)``, the CLI text form
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
    serves: int = Field(description="Lowest CMMI maturity level among the goals the practice evidences.")
    needed_by_target: bool = Field(description="In the target's scope; otherwise only a prerequisite.")
    needed_for: list[str] = Field(
        description="What in the target needs it: goal ids (maturity target) or FRAMEWORK:LEVEL (framework target)."
    )
    goals: list[str] = Field(description="Every goal the practice evidences.")
    framework_levels: list[str] = Field(description="Every framework level calling for it, as FRAMEWORK:LEVEL.")
    requires: list[str] = Field(description="Planned items it waits for (direct prerequisites).")
    awaits_assessment: list[str] = Field(description="Direct prerequisites listed under assess_first.")
    unblocks: list[str] = Field(description="Planned items that directly require it.")
    unblocks_total: int = Field(description="Planned items that require it directly or transitively.")
    effort: EffortRange
    value: int
    value_per_effort: float | None = Field(description="value / effort.mid, rounded; null when effort is 0.")
    guidance: str
    evidence: list[str] = Field(description="The evidence that will show the practice is done.")
    resolves_findings: list[str] = Field(
        description="Findings firing now that list the practice, or whose condition on it flips when it is FI."
    )


class AssessFirstItem(Result):
    """A needed practice that is NY or not observed: assess it before planning work on it."""

    practice: str
    name: str
    status: Literal["NY", "not_observed"]
    serves: int
    needed_by_target: bool
    needed_for: list[str]
    needed_by: list[str] = Field(description="Planned items that wait for it.")
    missing_prerequisites: list[str] = Field(
        description="Its unsatisfied prerequisites: work to add to the plan if it turns out to be missing."
    )
    effort: EffortRange = Field(description="Effort should it turn out to be missing.")
    evidence: list[str] = Field(description="What the assessor should look for.")


class MedianStep(Result):
    """The historical median time organizations needed for one maturity-level step."""

    from_level: int
    to_level: int
    months: int | None = Field(description="Null: no figure is known for this step.")


class Estimate(Result):
    """Effort and calendar time of the plan, beside the historical median for the same level step."""

    effort: EffortRange = Field(description="Sum over the planned items.")
    assess_first_effort: EffortRange = Field(description="Extra effort if every assess-first practice is missing.")
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
        description="rules: durable_rules inference cross-checked against the reference evaluator (verify); "
        "reference: the reference evaluator alone."
    )
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


def parse_target(text: str, kb: KnowledgeBase) -> int | tuple[str, int]:
    """``"3"`` -> 3, ``"google:2"`` -> ``("google", 2)``, checked against the knowledge base.

    Raises:
        UserInputError: not a level, unknown framework (with a suggestion), or a level the framework lacks.
    """
    raw = text.strip()
    if re.fullmatch(r"[0-9]+", raw):
        return check_maturity_level(int(raw), shown=text)
    name, sep, level_text = raw.partition(":")
    name, level_text = name.strip(), level_text.strip()
    if not sep and name not in kb.frameworks:
        raise UserInputError([Problem("--target", text, "expected a maturity level 1-5 or FRAMEWORK:LEVEL, e.g. 3 "
                                      f"or google:2{documents.suggest(name, kb.frameworks)} "
                                      f"(frameworks: {', '.join(kb.frameworks)})")])
    check_framework_level(kb, name, None, shown=text)
    if not sep:
        levels = ", ".join(str(lv.level) for lv in kb.frameworks[name].levels)
        raise UserInputError([Problem("--target", text, f"give a level: {name}:LEVEL (levels: {levels})")])
    if not re.fullmatch(r"[0-9]+", level_text):
        raise UserInputError([Problem("--target", text, f"level {level_text!r} is not a whole number")])
    level = int(level_text)
    check_framework_level(kb, name, level, shown=text)
    return name, level


def _resolve_target(kb: KnowledgeBase, spec: TargetSpec, start_level: int) -> Target:
    """The target a :data:`TargetSpec` names, checked; ``None``: the next maturity level (at level 5, level 5
    itself, which is reached: the "already at the highest level" roadmap)."""
    if isinstance(spec, str):
        spec = parse_target(spec, kb)
    if spec is None:
        following = next_level(start_level)
        return _maturity_target(kb, start_level if following is None else following, default=True)
    if isinstance(spec, int) and not isinstance(spec, bool):
        return _maturity_target(kb, check_maturity_level(spec), default=False)
    if not isinstance(spec, (tuple, list)) or len(spec) != 2:
        raise UserInputError([Problem("--target", repr(spec), "expected a maturity level 1-5, (framework, level) "
                                      "or FRAMEWORK:LEVEL, e.g. 3, ('google', 2) or 'google:2'")])
    framework, level = spec
    shown = f"{framework}:{level}"
    check_framework_level(kb, framework, level, shown=shown)
    framework, level = cast(str, framework), cast(int, level)  # checked just above
    fw = kb.frameworks[framework]
    name = next(lv.name for lv in fw.levels if lv.level == level)
    return Target(kind="framework", framework=framework, level=level, name=name,
                  label=f"{framework} level {level} ({name})", default=False, highest=level == fw.levels[-1].level)


def _maturity_target(kb: KnowledgeBase, level: int, *, default: bool) -> Target:
    name = kb.level_name(level)
    return Target(kind="maturity", framework=None, level=level, name=name,
                  label=f"CMMI maturity level {level} ({name})", default=default, highest=level == 5)


def _scope(kb: KnowledgeBase, target: Target) -> dict[str, list[str]]:
    """Practice id -> what in the target needs it (goal ids or FRAMEWORK:LEVEL), for the target's practices."""
    out: dict[str, list[str]] = {}
    if target.kind == "maturity":
        for gid, info in kb.goals.items():
            if info.level <= target.level:
                for pid in kb.goal_practices[gid]:
                    out.setdefault(pid, []).append(gid)
    else:
        assert target.framework is not None
        for lv in kb.frameworks[target.framework].levels:
            if lv.level <= target.level:
                for pid in lv.practices:
                    out.setdefault(pid, []).append(f"{target.framework}:{lv.level}")
    return {pid: sorted(set(needs)) for pid, needs in sorted(out.items())}


def _reached(target: Target, maturity_level: int, framework_levels: Mapping[str, int | None]) -> bool:
    if target.kind == "maturity":
        return maturity_level >= target.level
    assert target.framework is not None
    level = framework_levels.get(target.framework)
    return level is not None and level >= target.level


# ----------------------------------------------------------------------------------------------- the planner


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
) -> Roadmap:
    """Plan the way from a fact file to a target level (see the module docstring for the method).

    Args:
        kb: the knowledge base.
        facts: the validated fact file.
        target: a CMMI maturity level (1-5), ``(framework, level)``, their text form (``"3"``, ``"google:2"``),
            or ``None`` for the level above the current one.
        capacity: person-weeks available per quarter (13 weeks); bounds each wave. ``None``: unbounded waves.
        assumptions: what-if statuses (practice id -> FI/LI/PI/NI/NY) applied to the fact file before planning.
        verify: infer every state with the rules engine cross-checked against the reference evaluator; when
            false, with the reference evaluator alone (faster, same semantics).
        plan_unobserved: plan NY and not-observed practices as items rather than list them under assess_first.
        source: the fact file's name, recorded in the result.

    Raises:
        UserInputError: unknown or impossible target, bad capacity, unknown practice or status in assumptions.
        VerificationError: the two evaluators disagree (an internal error).
    """
    user = _check_assumptions(kb, assumptions or {})
    if capacity is not None and not (math.isfinite(capacity) and capacity > 0):
        raise UserInputError([Problem("--capacity", str(capacity), "expected a positive number of person-weeks "
                                      "per quarter")])
    evaluator: Literal["rules", "reference"] = "rules" if verify else "reference"

    def infer_state(assumed: Mapping[str, str]) -> LevelState:
        """The levels under ``assumed``: a full assessment (rules engine, cross-checked) when verifying, else
        the reference evaluator's conclusions read directly (the same as ``assess(evaluator="reference")``
        without building the per-practice result, which costs ten times the evaluation)."""
        if verify:
            return _state_of_assessment(assess(kb, facts, assumed, verify=True, source=source))
        statuses = effective_statuses(kb, facts, assumed)
        return _state_of_conclusions(kb, reference.evaluate(kb, statuses, dict(facts.context)))

    def infer(assumed: Mapping[str, str]) -> LevelState:
        state = infer_state(assumed)
        reached = _reached(goal, state.maturity_level, state.framework_levels)
        return state.model_copy(update={"target_reached": reached})

    first_state = infer_state(user)
    goal = _resolve_target(kb, target, first_state.maturity_level)
    start = first_state.model_copy(
        update={"target_reached": _reached(goal, first_state.maturity_level, first_state.framework_levels)})
    header = {
        "organization": facts.organization, "assessed_on": facts.assessed_on, "source": source,
        "knowledge_base": kb.fingerprint, "evaluator": evaluator, "plan_unobserved": plan_unobserved,
        "target": goal, "start": start,
        "assumptions": [Assumption(practice=p, status=s) for p, s in user.items()],  # type: ignore[arg-type]
    }
    if start.target_reached:
        nothing = EffortRange(min=0, max=0, mid=0)
        return Roadmap(
            **header, reached=True, after_assess_first=None, reached_at_wave=None, items=[], waves=[],
            assess_first=[],
            estimate=Estimate(effort=nothing, assess_first_effort=nothing, capacity=capacity,
                              quarters=0 if capacity else None, months=0 if capacity else None,
                              historical_steps=[], historical_months=None),
        )

    statuses = effective_statuses(kb, facts, user)
    scope = _scope(kb, goal)
    planned, assess_first = _content(kb, statuses, scope, plan_unobserved)
    _check_possible(kb, facts, statuses, goal, planned | assess_first)

    prerequisites = {p: sorted(q for q in kb.practices[p].requires if q in planned) for p in sorted(planned)}
    dependents: dict[str, list[str]] = {p: [] for p in planned}
    for p, reqs in prerequisites.items():
        for q in reqs:
            dependents[q].append(p)
    unblocks_total = _transitive_counts(dependents)
    order = _order(kb, prerequisites, dependents, unblocks_total)
    waves = _waves(kb, order, prerequisites, capacity)
    wave_of = {p: k for k, members in enumerate(waves, start=1) for p in members}
    ranked = [p for members in waves for p in members]

    cumulative = dict(user)
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
        wave_results.append(_wave(kb, number, members, capacity, previous, after))
        previous = after
    if not previous.target_reached:
        raise InferenceError(f"internal error: the plan toward {goal.label} does not reach it when re-inferred")
    reached_at = 0 if after_assess_first is not None and after_assess_first.target_reached else next(
        w.number for w in wave_results if w.target_reached)

    findings_now = set(start.findings)
    items = [
        RoadmapItem(
            rank=rank, practice=p, name=kb.practices[p].name, status=_shown(statuses[p]),
            wave=wave_of[p], serves=kb.serving_level[p], needed_by_target=p in scope, needed_for=scope.get(p, []),
            goals=kb.practice_goals(kb.practices[p]), framework_levels=_framework_levels(kb, p),
            requires=prerequisites[p],
            awaits_assessment=sorted(q for q in kb.practices[p].requires if q in assess_first),
            unblocks=sorted(dependents[p]), unblocks_total=unblocks_total[p], effort=_effort([p], kb),
            value=kb.practices[p].value, value_per_effort=_rounded_value_per_effort(kb, p),
            guidance=kb.practices[p].guidance, evidence=list(kb.practices[p].evidence),
            resolves_findings=_resolves(kb, p, findings_now),
        )
        for rank, p in enumerate(ranked, start=1)
    ]
    waiting: dict[str, list[str]] = {p: [] for p in assess_first}
    for p in sorted(planned):
        for q in kb.practices[p].requires:
            if q in waiting:
                waiting[q].append(p)
    first = [
        AssessFirstItem(
            practice=p, name=kb.practices[p].name,
            status=_shown(statuses[p]),  # type: ignore[arg-type]
            serves=kb.serving_level[p], needed_by_target=p in scope, needed_for=scope.get(p, []),
            needed_by=sorted(waiting[p]),
            missing_prerequisites=sorted(q for q in kb.practices[p].requires if statuses[q] in UNSAT),
            effort=_effort([p], kb), evidence=list(kb.practices[p].evidence),
        )
        for p in sorted(assess_first, key=lambda p: (kb.serving_level[p], p))
    ]
    return Roadmap(
        **header, reached=False, after_assess_first=after_assess_first, reached_at_wave=reached_at,
        items=items, waves=wave_results, assess_first=first,
        estimate=_estimate(kb, goal, start, ranked, sorted(assess_first), wave_results, capacity),
    )


def roadmap_file(
    path: Path,
    *,
    kb_dir: Path | None = None,
    target: str | None = None,
    capacity: float | None = None,
    assume: Sequence[str] = (),
    verify: bool = True,
    plan_unobserved: bool = False,
) -> Roadmap:
    """The roadmap of the fact file at ``path``; ``target`` and ``assume`` in their command-line text form."""
    kb = load_knowledge_base(kb_dir)
    facts = load_fact_file(path, kb)
    assumptions = parse_assumptions(list(assume), kb)
    goal = parse_target(target, kb) if target is not None else None
    return plan_roadmap(kb, facts, target=goal, capacity=capacity, assumptions=assumptions, verify=verify,
                        plan_unobserved=plan_unobserved, source=str(path))


# ------------------------------------------------------------------------------------------------- the steps


def _check_assumptions(kb: KnowledgeBase, assumptions: Mapping[str, str]) -> dict[str, str]:
    ordered = dict(sorted(assumptions.items()))
    problems = assumption_problems(ordered, kb)
    if problems:
        raise UserInputError(problems)
    return ordered


def _content(kb: KnowledgeBase, statuses: Mapping[str, str], scope: Mapping[str, list[str]],
             plan_unobserved: bool) -> tuple[set[str], set[str]]:
    """The planned items and the assess-first practices: the scope's unsatisfied practices and, transitively,
    the unsatisfied prerequisites of planned items."""
    planned: set[str] = set()
    assess_first: set[str] = set()
    pending = sorted((p for p in scope if statuses[p] in UNSAT), reverse=True)
    while pending:
        p = pending.pop()
        if p in planned or p in assess_first:
            continue
        if statuses[p] in UNRATED and not plan_unobserved:
            assess_first.add(p)
            continue
        planned.add(p)
        pending.extend(sorted((q for q in kb.practices[p].requires if statuses[q] in UNSAT), reverse=True))
    return planned, assess_first


def _check_possible(kb: KnowledgeBase, facts: FactFile, statuses: Mapping[str, str], target: Target,
                    adopted: set[str]) -> None:
    """Refuse a target that adopting every practice of its scope would still not reach."""
    final = {p: "FI" if p in adopted else s for p, s in statuses.items()}
    out = reference.evaluate(kb, final, dict(facts.context))
    if _reached(target, out.maturity_level, out.framework_level):
        return
    reasons = []
    for gid, info in kb.goals.items():
        if target.kind != "maturity" or info.level > target.level or out.goal_status[gid] == "satisfied":
            continue
        pids = kb.goal_practices[gid]
        if not pids:
            reasons.append(f"no practice in the knowledge base evidences goal {gid} ({info.name})")
        elif out.goal_status[gid] == "not_applicable" and info.process_area is None:
            reasons.append(f"every practice evidencing the generic goal {gid} ({info.name}) is NA, so it is never "
                           "satisfied and no process area gets past capability level 1")
    detail = "; ".join(reasons) or "it is not reached even with every practice it needs implemented"
    raise UserInputError([Problem("--target", target.label, f"impossible target: {detail}")])


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


def _value_per_effort(kb: KnowledgeBase, p: str) -> float:
    mid = kb.practices[p].effort.mid
    return math.inf if mid == 0 else kb.practices[p].value / mid


def _rounded_value_per_effort(kb: KnowledgeBase, p: str) -> float | None:
    ratio = _value_per_effort(kb, p)
    return None if math.isinf(ratio) else round(ratio, 3)


def _order(kb: KnowledgeBase, prerequisites: Mapping[str, list[str]], dependents: Mapping[str, list[str]],
           unblocks_total: Mapping[str, int]) -> list[str]:
    """Kahn's topological sort; among the available items the smallest key comes first."""

    def key(p: str) -> tuple[int, int, float, str]:
        return kb.serving_level[p], -unblocks_total[p], -_value_per_effort(kb, p), p

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


def _waves(kb: KnowledgeBase, order: list[str], prerequisites: Mapping[str, list[str]],
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
            mid = kb.practices[p].effort.mid
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


def plain_number(value: float) -> str:
    """A number in fixed decimal notation, never with an exponent: ``2.0`` -> ``2``, ``1.25`` -> ``1.25``,
    ``1234567.0`` -> ``1234567``; at most six decimals (efforts are rounded to six)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _shown(status: str) -> Literal["PI", "NI", "NY", "not_observed"]:
    return public_status(status)  # type: ignore[return-value]


def _effort(pids: Sequence[str], kb: KnowledgeBase) -> EffortRange:
    low = sum(kb.practices[p].effort.min for p in pids)
    high = sum(kb.practices[p].effort.max for p in pids)
    return EffortRange(min=round(low, 6), max=round(high, 6), mid=round((low + high) / 2, 6))


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


def _state_of_assessment(a: Assessment) -> LevelState:
    """The levels of an assessment (``target_reached`` is set by the caller)."""
    return LevelState(
        maturity_level=a.maturity_level, maturity_level_name=a.maturity_level_name,
        framework_levels={f.id: f.level for f in a.frameworks},
        capability_levels={pa.id: pa.capability_level for pa in a.process_areas},
        generic_goals={g.id: g.status for g in a.generic_goals},
        findings=sorted(f.rule for f in a.findings), target_reached=False,
    )


def _state_of_conclusions(kb: KnowledgeBase, c: Conclusions) -> LevelState:
    """The same levels read from an evaluator's conclusions, in the order an assessment lists them."""
    return LevelState(
        maturity_level=c.maturity_level, maturity_level_name=kb.level_name(c.maturity_level),
        framework_levels={fid: c.framework_level.get(fid) for fid in kb.frameworks},
        capability_levels={pa.id: None if c.pa_status[pa.id][1] < 0 else c.pa_status[pa.id][1]
                           for pa in kb.process_areas},
        generic_goals={gg.id: c.goal_status[gg.id] for gg in kb.generic_goals},  # type: ignore[misc]
        findings=sorted(c.findings), target_reached=False,
    )


def _wave(kb: KnowledgeBase, number: int, members: list[str], capacity: float | None, before: LevelState,
          after: LevelState) -> Wave:
    effort = _effort(members, kb)
    oversized = capacity is not None and len(members) == 1 and effort.mid > capacity + 1e-9
    duration = None
    if capacity is not None:
        duration = max(1, math.ceil(round(effort.mid / capacity, 9)))
    level_names = {fid: {lv.level: lv.name for lv in fw.levels} for fid, fw in kb.frameworks.items()}
    return Wave(
        number=number, practices=list(members), effort=effort, duration_quarters=duration, oversized=oversized,
        maturity_level_after=after.maturity_level, maturity_level_name_after=after.maturity_level_name,
        framework_levels_after=after.framework_levels,
        capability_changes=[
            CapabilityChange(process_area=pa.id, name=pa.name, before=before.capability_levels[pa.id],
                             after=after.capability_levels[pa.id])
            for pa in kb.process_areas if before.capability_levels[pa.id] != after.capability_levels[pa.id]
        ],
        framework_changes=[
            FrameworkChange(framework=fid, name=kb.frameworks[fid].name, before=before.framework_levels[fid],
                            after=level, level_name=None if level is None else level_names[fid][level])
            for fid, level in after.framework_levels.items() if before.framework_levels[fid] != level
        ],
        generic_goal_changes=[
            GoalChange(goal=g, before=before.generic_goals[g], after=status)
            for g, status in after.generic_goals.items() if before.generic_goals[g] != status
        ],
        findings_resolved=sorted(set(before.findings) - set(after.findings)),
        findings_raised=sorted(set(after.findings) - set(before.findings)),
        target_reached=after.target_reached,
    )


def _estimate(kb: KnowledgeBase, target: Target, start: LevelState, ranked: list[str], assess_first: list[str],
              waves: list[Wave], capacity: float | None) -> Estimate:
    quarters = None if capacity is None else sum(w.duration_quarters or 0 for w in waves)
    steps = []
    if target.kind == "maturity":
        medians = {lv.level: lv.median_months_from_previous for lv in kb.maturity_levels}
        steps = [MedianStep(from_level=n - 1, to_level=n, months=medians.get(n))
                 for n in range(start.maturity_level + 1, target.level + 1)]
    known = [s.months for s in steps if s.months is not None]
    return Estimate(
        effort=_effort(ranked, kb), assess_first_effort=_effort(assess_first, kb), capacity=capacity,
        quarters=quarters, months=None if quarters is None else quarters * MONTHS_PER_QUARTER,
        historical_steps=steps, historical_months=sum(known) if steps and len(known) == len(steps) else None,
    )


__all__ = [
    "AssessFirstItem",
    "Estimate",
    "Roadmap",
    "RoadmapItem",
    "Target",
    "Wave",
    "parse_target",
    "plain_number",
    "plan_roadmap",
    "roadmap_file",
]
