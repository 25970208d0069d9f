"""Explanations: why a level was not reached, how it was reached, why a practice or framework level stands where
it does.

Every explanation is read from the inference trace (:attr:`Assessment.derivations`: each derived fact with the rule
that produced it and the facts it rests on), never recomputed by separate logic. The trace's fact ids are:

* ``maturity`` <- ``mm:N`` (level N met) <- ``ps:PA`` (process-area rating) <- ``gs:GOAL`` (goal rating)
  <- ``ev:GOAL:PID`` (practice PID evidences GOAL);
* ``fwl:FW`` <- ``fx:FW:K`` (level K reached) <- ``fm:FW:K`` (level K's own practices met) <- ``fr:FW:K:PID``;
* ``r:P`` (P is unsatisfied and ready) <- ``dep:P:Q`` for each prerequisite Q. An unsatisfied practice without
  ``r:P`` is blocked: the ``dep:P:Q`` facts with an unsatisfied Q kept the rule from firing, and the assessment
  lists those Q as the practice's ``blocked_by``.

Premise ids are mapped back to the knowledge base (names, levels) and to the assessment's practice results
(characterization, evidence, note, date). The explanation is checked against the assessment as it is built: a
disagreement is an internal error (:class:`InferenceError`), so an explanation can never contradict ``assess``.

**Minimal adoption.** The smallest set of practices whose adoption (assumed FI) reaches a level. A goal holds only
when *every* practice evidencing it is FI/LI (NA excluded), and inference is monotone in practice statuses, so the
set is exactly the unsatisfied, applicable practices evidencing the goals the level needs and that do not hold (for
a generic goal whose practices are all NA: the cheapest one of them). Every practice of the set is necessary:
without it, a goal the level needs keeps a practice below LI. The set is therefore the unique minimum (up to that
one choice), not merely a minimal one. It is **not** closed under prerequisites: inference does not gate goal
satisfaction on prerequisites, so a prerequisite that evidences no needed goal is not needed *for the rating*, and
adding it would break the property that dropping any one practice loses the level. The unmet prerequisites are
reported beside the set (``prerequisites_first``), because in practice they come first; the roadmap orders both. For
a maturity level that list is empty on any knowledge base ``kb validate`` accepts: a prerequisite never serves a
higher level than the practice requiring it (no level inversions), so an unmet prerequisite of a needed practice
evidences a goal the level needs and is in the set already. For framework levels, which do not follow CMMI levels,
it can be non-empty.

One deliberate difference from the roadmap: when every practice evidencing a generic goal is NA, the goal is rated
not applicable and no process area passes capability level 1. The explanation names the cheapest of those practices
as the adoption (assuming it FI overrides the NA, and re-inference confirms the level), so the client sees that the
NA characterizations themselves are the obstacle; ``plan_roadmap`` refuses such a target as impossible, and
:func:`explain_practice` reports that refusal as the practice's roadmap position.

Nothing here prints: renderers return strings (:func:`to_markdown`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from mlops_maturity.engine import documents
from mlops_maturity.engine.assessment import assess, parse_assumptions
from mlops_maturity.engine.errors import InferenceError, Problem, UserInputError
from mlops_maturity.engine.facts import FactFile, load_fact_file
from mlops_maturity.engine.inference import FAILED, SAT, UNRATED, public_status
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.levels import check_framework_level, check_maturity_level, next_level
from mlops_maturity.engine.results import Assessment, Assumption, Derivation, PracticeResult
from mlops_maturity.engine.roadmap import Roadmap, plan_roadmap
from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

SATISFIED_STATUSES = SAT
NO_EVIDENCE_STATUSES = tuple(public_status(s) for s in UNRATED)
NOT_IMPLEMENTED_STATUSES = FAILED

Gap = Literal["no_evidence", "not_implemented", "not_applicable"]
"""Why a practice does not count: nothing was recorded (assess it), it was assessed as not (fully) implemented,
or it was marked not applicable (only matters for a generic goal whose every practice is NA)."""

CHARACTERIZATION = {
    "FI": "fully implemented (FI)",
    "LI": "largely implemented (LI)",
    "PI": "partially implemented (PI)",
    "NI": "not implemented (NI)",
    "NY": "not yet (NY)",
    "NA": "not applicable (NA)",
    "not_observed": "not observed",
}
"""A practice status in words, with the SCAMPI code in brackets."""

GAP_MEANING = {
    "not_observed": "Not rated: no evidence was recorded for this practice. Assess it; it may already be in place.",
    "NY": "Not rated: marked 'not yet', the work has not reached the point where this practice applies. "
          "Assess it again when it does.",
    "PI": "Assessed and partially implemented: it counts only when fully or largely implemented.",
    "NI": "Assessed and not implemented.",
    "NA": "Marked not applicable.",
}

RULE_MEANING = {
    "goal_satisfied": "every practice evidencing the goal is fully or largely implemented (not applicable ones "
                      "are left out)",
    "goal_unsatisfied": "at least one practice evidencing the goal was assessed as partially or not implemented",
    "goal_not_rated": "nothing evidencing the goal was assessed as failing, but at least one of its practices has "
                      "no evidence recorded (not observed or not yet), so the goal cannot be rated",
    "goal_not_applicable": "every practice evidencing the goal is not applicable",
    "area_satisfied_defined": "every specific goal holds, and the generic goals GG2 and GG3 hold "
                              "organization-wide: capability level 3 (defined)",
    "area_satisfied_managed": "every specific goal holds and GG2 holds, but GG3 does not: capability level 2 "
                              "(managed)",
    "area_satisfied_performed": "every specific goal holds, but GG2 does not: capability level 1 (performed)",
    "area_unsatisfied": "at least one specific goal is unsatisfied: capability level 0 (incomplete)",
    "area_not_rated": "no specific goal is unsatisfied, but at least one is not rated: capability level 0",
    "area_not_applicable": "every specific goal is not applicable",
    "maturity_level_met": "every process area of this level and the levels below is satisfied with the "
                          "capability level the level needs (2 for level 2, 3 above), or is not applicable",
    "maturity_level_staged": "the maturity level is the highest level N such that every level from 2 to N is met",
    "maturity_level_initial": "level 2 is not met, so the organization is at level 1 (Initial)",
    "framework_level_met": "every practice this level of the model calls for is fully or largely implemented, "
                           "or not applicable",
    "framework_level_reached_base": "the model's first level is met",
    "framework_level_reached_next": "this level is met and the level below it is reached",
    "framework_level": "the highest level reached whose next level is not reached",
    "framework_no_level": "not even the model's first level is reached",
    "practice_ready": "the practice is not satisfied and every prerequisite is",
}
"""Each rule of the inference (engine/inference.py), in plain words."""

_AREA_RULES = {
    "area_satisfied_defined": ("satisfied", 3),
    "area_satisfied_managed": ("satisfied", 2),
    "area_satisfied_performed": ("satisfied", 1),
    "area_unsatisfied": ("unsatisfied", 0),
    "area_not_rated": ("not_rated", 0),
    "area_not_applicable": ("not_applicable", None),
}
_GOAL_RULES = {
    "goal_satisfied": "satisfied",
    "goal_unsatisfied": "unsatisfied",
    "goal_not_rated": "not_rated",
    "goal_not_applicable": "not_applicable",
}
STATUS_WORDS = {"satisfied": "satisfied", "unsatisfied": "unsatisfied", "not_rated": "not rated",
                "not_applicable": "not applicable"}


# --- the explanation models ---------------------------------------------------------------------------------


class Explanation(BaseModel):
    """Base of explanation models: immutable, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleStep(Explanation):
    """One link of the inference trace: a derived fact, the rule that concluded it, and its premises."""

    fact: str
    rule: str
    meaning: str = Field(description="The rule in plain words.")
    premises: list[str]


class Prerequisite(Explanation):
    """An unsatisfied prerequisite of a practice, with its own unsatisfied prerequisites beneath it."""

    id: str
    name: str
    status: str
    characterization: str
    prerequisites: list[Prerequisite] = []


class PracticeGap(Explanation):
    """A practice that keeps a goal or a framework level from holding."""

    id: str
    name: str
    status: str = Field(description="PI, NI, NY, NA or not_observed.")
    characterization: str
    gap: Gap
    meaning: str = Field(description="What the status means for the client, in one or two sentences.")
    evidence: list[str] = []
    note: str | None = None
    observed_on: dt.date | None = None
    assumed: bool = False
    prerequisites: list[Prerequisite] = Field(default=[], description="Unsatisfied prerequisites (a tree).")


class GoalGap(Explanation):
    """A specific goal that does not hold, with the practices that keep it from holding."""

    id: str
    name: str
    status: str
    rule: str
    meaning: str
    practices: list[PracticeGap]


class AreaGap(Explanation):
    """A process area that is not satisfied (unsatisfied or not rated)."""

    id: str
    name: str
    maturity_level: int
    status: str
    capability_level: int
    rule: str
    meaning: str
    goals: list[GoalGap]


class GenericGoalGap(Explanation):
    """A generic goal (GG2, GG3) the level needs that does not hold organization-wide."""

    id: str
    name: str
    capability_level: int = Field(description="The capability level this generic goal gives a process area.")
    status: str
    rule: str
    meaning: str
    held_back: list[str] = Field(
        description="Process areas whose specific goals hold but whose capability level stays too low because "
                    "this generic goal does not hold."
    )
    practices: list[PracticeGap]


class PracticeHold(Explanation):
    """A practice as it supports a goal or framework level that holds."""

    id: str
    name: str
    status: str
    characterization: str
    fact: str = Field(description="The trace fact linking the practice to the goal or level.")
    evidence: list[str] = []
    note: str | None = None
    observed_on: dt.date | None = None
    reason: str | None = None
    assumed: bool = False


class GoalHold(Explanation):
    """A goal that holds (or is not applicable), with the rule and practices that established it."""

    id: str
    name: str
    status: str
    step: RuleStep
    practices: list[PracticeHold]


class AreaHold(Explanation):
    """A process area that supports the level, with the rule and goals that established it."""

    id: str
    name: str
    maturity_level: int
    status: str
    capability_level: int | None
    step: RuleStep
    goals: list[GoalHold]


class HowExplanation(Explanation):
    """How a maturity level was reached: the rule chain from the maturity level down to the practices."""

    chain: list[RuleStep] = Field(description="``maturity`` and ``mm:N``, top down.")
    process_areas: list[AreaHold]
    generic_goals: list[GoalHold]


class Adoption(Explanation):
    """One practice of a minimal adoption set, with what it fixes."""

    id: str
    name: str
    status: str
    characterization: str
    gap: Gap
    fixes: list[str] = Field(description="The goals or framework levels that need it.")
    ready: bool = Field(description="Every prerequisite is already satisfied.")


class _Header(Explanation):
    schema_version: str = SCHEMA_VERSION
    organization: str
    assessed_on: dt.date
    source: str | None
    assumptions: list[Assumption]
    maturity_level: int = Field(description="The maturity level the assessment reached.")
    maturity_level_name: str


class LevelExplanation(_Header):
    """Why maturity level N is not reached (and what reaches it), or how it was reached."""

    kind: Literal["level"] = "level"
    level: int
    level_name: str
    reached: bool
    blocking_level: int | None = Field(description="The lowest level not met (null when the level is reached).")
    summary: list[str]
    process_areas: list[AreaGap] = Field(description="Process areas of levels <= N that are not satisfied.")
    generic_goals: list[GenericGoalGap] = Field(description="Generic goals the level needs that do not hold.")
    minimal_adoption: list[str] = Field(description="The smallest set of practices whose adoption reaches N.")
    adoption: list[Adoption]
    prerequisites_first: list[str] = Field(
        description="Unsatisfied prerequisites of the adoption set that are not in it (not needed for the rating, "
                    "but in practice put in place first)."
    )
    achievable: bool = Field(description="False when a needed goal has no practice in the knowledge base.")
    verified: bool = Field(description="Re-running the engine with minimal_adoption assumed FI reaches N.")
    verified_level: int | None = Field(description="The maturity level that re-run reached.")
    how: HowExplanation | None = Field(description="The rule chain, when the level is reached.")


class GoalLink(Explanation):
    """A goal a practice evidences, and whether the practice keeps it from holding."""

    id: str
    name: str
    process_area: str | None
    process_area_name: str | None
    maturity_level: int
    status: str
    rule: str
    holds_back: bool = Field(description="The goal does not hold and this practice is one reason.")


class FrameworkLink(Explanation):
    """A framework level that calls for a practice."""

    framework: str
    framework_name: str
    level: int
    level_name: str
    met: bool = Field(description="Every practice of this level is satisfied.")
    reached: bool = Field(description="This level and every level below it are met.")


class PracticeLink(Explanation):
    """Another practice, with its status."""

    id: str
    name: str
    status: str
    characterization: str
    satisfied: bool


class RoadmapPosition(Explanation):
    """Where a practice sits on the roadmap toward the next level (``maturity roadmap``), and why there."""

    target: str = Field(description="The roadmap's target in words.")
    placement: Literal["planned", "assess_first", "not_needed", "target_reached", "impossible"] = Field(
        description="planned: an item of the plan; assess_first: no evidence recorded, assess before planning; "
                    "not_needed: the target needs neither it nor anything waiting for it; target_reached: "
                    "nothing to plan; impossible: the roadmap refuses the target."
    )
    rank: int | None = Field(description="Position in the plan, from 1 (planned items only).")
    items: int = Field(description="How many items the plan has.")
    wave: int | None
    waves: int = Field(description="How many waves the plan has.")
    needed_by_target: bool
    needed_for: list[str] = Field(description="What in the target needs it (goal ids or FRAMEWORK:LEVEL).")
    requires: list[str] = Field(description="Planned items it waits for.")
    awaits_assessment: list[str] = Field(description="Prerequisites to assess first.")
    unblocks: list[str] = Field(description="Planned items that directly require it.")
    reasons: list[str]


class PracticeExplanation(_Header):
    """A practice: its status, what requires it, what it waits for, where it sits on the way up."""

    kind: Literal["practice"] = "practice"
    id: str
    name: str
    description: str
    status: str
    characterization: str
    satisfied: bool
    gap: Gap | None
    meaning: str
    evidence: list[str]
    note: str | None
    observed_on: dt.date | None
    reason: str | None
    assumed: bool
    ready: bool
    serving_level: int = Field(description="The lowest maturity level among the goals the practice evidences.")
    summary: list[str]
    evidences: list[GoalLink]
    frameworks: list[FrameworkLink]
    required_by: list[PracticeLink] = Field(description="Practices that list this one as a prerequisite.")
    requires: list[PracticeLink] = Field(description="This practice's prerequisites.")
    waits_for: list[Prerequisite] = Field(description="Unsatisfied prerequisites (a tree).")
    next_level: int | None = Field(description="The next maturity level (null at level 5).")
    needed_for_next_level: Literal["adopt", "no", "satisfied"] = Field(
        description="adopt: in the next level's minimal adoption; no: the next level does not need it; "
                    "satisfied: already in place."
    )
    roadmap: RoadmapPosition | None


class FrameworkLevelStatus(Explanation):
    """One level of a framework: met, reached, and the practices behind it."""

    level: int
    name: str
    met: bool
    reached: bool
    steps: list[RuleStep] = Field(description="The trace facts fm (met) and fx (reached), when derived.")
    missing: list[PracticeGap]
    practices: list[PracticeHold] = Field(description="The practices that hold (when the level is met).")


class FrameworkExplanation(_Header):
    """Why a framework level is not reached (and what reaches it), or how it was reached."""

    kind: Literal["framework"] = "framework"
    framework: str
    framework_name: str
    level: int
    level_name: str
    current_level: int | None
    current_level_name: str | None
    reached: bool
    blocking_level: int | None
    summary: list[str]
    levels: list[FrameworkLevelStatus] = Field(description="The model's levels up to the one asked about.")
    chain: list[RuleStep] = Field(description="How the current level was concluded (fwl, fx).")
    minimal_adoption: list[str]
    adoption: list[Adoption]
    prerequisites_first: list[str]
    verified: bool
    verified_level: int | None


Prerequisite.model_rebuild()


# --- reading the trace --------------------------------------------------------------------------------------


class Trace:
    """The inference trace of one assessment, indexed by fact id, with the assessment's practice results."""

    def __init__(self, kb: KnowledgeBase, assessment: Assessment) -> None:
        if not assessment.derivations:
            raise ValueError("the assessment carries no inference trace (was it made with evaluator='reference'?)")
        self.kb = kb
        self.assessment = assessment
        self.by_fact: dict[str, Derivation] = {d.fact: d for d in assessment.derivations}
        self.practices: dict[str, PracticeResult] = {p.id: p for p in assessment.practices}
        self._goal_results = {g.id: g for g in assessment.generic_goals}
        for pa in assessment.process_areas:
            self._goal_results.update({g.id: g for g in pa.goals})
        for p in assessment.practices:
            _agree(not p.blocked_by or not self.has(f"r:{p.id}"),
                   f"practice {p.id}: derived ready, but the assessment lists prerequisites it waits for")

    def has(self, fact: str) -> bool:
        """Whether inference derived ``fact``."""
        return fact in self.by_fact

    def step(self, fact: str) -> RuleStep:
        """The derivation of ``fact`` as a readable step."""
        d = self.by_fact[fact]
        return RuleStep(fact=d.fact, rule=d.rule, meaning=RULE_MEANING.get(d.rule, d.rule), premises=d.premises)

    def goal(self, gid: str) -> tuple[str, str, list[str]]:
        """A goal's status, the rule that rated it, and the practices it was rated on (from its premises)."""
        d = self.by_fact[f"gs:{gid}"]
        status = _GOAL_RULES[d.rule]
        prefix = f"ev:{gid}:"
        practices = [p[len(prefix):] for p in d.premises if p.startswith(prefix)]
        reported = self._goal_results[gid].status
        _agree(reported == status, f"goal {gid}: trace says {status}, assessment {reported}")
        return status, d.rule, practices

    def area(self, pa_id: str) -> tuple[str, int | None, str, list[str]]:
        """A process area's status, capability level, rule, and the specific goals it was rated on."""
        d = self.by_fact[f"ps:{pa_id}"]
        status, capability = _AREA_RULES[d.rule]
        rated = {p[3:] for p in d.premises if p.startswith("gs:")}
        goals = [g.id for g in self.kb.process_area[pa_id].goals if g.id in rated]
        result = self.assessment.process_area(pa_id)
        _agree((result.status, result.capability_level) == (status, capability),
               f"process area {pa_id}: trace says {status}/{capability}, assessment {result.status}/"
               f"{result.capability_level}")
        return status, capability, d.rule, goals

    def level_met(self, level: int) -> bool:
        """Whether maturity level ``level`` is met (level 1 always is)."""
        return level == 1 or self.has(f"mm:{level}")

    def blocked_by(self, pid: str) -> list[str]:
        """The unsatisfied prerequisites ``pid`` waits for (``dep:PID:Q`` facts that kept ``r:PID`` from firing)."""
        return list(self.practices[pid].blocked_by)

    def prerequisite_tree(self, pid: str) -> list[Prerequisite]:
        """The unsatisfied prerequisites of ``pid``, each with its own beneath it."""
        return [
            Prerequisite(id=q, name=self.kb.practices[q].name, status=self.practices[q].status,
                         characterization=CHARACTERIZATION[self.practices[q].status],
                         prerequisites=self.prerequisite_tree(q))
            for q in self.blocked_by(pid)
        ]

    def prerequisite_closure(self, pids: Sequence[str]) -> list[str]:
        """Every unsatisfied prerequisite reachable from ``pids`` through blocking prerequisites, sorted."""
        seen: set[str] = set()
        stack = list(pids)
        while stack:
            for q in self.blocked_by(stack.pop()):
                if q not in seen:
                    seen.add(q)
                    stack.append(q)
        return sorted(seen)

    def gap(self, pid: str) -> PracticeGap:
        """A practice that does not count, with its status, evidence and unmet prerequisites."""
        p = self.practices[pid]
        return PracticeGap(
            id=pid, name=p.name, status=p.status, characterization=CHARACTERIZATION[p.status], gap=gap_of(p.status),
            meaning=GAP_MEANING[p.status] + (" (Assumed for this what-if.)" if p.assumed else ""),
            evidence=list(p.evidence), note=p.note, observed_on=p.observed_on, assumed=p.assumed,
            prerequisites=self.prerequisite_tree(pid),
        )

    def hold(self, pid: str, fact: str) -> PracticeHold:
        """A practice as it supports something that holds."""
        p = self.practices[pid]
        return PracticeHold(id=pid, name=p.name, status=p.status, characterization=CHARACTERIZATION[p.status],
                            fact=fact, evidence=list(p.evidence), note=p.note, observed_on=p.observed_on,
                            reason=p.reason, assumed=p.assumed)


def gap_of(status: str) -> Gap:
    """Classify a status that does not count: no evidence (NY, not observed), not implemented (PI, NI), or NA."""
    if status in NO_EVIDENCE_STATUSES:
        return "no_evidence"
    if status in NOT_IMPLEMENTED_STATUSES:
        return "not_implemented"
    if status == "NA":
        return "not_applicable"
    raise ValueError(f"status {status} counts; it is not a gap")


def _agree(condition: bool, message: str) -> None:
    if not condition:
        raise InferenceError(f"explanation trace disagrees with the assessment: {message}")


def _counts(status: str) -> bool:
    return status in SATISFIED_STATUSES


# --- why / how a maturity level ------------------------------------------------------------------------------


def _header(kb: KnowledgeBase, a: Assessment) -> dict[str, Any]:
    return {"organization": a.organization, "assessed_on": a.assessed_on, "source": a.source,
            "assumptions": list(a.assumptions), "maturity_level": a.maturity_level,
            "maturity_level_name": a.maturity_level_name}


def _goal_gap(t: Trace, gid: str) -> GoalGap:
    status, rule, practices = t.goal(gid)
    failing = [t.gap(p) for p in practices if not _counts(t.practices[p].status) and t.practices[p].status != "NA"]
    if status == "not_applicable":  # only asked for generic goals: every practice is NA
        failing = [t.gap(p) for p in practices]
    return GoalGap(id=gid, name=t.kb.goals[gid].name, status=status, rule=rule, meaning=RULE_MEANING[rule],
                   practices=failing)


def _level_gaps(t: Trace, level: int) -> tuple[list[AreaGap], list[GenericGoalGap]]:
    """The process areas and generic goals that keep ``level`` from being met, read from the trace."""
    kb = t.kb
    areas: list[AreaGap] = []
    applicable: list[tuple[str, int | None]] = []
    for pa in kb.process_areas:
        if pa.maturity_level > level:
            continue
        status, capability, rule, goals = t.area(pa.id)
        if status != "not_applicable":
            applicable.append((pa.id, capability))
        if status in ("unsatisfied", "not_rated"):
            gaps = [_goal_gap(t, g) for g in goals]
            areas.append(AreaGap(
                id=pa.id, name=pa.name, maturity_level=pa.maturity_level, status=status,
                capability_level=capability or 0, rule=rule, meaning=RULE_MEANING[rule],
                goals=[g for g in gaps if g.status in ("unsatisfied", "not_rated")],
            ))
    generic: list[GenericGoalGap] = []
    if level >= 2 and applicable:
        for gg in kb.generic_goals:
            if gg.capability_level == 3 and level < 3:
                continue
            g = _goal_gap(t, gg.id)
            if g.status == "satisfied":
                continue
            held = [pid for pid, cl in applicable
                    if cl is not None and cl >= 1 and cl < gg.capability_level]
            generic.append(GenericGoalGap(
                id=gg.id, name=gg.name, capability_level=gg.capability_level, status=g.status, rule=g.rule,
                meaning=g.meaning, held_back=held, practices=g.practices,
            ))
    return areas, generic


def _adoption(
    t: Trace, needs: Mapping[str, list[PracticeGap]], pick_one: Mapping[str, list[PracticeGap]]
) -> tuple[list[Adoption], list[str]]:
    """The minimal adoption set for the given failing goals/levels, and the prerequisites outside it.

    ``needs`` maps a goal or level to practices all of which must be adopted; ``pick_one`` maps a generic goal whose
    every practice is NA to its practices, of which the cheapest (then lowest id) is adopted.
    """
    fixes: dict[str, list[str]] = {}
    gaps: dict[str, PracticeGap] = {}
    for target, practices in sorted(needs.items()):
        for p in practices:
            fixes.setdefault(p.id, []).append(target)
            gaps[p.id] = p
    for target, practices in sorted(pick_one.items()):
        if practices:
            chosen = min(practices, key=lambda p: (t.kb.practices[p.id].effort.mid, p.id))
            fixes.setdefault(chosen.id, []).append(target)
            gaps[chosen.id] = chosen
    adoption = [
        Adoption(id=pid, name=gaps[pid].name, status=gaps[pid].status, characterization=gaps[pid].characterization,
                 gap=gaps[pid].gap, fixes=sorted(set(fixes[pid])), ready=not t.blocked_by(pid))
        for pid in sorted(fixes)
    ]
    first = [q for q in t.prerequisite_closure(sorted(fixes)) if q not in fixes]
    return adoption, first


def _level_adoption(t: Trace, areas: list[AreaGap], generic: list[GenericGoalGap]) -> tuple[
        list[Adoption], list[str], bool]:
    needs: dict[str, list[PracticeGap]] = {}
    pick_one: dict[str, list[PracticeGap]] = {}
    achievable = True
    for area in areas:
        for goal in area.goals:
            if not goal.practices:
                achievable = False  # a goal no practice evidences: nothing can satisfy it
            needs[goal.id] = goal.practices
    for gg in generic:
        if not gg.practices:
            achievable = False
        if gg.status == "not_applicable":
            pick_one[gg.id] = gg.practices
        else:
            needs[gg.id] = gg.practices
    adoption, first = _adoption(t, needs, pick_one)
    return adoption, first, achievable


def _how(t: Trace, level: int) -> HowExplanation:
    kb = t.kb
    chain = [t.step("maturity")]
    areas: list[AreaHold] = []
    generic: list[GoalHold] = []
    if level >= 2:
        met = t.step(f"mm:{level}")
        chain.append(met)
        used_generic: set[str] = set()
        for premise in met.premises:
            if not premise.startswith("ps:"):
                continue
            pa = kb.process_area[premise[3:]]
            status, capability, _, goals = t.area(pa.id)
            step = t.step(premise)
            used_generic.update(p[3:] for p in step.premises if p.startswith("gs:GG"))
            areas.append(AreaHold(id=pa.id, name=pa.name, maturity_level=pa.maturity_level, status=status,
                                  capability_level=capability, step=step, goals=[_goal_hold(t, g) for g in goals]))
        needed = {"GG2"} | ({"GG3"} if level >= 3 else set())
        generic = [_goal_hold(t, g.id) for g in kb.generic_goals if g.id in used_generic & needed]
        areas.sort(key=lambda a: (a.maturity_level, a.id))
    return HowExplanation(chain=chain, process_areas=areas, generic_goals=generic)


def _goal_hold(t: Trace, gid: str) -> GoalHold:
    status, _, practices = t.goal(gid)
    return GoalHold(id=gid, name=t.kb.goals[gid].name, status=status, step=t.step(f"gs:{gid}"),
                    practices=[t.hold(p, f"ev:{gid}:{p}") for p in practices])


def _assumed(assumptions: Mapping[str, str], adoption: Sequence[str]) -> dict[str, str]:
    return {**assumptions, **{p: "FI" for p in adoption}}


def explain_level(
    kb: KnowledgeBase,
    facts: FactFile,
    level: int | None = None,
    *,
    assumptions: Mapping[str, str] | None = None,
    source: str | None = None,
    verify: bool = True,
) -> LevelExplanation:
    """Why maturity level ``level`` is not reached and the smallest adoption that reaches it, or how it was reached.

    Args:
        kb: the knowledge base.
        facts: the fact file.
        level: 1-5; by default the level above the assessed one (at level 5: level 5, how it was reached).
        assumptions: what-if statuses (practice id -> FI/LI/PI/NI/NY) applied before explaining.
        source: the fact file's name, recorded in the explanation.
        verify: cross-check the rules engine against the reference evaluator on every run.

    Raises:
        UserInputError: ``level`` is not 1-5.
        InferenceError: the trace disagrees with the assessment (an internal error).
    """
    if level is not None:
        check_maturity_level(level, option="--level")
    assumptions = dict(assumptions or {})
    a = assess(kb, facts, assumptions, verify=verify, source=source)
    if level is None:  # the next level; at level 5 there is none: how level 5 was reached
        level = next_level(a.maturity_level) or a.maturity_level
    t = Trace(kb, a)
    reached = t.level_met(level)
    _agree(reached == (a.maturity_level >= level), f"level {level} met={reached}, maturity {a.maturity_level}")
    blocking = None if reached else next(n for n in range(2, level + 1) if not t.level_met(n))
    areas, generic = _level_gaps(t, level)
    _agree(reached == (not areas and not generic), f"level {level} reached={reached} but gaps listed")
    adoption, first, achievable = _level_adoption(t, areas, generic)
    minimal = [x.id for x in adoption]
    verified_level: int | None = a.maturity_level
    verified = reached
    if not reached:
        rerun = assess(kb, facts, _assumed(assumptions, minimal), verify=verify, source=source)
        verified_level = rerun.maturity_level
        verified = Trace(kb, rerun).level_met(level) and rerun.maturity_level >= level
    explanation = LevelExplanation(
        **_header(kb, a), level=level, level_name=kb.level_name(level), reached=reached, blocking_level=blocking,
        summary=[], process_areas=areas, generic_goals=generic, minimal_adoption=minimal, adoption=adoption,
        prerequisites_first=first, achievable=achievable, verified=verified, verified_level=verified_level,
        how=_how(t, level) if reached else None,
    )
    return explanation.model_copy(update={"summary": _level_summary(kb, explanation)})


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def _level_summary(kb: KnowledgeBase, e: LevelExplanation) -> list[str]:
    lines = []
    now = f"level {e.maturity_level} ({e.maturity_level_name})"
    target = f"level {e.level} ({e.level_name})"
    if e.reached:
        if e.level == 1:
            return [f"Every organization is at least at {target}; {e.organization} is at {now}."]
        lines.append(f"{target[0].upper()}{target[1:]} is reached: {e.organization} is at {now}.")
        areas = "level 2" if e.level == 2 else f"levels 2 to {e.level}"
        lines.append(f"Every process area of {areas} is satisfied with capability level "
                     f"{2 if e.level == 2 else 3} or more, or is not applicable. Below are the areas, goals and "
                     "practices, with the rule that established each.")
        return lines
    lines.append(f"{target[0].upper()}{target[1:]} is not reached: {e.organization} is at {now}.")
    if e.blocking_level is not None and e.blocking_level < e.level:
        lines.append(f"The first level not met is level {e.blocking_level} "
                     f"({kb.level_name(e.blocking_level)}); it is explained together with the levels up to {e.level}.")
    unsatisfied = [a for a in e.process_areas if a.status == "unsatisfied"]
    unrated = [a for a in e.process_areas if a.status == "not_rated"]
    if unsatisfied:
        lines.append(f"{_plural(len(unsatisfied), 'process area')} {'is' if len(unsatisfied) == 1 else 'are'} "
                     "unsatisfied: a practice they need was assessed as partially or not implemented.")
    if unrated:
        lines.append(f"{_plural(len(unrated), 'process area')} {'is' if len(unrated) == 1 else 'are'} not rated: "
                     "nothing failed, but some practices they need have no evidence recorded.")
    for gg in e.generic_goals:
        held = f" It holds back {', '.join(gg.held_back)}, whose specific goals already hold." if gg.held_back else ""
        why_na = (" Every practice evidencing it was marked not applicable (NA); at least one of them must apply "
                  "and be implemented." if gg.status == "not_applicable" else "")
        lines.append(f"Generic goal {gg.id} ({gg.name}) is {STATUS_WORDS[gg.status]}: without it no process area "
                     f"reaches capability level {gg.capability_level}, which level {e.level} needs.{held}{why_na}")
    n = len(e.minimal_adoption)
    no_evidence = sum(1 for x in e.adoption if x.gap == "no_evidence")
    if not e.achievable:
        lines.append(f"Level {e.level} cannot be reached with this knowledge base: a goal it needs has no practice "
                     "that evidences it.")
    elif e.verified:
        lines.append(f"Adopting {_plural(n, 'practice')} (fully implemented) reaches level {e.level}: the engine "
                     f"was re-run with {'it' if n == 1 else 'them'} assumed and reached level {e.verified_level}.")
    else:
        lines.append(f"Adopting the {_plural(n, 'practice')} below did not reach level {e.level} when the engine "
                     f"was re-run (it reached level {e.verified_level}).")
    if no_evidence:
        lines.append(f"{no_evidence} of them {'has' if no_evidence == 1 else 'have'} no evidence recorded: assess "
                     f"{'it' if no_evidence == 1 else 'them'} first, {'it' if no_evidence == 1 else 'they'} may "
                     "already be in place.")
    if e.prerequisites_first:
        lines.append(f"{_plural(len(e.prerequisites_first), 'more practice')} "
                     f"{'is a prerequisite' if len(e.prerequisites_first) == 1 else 'are prerequisites'} of these and "
                     "not yet in place; the roadmap puts them first.")
    return lines


# --- why a practice -----------------------------------------------------------------------------------------


def _check_practice(kb: KnowledgeBase, practice_id: str) -> None:
    if practice_id not in kb.practices:
        raise UserInputError([Problem("--practice", practice_id,
                                      "unknown practice id" + documents.suggest(practice_id, kb.practices))])


def explain_practice(
    kb: KnowledgeBase,
    facts: FactFile,
    practice_id: str,
    *,
    assumptions: Mapping[str, str] | None = None,
    source: str | None = None,
    verify: bool = True,
    roadmap: bool = True,
) -> PracticeExplanation:
    """A practice's status, what requires it, what it waits for, and where it sits on the way to the next level.

    Args:
        kb: the knowledge base.
        facts: the fact file.
        practice_id: the practice to explain.
        assumptions: what-if statuses applied before explaining.
        source: the fact file's name.
        verify: cross-check the rules engine against the reference evaluator.
        roadmap: place the practice on the roadmap toward the next level (``maturity roadmap``, default target).

    Raises:
        UserInputError: unknown practice id (with a suggestion).
    """
    _check_practice(kb, practice_id)
    assumptions = dict(assumptions or {})
    a = assess(kb, facts, assumptions, verify=verify, source=source)
    t = Trace(kb, a)
    p = t.practices[practice_id]
    practice = kb.practices[practice_id]
    goals = []
    for gid in kb.practice_goals(practice):
        status, rule, practices = t.goal(gid)
        info = kb.goals[gid]
        pa = kb.process_area.get(info.process_area or "")
        goals.append(GoalLink(
            id=gid, name=info.name, process_area=info.process_area, process_area_name=pa.name if pa else None,
            maturity_level=info.level, status=status, rule=rule,
            holds_back=status in ("unsatisfied", "not_rated") and practice_id in practices and not p.satisfied
            and p.status != "NA",
        ))
    frameworks = []
    for fid, level in kb.framework_practices.get(practice_id, []):
        fw = kb.frameworks[fid]
        name = next(lv.name for lv in fw.levels if lv.level == level)
        frameworks.append(FrameworkLink(framework=fid, framework_name=fw.name, level=level, level_name=name,
                                        met=t.has(f"fm:{fid}:{level}"), reached=t.has(f"fx:{fid}:{level}")))

    def link(q: str) -> PracticeLink:
        r = t.practices[q]
        return PracticeLink(id=q, name=r.name, status=r.status, characterization=CHARACTERIZATION[r.status],
                            satisfied=r.satisfied)

    following = next_level(a.maturity_level)  # None at level 5: no next level to be needed for
    needed: Literal["adopt", "no", "satisfied"] = "satisfied" if p.satisfied else "no"
    if following is not None and not p.satisfied:
        areas, generic = _level_gaps(t, following)
        adoption, _, _ = _level_adoption(t, areas, generic)
        if practice_id in {x.id for x in adoption}:
            needed = "adopt"
    ready = t.has(f"r:{practice_id}")
    _agree(ready == p.ready, f"practice {practice_id} ready={ready}, assessment {p.ready}")
    position = _roadmap_position(kb, facts, practice_id, assumptions, verify) if roadmap and not p.satisfied \
        else None
    explanation = PracticeExplanation(
        **_header(kb, a), id=practice_id, name=practice.name, description=practice.description, status=p.status,
        characterization=CHARACTERIZATION[p.status], satisfied=p.satisfied,
        gap=None if p.satisfied else gap_of(p.status),
        meaning="Counts: it is fully or largely implemented." if p.satisfied else GAP_MEANING[p.status],
        evidence=list(p.evidence), note=p.note, observed_on=p.observed_on, reason=p.reason, assumed=p.assumed,
        ready=ready, serving_level=kb.serving_level[practice_id], summary=[], evidences=goals,
        frameworks=frameworks, required_by=[link(q) for q in kb.dependents[practice_id]],
        requires=[link(q) for q in practice.requires], waits_for=t.prerequisite_tree(practice_id),
        next_level=following, needed_for_next_level=needed, roadmap=position,
    )
    return explanation.model_copy(update={"summary": _practice_summary(kb, explanation)})


def _roadmap_position(
    kb: KnowledgeBase, facts: FactFile, practice_id: str, assumptions: Mapping[str, str], verify: bool
) -> RoadmapPosition:
    """Where the roadmap toward the next level (:func:`roadmap.plan_roadmap`) puts the practice, and why."""
    try:
        plan = plan_roadmap(kb, facts, assumptions=dict(assumptions), verify=verify)
    except UserInputError as exc:  # the roadmap refuses an impossible target; the inputs were checked already
        return RoadmapPosition(target="the next level", placement="impossible", rank=None, items=0, wave=None,
                               waves=0, needed_by_target=False, needed_for=[], requires=[], awaits_assessment=[],
                               unblocks=[], reasons=[f"No roadmap toward the next level: "
                                                     f"{'; '.join(p.message for p in exc.problems)}."])
    return position_on(kb, plan, practice_id)


def position_on(kb: KnowledgeBase, plan: Roadmap, practice_id: str) -> RoadmapPosition:
    """A practice's position on a roadmap, with the reasons for it, read from the roadmap's items."""
    label = plan.target.label
    base: dict[str, Any] = {"target": label, "items": len(plan.items), "waves": len(plan.waves)}
    names = {pid: practice.name for pid, practice in kb.practices.items()}

    def listed(ids: Sequence[str]) -> str:
        return ", ".join(f"{names[q]} ({q})" for q in ids)

    def needs(ids: Sequence[str]) -> str:  # goal ids, or FRAMEWORK:LEVEL for a framework target
        return ", ".join(f"{g} ({kb.goals[g].name})" if g in kb.goals else g for g in ids)

    item = next((x for x in plan.items if x.practice == practice_id), None)
    if item is not None:
        waves = {x.practice: x.wave for x in plan.items}
        reasons = [f"It is item {item.rank} of {len(plan.items)} on the roadmap toward {label}, in wave {item.wave} "
                   f"of {len(plan.waves)}."]
        if item.needed_by_target:
            reasons.append(f"The target needs it for {needs(item.needed_for)}.")
        else:
            reasons.append(f"The target does not need it for itself: {listed(item.unblocks)} "
                           f"{'waits' if len(item.unblocks) == 1 else 'wait'} for it.")
        if item.requires:
            reasons.append("It comes after its prerequisites " + ", ".join(
                f"{names[q]} ({q}, wave {waves[q]})" for q in item.requires) + ".")
        elif item.wave == 1:
            reasons.append("It waits for nothing else on the roadmap, so it can start in the first wave.")
        else:
            reasons.append("It waits for nothing else on the roadmap; earlier waves are full at the given capacity.")
        reasons.append(f"Within a wave, items serving lower levels come first (it serves level {item.serves}), then "
                       f"those that unblock more planned items (it unblocks {item.unblocks_total}), then those with "
                       f"more value per person-week ({item.value_per_effort}).")
        if item.awaits_assessment:
            reasons.append(f"It also waits for {listed(item.awaits_assessment)}, which "
                           f"{'has' if len(item.awaits_assessment) == 1 else 'have'} no evidence recorded: assess "
                           "first.")
        return RoadmapPosition(**base, placement="planned", rank=item.rank, wave=item.wave,
                               needed_by_target=item.needed_by_target, needed_for=item.needed_for,
                               requires=item.requires, awaits_assessment=item.awaits_assessment,
                               unblocks=item.unblocks, reasons=reasons)
    first = next((x for x in plan.assess_first if x.practice == practice_id), None)
    if first is not None:
        reasons = [f"The roadmap toward {label} plans no work on it yet: it has no evidence recorded, so it is "
                   "listed under 'assess first'. It may already be in place."]
        if first.needed_for:
            reasons.append(f"If it is missing, the target needs it for {needs(first.needed_for)}.")
        if first.needed_by:
            reasons.append(f"Planned items that wait for it: {listed(first.needed_by)}.")
        return RoadmapPosition(**base, placement="assess_first", rank=None, wave=None,
                               needed_by_target=first.needed_by_target, needed_for=first.needed_for, requires=[],
                               awaits_assessment=[], unblocks=first.needed_by, reasons=reasons)
    if plan.reached:
        reason = f"The roadmap's target, {label}, is already reached: there is nothing to plan."
        placement: Literal["not_needed", "target_reached"] = "target_reached"
    else:
        reason = (f"It is not on the roadmap toward {label}: the target does not need it and no planned item waits "
                  "for it.")
        placement = "not_needed"
    return RoadmapPosition(**base, placement=placement, rank=None, wave=None, needed_by_target=False,
                           needed_for=[], requires=[], awaits_assessment=[], unblocks=[], reasons=[reason])


def _practice_summary(kb: KnowledgeBase, e: PracticeExplanation) -> list[str]:
    lines = [f"{e.name} ({e.id}) is {e.characterization}. {e.meaning}"]
    holding_back = [g for g in e.evidences if g.holds_back]
    if holding_back:
        lines.append("It keeps " + ", ".join(f"{g.id} ({g.name})" for g in holding_back) + " from holding.")
    elif e.evidences:
        lines.append(f"It gives evidence for {_plural(len(e.evidences), 'goal')}; the lowest maturity level it "
                     f"serves is {e.serving_level}.")
    if e.frameworks:
        lines.append("ML Ops models that call for it: " + ", ".join(
            f"{f.framework_name} level {f.level} ({f.level_name})" for f in e.frameworks) + ".")
    if e.required_by:
        lines.append(f"{_plural(len(e.required_by), 'practice')} list{'s' if len(e.required_by) == 1 else ''} it "
                     "as a prerequisite.")
    if e.waits_for:
        lines.append("It waits for " + ", ".join(f"{w.name} ({w.id}, {w.characterization})" for w in e.waits_for)
                     + ".")
    elif not e.satisfied and e.status != "NA":
        lines.append("Every prerequisite is in place: it is ready to adopt." if e.requires else
                     "It has no prerequisites: it is ready to adopt.")
    if e.next_level is not None:
        words = {
            "adopt": f"Level {e.next_level} needs it: it is in the smallest set of practices that reaches that "
                     "level.",
            "no": f"Level {e.next_level} does not need it.",
            "satisfied": "",
        }[e.needed_for_next_level]
        if words:
            lines.append(words)
    if e.roadmap is not None:
        lines.append(e.roadmap.reasons[0])
    return lines


# --- why / how a framework level ----------------------------------------------------------------------------


def _check_framework(kb: KnowledgeBase, framework: str, level: int | None) -> None:
    check_framework_level(kb, framework, level, option="--framework", level_option="--level")


def explain_framework(
    kb: KnowledgeBase,
    facts: FactFile,
    framework: str,
    level: int | None = None,
    *,
    assumptions: Mapping[str, str] | None = None,
    source: str | None = None,
    verify: bool = True,
) -> FrameworkExplanation:
    """Why a framework level is not reached and the smallest adoption that reaches it, or how it was reached.

    Args:
        kb: the knowledge base.
        facts: the fact file.
        framework: the framework id (``google``, ``azure``, ...).
        level: the framework level; by default the one above the level reached (the top level at most).
        assumptions: what-if statuses applied before explaining.
        source: the fact file's name.
        verify: cross-check the rules engine against the reference evaluator.

    Raises:
        UserInputError: unknown framework or level (with a suggestion).
    """
    _check_framework(kb, framework, level)
    assumptions = dict(assumptions or {})
    a = assess(kb, facts, assumptions, verify=verify, source=source)
    t = Trace(kb, a)
    fw = kb.frameworks[framework]
    result = a.framework(framework)
    numbers = [lv.level for lv in fw.levels]
    if level is None:
        level = numbers[0] if result.level is None else min(result.level + 1, numbers[-1])
    reached = t.has(f"fx:{framework}:{level}")
    _agree(reached == (result.level is not None and result.level >= level),
           f"{framework} level {level} reached={reached}, assessment level {result.level}")
    levels: list[FrameworkLevelStatus] = []
    needs: dict[str, list[PracticeGap]] = {}
    for lv in fw.levels:
        if lv.level > level:
            break
        met = t.has(f"fm:{framework}:{lv.level}")
        _agree(met == next(x.met for x in result.levels if x.level == lv.level),
               f"{framework} level {lv.level} met={met}")
        steps = [t.step(f) for f in (f"fm:{framework}:{lv.level}", f"fx:{framework}:{lv.level}") if t.has(f)]
        missing = [t.gap(p) for p in lv.practices if not _counts(t.practices[p].status)
                   and t.practices[p].status != "NA"]
        if missing:
            needs[f"{framework}:{lv.level}"] = missing
        holds: list[PracticeHold] = []
        if met:
            holds = [t.hold(p, f"fr:{framework}:{lv.level}:{p}") for p in lv.practices]
        levels.append(FrameworkLevelStatus(level=lv.level, name=lv.name, met=met,
                                           reached=t.has(f"fx:{framework}:{lv.level}"), steps=steps,
                                           missing=missing, practices=holds))
    blocking = None if reached else next(x.level for x in levels if not x.met)
    adoption, first = _adoption(t, needs, {})
    minimal = [x.id for x in adoption]
    verified, verified_level = reached, result.level
    if not reached:
        rerun = assess(kb, facts, _assumed(assumptions, minimal), verify=verify, source=source)
        verified = Trace(kb, rerun).has(f"fx:{framework}:{level}")
        verified_level = rerun.framework(framework).level
    chain = [t.step(f"fwl:{framework}")]
    if result.level is not None:
        chain.append(t.step(f"fx:{framework}:{result.level}"))
    names = {lv.level: lv.name for lv in fw.levels}
    explanation = FrameworkExplanation(
        **_header(kb, a), framework=framework, framework_name=fw.name, level=level, level_name=names[level],
        current_level=result.level, current_level_name=result.level_name, reached=reached, blocking_level=blocking,
        summary=[], levels=levels, chain=chain, minimal_adoption=minimal, adoption=adoption,
        prerequisites_first=first, verified=verified, verified_level=verified_level,
    )
    return explanation.model_copy(update={"summary": _framework_summary(explanation)})


def _framework_summary(e: FrameworkExplanation) -> list[str]:
    now = (f"level {e.current_level} ({e.current_level_name})" if e.current_level is not None
           else "below its first level")
    target = f"{e.framework_name} level {e.level} ({e.level_name})"
    if e.reached:
        return [f"{target} is reached: {e.organization} is at {now} of this model.",
                "Each level up to it has every practice it calls for fully or largely implemented, or not "
                "applicable."]
    lines = [f"{target} is not reached: {e.organization} is at {now} of this model."]
    if e.blocking_level is not None and e.blocking_level != e.level:
        lines.append(f"The first level not met is level {e.blocking_level}; a level counts only when every level "
                     "below it is met too.")
    missing = sum(len(x.missing) for x in e.levels)
    lines.append(f"{_plural(missing, 'practice')} the levels up to {e.level} call for "
                 f"{'is' if missing == 1 else 'are'} not in place.")
    n = len(e.minimal_adoption)
    if e.verified:
        lines.append(f"Adopting {'it' if n == 1 else 'them'} (fully implemented) reaches level {e.level}: the engine "
                     "was re-run with them assumed and confirmed it.")
    else:
        lines.append(f"Adopting them did not reach level {e.level} when the engine was re-run.")
    no_evidence = sum(1 for x in e.adoption if x.gap == "no_evidence")
    if no_evidence:
        lines.append(f"{no_evidence} of them {'has' if no_evidence == 1 else 'have'} no evidence recorded: assess "
                     "them first.")
    if e.prerequisites_first:
        lines.append(f"{_plural(len(e.prerequisites_first), 'more practice')} "
                     f"{'is a prerequisite' if len(e.prerequisites_first) == 1 else 'are prerequisites'} of these "
                     "and not yet in place.")
    return lines


# --- one call for the command line --------------------------------------------------------------------------


AnyExplanation = LevelExplanation | PracticeExplanation | FrameworkExplanation


def explain_file(
    path: Path,
    *,
    kb_dir: Path | None = None,
    assume: Sequence[str] = (),
    level: int | None = None,
    practice: str | None = None,
    framework: str | None = None,
    how: bool = False,
    verify: bool = True,
) -> AnyExplanation:
    """Load a fact file and explain a maturity level, a practice, or a framework level.

    ``how`` with no level explains how the assessed level was reached; otherwise the default level is the next one.

    Raises:
        UserInputError: bad fact file, assumptions, ids or option combinations.
    """
    if practice is not None and (level is not None or framework is not None):
        raise UserInputError([Problem("--practice", practice, "use --practice alone, without --level or "
                                      "--framework")])
    if how and (practice is not None or framework is not None):
        raise UserInputError("how explains a maturity level; use why --practice or why --framework instead")
    kb = load_knowledge_base(kb_dir)
    if practice is not None:
        _check_practice(kb, practice)
    if framework is not None:
        _check_framework(kb, framework, level)
    if level is not None and framework is None:
        check_maturity_level(level, option="--level")
    facts = load_fact_file(path, kb)
    assumptions = parse_assumptions(list(assume), kb)
    source = str(path)
    if practice is not None:
        return explain_practice(kb, facts, practice, assumptions=assumptions, source=source, verify=verify)
    if framework is not None:
        return explain_framework(kb, facts, framework, level, assumptions=assumptions, source=source, verify=verify)
    if how and level is None:
        level = assess(kb, facts, assumptions, verify=verify).maturity_level
    return explain_level(kb, facts, level, assumptions=assumptions, source=source, verify=verify)


# --- Markdown -----------------------------------------------------------------------------------------------

LEGEND = [
    "FI / LI: fully / largely implemented; the practice counts.",
    "PI / NI: assessed as partially / not implemented; it does not count.",
    "NY (not yet) and not observed: no evidence was recorded, so goals that need the practice are *not rated* "
    "rather than failed. Assess these first.",
    "NA: not applicable (with a reason); left out of the rating.",
    "A goal holds when every practice evidencing it counts. A process area is satisfied when its goals hold; its "
    "capability level is 1 with its goals, 2 when the organization-wide generic goal GG2 (a managed process) also "
    "holds, 3 with GG3 (a defined process) too.",
    "Maturity level 2 needs every level-2 process area at capability level 2; level N (3 to 5) needs every area "
    "of levels 2 to N at capability level 3.",
]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_header(title: str, e: _Header) -> list[str]:
    lines = [f"# {_md(title)}", "", f"{_md(e.organization)}, assessed on {e.assessed_on.isoformat()}. "
             f"Maturity level reached: {e.maturity_level} ({e.maturity_level_name})."]
    if e.assumptions:
        lines += ["", "What-if assumptions: " + ", ".join(f"`{x.practice}={x.status}`" for x in e.assumptions) + "."]
    return lines


def _md_prereqs(items: list[Prerequisite], indent: str) -> list[str]:
    out = []
    for q in items:
        out.append(f"{indent}- waits for **{_md(q.name)}** (`{q.id}`): {q.characterization}")
        out += _md_prereqs(q.prerequisites, indent + "  ")
    return out


def _md_gap(p: PracticeGap, indent: str) -> list[str]:
    assumed = " (assumed)" if p.assumed else ""
    out = [f"{indent}- **{_md(p.name)}** (`{p.id}`): {p.characterization}{assumed}"]
    sub = indent + "  "
    for item in p.evidence:
        out.append(f"{sub}- Evidence: {_md(item)}")
    if p.note:
        out.append(f"{sub}- Note: {_md(p.note)}")
    if p.observed_on:
        out.append(f"{sub}- Observed on: {p.observed_on.isoformat()}")
    out += _md_prereqs(p.prerequisites, sub)
    return out


GAP_HEADINGS = {
    "not_implemented": "Assessed, not fully implemented (does not count yet)",
    "no_evidence": "No evidence recorded (not observed or not yet; assess these, they may already be in place)",
    "not_applicable": "Marked not applicable",
}
"""Headings that keep "assessed and not implemented" apart from "no evidence recorded"."""


def _md_gaps(practices: list[PracticeGap], indent: str) -> list[str]:
    """Failing practices grouped: assessed and not implemented first, then those with no evidence recorded."""
    out = []
    for gap in ("not_implemented", "no_evidence", "not_applicable"):
        group = [p for p in practices if p.gap == gap]
        if group:
            out.append(f"{indent}- {GAP_HEADINGS[gap]}:")
            for p in group:
                out += _md_gap(p, indent + "  ")
    return out


def _md_hold(p: PracticeHold, indent: str) -> list[str]:
    extra = " (assumed)" if p.assumed else ""
    out = [f"{indent}- **{_md(p.name)}** (`{p.id}`): {p.characterization}{extra}"]
    sub = indent + "  "
    for item in p.evidence:
        out.append(f"{sub}- Evidence: {_md(item)}")
    if p.note:
        out.append(f"{sub}- Note: {_md(p.note)}")
    if p.reason:
        out.append(f"{sub}- Not applicable because: {_md(p.reason)}")
    if p.observed_on:
        out.append(f"{sub}- Observed on: {p.observed_on.isoformat()}")
    return out


def _md_step(step: RuleStep) -> str:
    return f"`{step.fact}` by rule `{step.rule}`: {step.meaning}."


def _md_adoption(e: LevelExplanation | FrameworkExplanation, what: str, why_each: str) -> list[str]:
    if not e.adoption:
        return []
    lines = ["", f"## The smallest set of practices that reaches {what}", "",
             "| Practice | Now | Needed for | Ready to start |", "|---|---|---|---|"]
    for x in e.adoption:
        lines.append(f"| {_md(x.name)} (`{x.id}`) | {x.characterization} | {', '.join(x.fixes)} | "
                     f"{'yes' if x.ready else 'no, prerequisites first'} |")
    lines.append("")
    if e.verified:
        these = "this practice" if len(e.adoption) == 1 else f"these {len(e.adoption)} practices"
        lines.append(f"Checked: the engine was re-run with {these} assumed fully implemented (FI) and reached "
                     f"{what}. Each one is needed: {why_each}.")
    else:
        lines.append(f"Not confirmed: the engine, re-run with these practices assumed fully implemented, did not "
                     f"reach {what}.")
    if e.prerequisites_first:
        lines += ["", "Prerequisites of these practices that are not in place yet (not needed for the rating, but "
                  "needed to do the work): " + ", ".join(f"`{q}`" for q in e.prerequisites_first) + "."]
    return lines


def _level_markdown(e: LevelExplanation) -> list[str]:
    verb = "is reached" if e.reached else "is not reached"
    title = f"{'How' if e.reached else 'Why'} level {e.level} ({e.level_name}) {verb}"
    lines = _md_header(title, e) + [""] + [f"- {_md(s)}" for s in e.summary]
    if e.reached and e.how is not None:
        lines += ["", "## Rule chain", ""]
        lines += [f"- {_md_step(s)}" for s in e.how.chain]
        if e.how.process_areas:
            lines += ["", "## Process areas", ""]
        for area in e.how.process_areas:
            cl = "not applicable" if area.capability_level is None else f"capability level {area.capability_level}"
            lines += [f"### {area.id} {_md(area.name)} (level {area.maturity_level}): "
                      f"{STATUS_WORDS[area.status]}, {cl}", "", f"{_md_step(area.step)}", ""]
            for goal in area.goals:
                lines.append(f"- **{goal.id} {_md(goal.name)}**: {STATUS_WORDS[goal.status]}, "
                             f"{_md_step(goal.step)}")
                for p in goal.practices:
                    lines += _md_hold(p, "  ")
            lines.append("")
        if e.how.generic_goals:
            lines += ["## Generic goals (organization-wide)", ""]
            for goal in e.how.generic_goals:
                lines.append(f"- **{goal.id} {_md(goal.name)}**: {STATUS_WORDS[goal.status]}, {_md_step(goal.step)}")
                for p in goal.practices:
                    lines += _md_hold(p, "  ")
        return lines
    if e.process_areas:
        lines += ["", "## Process areas not satisfied", ""]
    for area in e.process_areas:
        lines += [f"### {area.id} {_md(area.name)} (level {area.maturity_level}): {STATUS_WORDS[area.status]}", "",
                  f"Rule `{area.rule}`: {area.meaning}.", ""]
        for goal in area.goals:
            lines.append(f"- **{goal.id} {_md(goal.name)}**: {STATUS_WORDS[goal.status]} (rule `{goal.rule}`: "
                         f"{goal.meaning}).")
            if not goal.practices:
                lines.append("  - No practice in the knowledge base evidences this goal.")
            lines += _md_gaps(goal.practices, "  ")
        lines.append("")
    if e.generic_goals:
        lines += ["## Generic goals not satisfied (organization-wide)", ""]
    for gg in e.generic_goals:
        lines += [f"### {gg.id} {_md(gg.name)}: {STATUS_WORDS[gg.status]}", "",
                  f"Rule `{gg.rule}`: {gg.meaning}. Without it no process area reaches capability level "
                  f"{gg.capability_level}."]
        if gg.held_back:
            lines.append(f"Process areas whose specific goals hold but whose capability stays too low: "
                         f"{', '.join(gg.held_back)}.")
        lines.append("")
        if gg.status == "not_applicable":
            lines.append("- Every practice evidencing it was marked not applicable; adopting any one of them "
                         "satisfies it.")
        lines += _md_gaps(gg.practices, "")
        lines.append("")
    lines += _md_adoption(e, f"level {e.level}", "a goal holds only when every practice evidencing it counts")
    return lines


def _practice_markdown(e: PracticeExplanation) -> list[str]:
    lines = _md_header(f"Why {e.name} ({e.id}) stands where it does", e) + [""]
    lines += [f"- {_md(s)}" for s in e.summary]
    lines += ["", "## Status", "", f"{e.characterization[0].upper()}{e.characterization[1:]}. {_md(e.meaning)}",
              ""]
    for item in e.evidence:
        lines.append(f"- Evidence: {_md(item)}")
    if e.note:
        lines.append(f"- Note: {_md(e.note)}")
    if e.reason:
        lines.append(f"- Not applicable because: {_md(e.reason)}")
    if e.observed_on:
        lines.append(f"- Observed on: {e.observed_on.isoformat()}")
    if e.evidences:
        lines += ["", "## Goals it gives evidence for", "", "| Goal | Process area | Level | Goal status | "
                  "Held back by this practice |", "|---|---|---|---|---|"]
        for g in e.evidences:
            area = f"{g.process_area} {_md(g.process_area_name or '')}" if g.process_area else "generic goal"
            lines.append(f"| {g.id} {_md(g.name)} | {area} | {g.maturity_level} | {STATUS_WORDS[g.status]} | "
                         f"{'yes' if g.holds_back else 'no'} |")
    if e.frameworks:
        lines += ["", "## ML Ops models that call for it", "", "| Model | Level | Level met | Level reached |",
                  "|---|---|---|---|"]
        for f in e.frameworks:
            lines.append(f"| {_md(f.framework_name)} | {f.level} {_md(f.level_name)} | {'yes' if f.met else 'no'} | "
                         f"{'yes' if f.reached else 'no'} |")
    lines += ["", "## Prerequisites", ""]
    if e.requires:
        lines += [f"- **{_md(q.name)}** (`{q.id}`): {q.characterization}" for q in e.requires]
    else:
        lines.append("- None.")
    if e.waits_for:
        lines += ["", "Unmet prerequisites, with theirs beneath:", ""]
        lines += _md_prereqs(e.waits_for, "")
    lines += ["", "## Practices that require it", ""]
    lines += [f"- **{_md(q.name)}** (`{q.id}`): {q.characterization}" for q in e.required_by] or ["- None."]
    if e.roadmap is not None:
        lines += ["", f"## On the roadmap toward {_md(e.roadmap.target)}", ""]
        lines += [f"- {_md(r)}" for r in e.roadmap.reasons]
    return lines


def _framework_markdown(e: FrameworkExplanation) -> list[str]:
    verb = "is reached" if e.reached else "is not reached"
    title = f"{'How' if e.reached else 'Why'} {e.framework_name} level {e.level} ({e.level_name}) {verb}"
    lines = _md_header(title, e) + [""] + [f"- {_md(s)}" for s in e.summary]
    lines += ["", "## Rule chain", ""] + [f"- {_md_step(s)}" for s in e.chain]
    lines += ["", "## Levels", ""]
    for lv in e.levels:
        state = "reached" if lv.reached else "met, but a lower level is not" if lv.met else "not met"
        lines += [f"### Level {lv.level} {_md(lv.name)}: {state}", ""]
        lines += [f"- {_md_step(s)}" for s in lv.steps]
        lines += _md_gaps(lv.missing, "")
        for p in lv.practices:
            lines += _md_hold(p, "")
        if not lv.steps and not lv.missing and not lv.practices:
            lines.append("- This level calls for no practice.")
        lines.append("")
    lines += _md_adoption(e, f"level {e.level}", "a level is met only when every practice it calls for counts")
    return lines


def to_markdown(e: AnyExplanation) -> str:
    """An explanation as Markdown (the same text the golden files hold)."""
    if isinstance(e, LevelExplanation):
        lines = _level_markdown(e)
    elif isinstance(e, PracticeExplanation):
        lines = _practice_markdown(e)
    else:
        lines = _framework_markdown(e)
    lines += ["", "## Reading this", ""] + [f"- {x}" for x in LEGEND]
    out = "\n".join(lines)
    while "\n\n\n" in out:
        out = out.replace("\n\n\n", "\n\n")
    return out.rstrip("\n") + "\n"
