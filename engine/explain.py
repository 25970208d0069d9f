"""Explanations (rating model v2): why a level is not reached, how it was reached, why a practice or a framework
level stands where it does.

Every explanation takes a :class:`~mlops_maturity.engine.session.Session`: it reads the session's one assessment
(the results, and the inference trace when the rules engine made it) and asks the session for every re-inference
(``conclusions_with``), which the session caches. Nothing is assessed twice, and nothing is recomputed by separate
logic: what an explanation says about an area, a goal, a CMMI practice or a framework level is what the assessment
says; each step carries the trace's rule when there is a trace (``evaluator="rules"``).

**Why a maturity level is not reached** walks down: process area (of levels <= N, in scope, below the capability
level N needs) -> goal (its specific goals, and its own GG2/GG3 that N needs) -> CMMI practice (specific or
generic) that is not satisfied -> its alternatives, each with what it still lacks (its practices that are not
satisfied, with their characterization, evidence, note and unmet prerequisites). An area generic practice
(``PP.GP2.3``) lists its own alternatives and those of the organization-level practice it inherits (``GP2.3``); a
direct characterization (``model_practices`` in the fact file) decides a CMMI practice by itself and is shown as
such. A goal that is *not rated* (nothing failed, something not observed: assess it) is kept apart from an
*unsatisfied* one (something assessed PI/NI).

**The cheapest alternative** of a CMMI practice: the lowest cost, the cost being the sum of effort midpoints of the
alternative's practices that are not satisfied plus their unsatisfied prerequisites (transitively, each counted
once); ties go to the higher value (sum of the values of the practices it lacks), then to fewer practices, then to
the knowledge base's order (own alternatives before inherited ones).

**The smallest adoption set** that reaches a level: for every CMMI practice the level needs that is not satisfied,
the cheapest alternative's missing practices; plus their unsatisfied prerequisites; assumed fully implemented (FI)
and tried through the session; then made irredundant: each member is dropped when the level still holds without it
(each drop tried with the reference evaluator, :meth:`Session.trial_conclusions`); the set settled on is inferred
again by the rules engine (cross-checked when verifying) before it is reported. The rating is monotone in practice
statuses (raising a practice to FI never lowers any class: alternatives are all-of, CMMI practices any-of, goals
all-of), so a member
kept because the level was lost without it, against a superset of the final set, is needed in the final set too:
the result is irredundant, and it is called ``minimal`` only then (verified and reduced). It is a minimal set, not
necessarily a minimum one. Prerequisites that the rating does not need are dropped by the reduction and reported
beside the set (``prerequisites_first``): the work needs them first, the rating does not.

A CMMI practice characterized directly as not satisfied cannot be changed by adopting practices: it is reported as
an obstacle (``obstacles``) and the level is not ``achievable`` without re-characterizing it.

**Nearest goals** (``nearest_areas``, ``nearest_framework_levels``): the process areas below the capability
level needed, and each framework's next level, closest to satisfied first (fewest CMMI practices or requirements
missing, then the cheapest completion), each with what it still needs in plain words. **What moves us furthest**
(``furthest``): the practices, adopted with their prerequisites, that make the most hold per person-week, checked by
re-inference.

Nothing here prints or formats a page: ``engine/formats`` renders explanations (Markdown from
``templates/markdown/explanation.md.j2``).
"""

# No ``from __future__ import annotations``: pydantic would turn every field annotation of the ~30 models back
# from a string at import (a third of this module's import time on a cold report); self-references are quoted.

import datetime as dt
import inspect
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from mlops_maturity.engine import documents, words
from mlops_maturity.engine.assessment import parse_assumptions
from mlops_maturity.engine.errors import InferenceError, Problem, UserInputError
from mlops_maturity.engine.facts import FactFile, load_fact_file
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.levels import check_framework_level, check_maturity_level, next_level
from mlops_maturity.engine.rating import (
    FAILED_,
    NOT_APPLICABLE,
    SATISFIED,
    UNKNOWN,
    Conclusions,
    any_of,
    practice_class,
    rate_alternative,
    required_capability,
)
from mlops_maturity.engine.results import (
    AlternativeResult,
    Assessment,
    Assumption,
    Derivation,
    DirectResult,
    GoalResult,
    ModelPracticeResult,
    PracticeResult,
    ProcessAreaResult,
    made,
)
from mlops_maturity.engine.session import Session
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from mlops_maturity.engine.roadmap import Roadmap  # the roadmap imports this module

SCHEMA_VERSION = "2.0"

SATISFIED_STATUSES = ("FI", "LI")
NO_EVIDENCE_STATUSES = ("NY", "not_observed")
NOT_IMPLEMENTED_STATUSES = ("PI", "NI")

Gap = Literal["no_evidence", "not_implemented", "not_applicable"]
"""Why a practice does not count: nothing was recorded (assess it), it was assessed as not (fully) implemented,
or it was marked not applicable (it counts again only in an alternative where something else applies)."""

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

CLASS_WORDS = words.PRACTICE_CLASS_LONG
"""The class of an alternative or a CMMI practice, in words (re-exported from :mod:`words`)."""

RULE_MEANING = {
    "alternative_satisfied": "every applicable practice of the alternative is fully or largely implemented",
    "alternative_failed": "a practice of the alternative was assessed as partially or not implemented",
    "alternative_unknown": "nothing in the alternative failed, but a practice has no evidence recorded",
    "alternative_not_applicable": "every practice of the alternative is not applicable",
    "practice_characterized_directly": "the assessor characterized the CMMI practice directly",
    "practice_satisfied": "one of its alternatives is satisfied",
    "practice_satisfied_inherited": "the organization-level generic practice it inherits is satisfied",
    "practice_unknown": "no alternative is satisfied and one has no evidence recorded (assess it)",
    "practice_unknown_inherited": "the organization-level generic practice it inherits is not determined",
    "practice_failed": "every applicable alternative failed",
    "practice_failed_inherited": "the organization-level generic practice it inherits failed",
    "practice_without_alternative": "no alternative implements it, so it cannot be determined",
    "practice_not_applicable": "every alternative is not applicable",
    "practice_ready": "the practice is not satisfied and every prerequisite is",
    "goal_satisfied": "every CMMI practice of the goal is satisfied",
    "goal_unsatisfied": "at least one CMMI practice of the goal failed (assessed PI or NI)",
    "goal_not_rated": "nothing failed, but at least one CMMI practice of the goal is not determined (not observed, "
                      "not yet, or not applicable: NA never removes a required practice), so the goal is not rated",
    "goal_inherited": "the area's generic goal rests on the organization-level practices alone, so it has their "
                      "rating",
    "area_out_of_scope": "the fact file declares the process area out of scope",
    "area_satisfied_defined": "every specific goal holds, and the area's own GG2 and GG3 hold: capability level 3 "
                              "(defined)",
    "area_satisfied_managed": "every specific goal holds and the area's own GG2 holds, but its GG3 does not: "
                              "capability level 2 (managed)",
    "area_satisfied_performed": "every specific goal holds, but the area's own GG2 does not: capability level 1 "
                                "(performed)",
    "area_unsatisfied": "at least one specific goal is unsatisfied: capability level 0 (incomplete)",
    "area_not_rated": "no specific goal is unsatisfied, but at least one is not rated",
    "maturity_level_met": "every in-scope process area of this level and the levels below has the capability "
                          "level the level needs (2 for level 2, 3 above)",
    "maturity_level_staged": "the maturity level is the highest level N such that every level from 2 to N is met",
    "maturity_level_initial": "level 2 is not met, so the organization is at level 1 (Initial)",
    "framework_level_met": "every requirement of this level of the model is satisfied or not applicable",
    "framework_level_failed": "a practice this level requires was assessed as partially or not implemented",
    "framework_level_failed_alternatives": "every way of meeting a requirement of this level failed",
    "framework_level_undetermined": "nothing this level requires failed, but something is not observed",
    "framework_level_reached_base": "the model's first level is met",
    "framework_level_reached_next": "this level is met and the level below it is reached",
    "framework_level": "the highest level reached whose next level is not reached",
    "framework_no_level": "not even the model's first level is reached",
}
"""Each rule of the inference (``engine/inference.py``), in plain words."""

_NUMBERED_RULES = {
    "practice_satisfied_by_alternative_": "alternative {k} is satisfied: every applicable practice of it is fully or "
                                          "largely implemented",
    "practice_unknown_by_alternative_": "no alternative is satisfied, and nothing in alternative {k} failed but a "
                                        "practice of it has no evidence recorded (assess it)",
}


def rule_meaning(rule: str) -> str:
    """A rule of the inference in plain words (the rule id itself when it is not known here)."""
    if rule in RULE_MEANING:
        return RULE_MEANING[rule]
    for prefix, text in _NUMBERED_RULES.items():
        if rule.startswith(prefix) and rule[len(prefix):].isdigit():
            return text.format(k=rule[len(prefix):])
    return rule

STATUS_WORDS = words.RATING
"""Ratings of goals, areas and framework levels in words (re-exported from :mod:`words`: the report reads them)."""

_GOAL_RULE = {"satisfied": "goal_satisfied", "unsatisfied": "goal_unsatisfied", "not_rated": "goal_not_rated"}
_AREA_RULE = {("satisfied", 3): "area_satisfied_defined", ("satisfied", 2): "area_satisfied_managed",
              ("satisfied", 1): "area_satisfied_performed", ("unsatisfied", 0): "area_unsatisfied",
              ("not_rated", 0): "area_not_rated", ("out_of_scope", -1): "area_out_of_scope"}


# --- the explanation models ---------------------------------------------------------------------------------


class Explanation(BaseModel):
    """Base of explanation models: immutable, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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
    prerequisites: "list[Prerequisite]" = []


class PracticeGap(Explanation):
    """One of our practices that is not satisfied, as an alternative or a framework level lacks it."""

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


class AlternativeGap(Explanation):
    """One way to implement a CMMI practice (or a framework any-of requirement), and what it still lacks."""

    label: str = Field(description='"alternative K", or "inherited GP2.3 alternative K" for an area generic '
                                   "practice's inherited alternatives.")
    source: Literal["own", "inherited"]
    number: int
    status: str = Field(description="satisfied, failed, unknown or not_applicable.")
    practices: list[str] = Field(description="Every practice of the alternative.")
    lacks: list[PracticeGap] = Field(description="Its practices that are not satisfied (NA left out, unless every "
                                                 "practice is NA).")
    prerequisites: list[str] = Field(description="Unsatisfied prerequisites of what it lacks, outside it.")
    cost: float = Field(description="Effort midpoints, in person-weeks, of what it lacks and those prerequisites.")
    value: int = Field(description="Sum of the values of the practices it lacks.")
    cheapest: bool = False


class ModelPracticeGap(Explanation):
    """A CMMI practice (specific or generic) that is not satisfied, with its alternatives."""

    id: str
    name: str
    kind: Literal["specific", "generic", "area_generic"]
    status: str = Field(description="failed, unknown or not_applicable.")
    characterization: str
    decided_by: str
    step: RuleStep | None = None
    direct: DirectResult | None = Field(default=None, description="The assessor's direct characterization.")
    inherits: str | None = Field(default=None, description="The organization-level generic practice it inherits.")
    inherited_status: str | None = None
    inherited_direct: DirectResult | None = None
    alternatives: list[AlternativeGap]
    cheapest: str | None = Field(description="Label of the cheapest alternative (null when none can be adopted).")
    adoptable: bool = Field(description="Adopting practices can satisfy it (false: a direct characterization, or "
                                        "no alternative).")


class GoalGap(Explanation):
    """A goal that does not hold: unsatisfied (something failed) or not rated (something not determined)."""

    id: str
    name: str
    generic: str | None = Field(description="GG2 or GG3 for a generic goal, null for a specific goal.")
    status: str
    rule: str
    meaning: str
    step: RuleStep | None = None
    failed: list[str] = Field(description="Its CMMI practices that failed.")
    unknown: list[str] = Field(description="Its CMMI practices not determined (not observed, not yet).")
    not_applicable: list[str] = Field(description="Its CMMI practices every alternative of which is NA.")
    practices: list[ModelPracticeGap]


class AreaGap(Explanation):
    """A process area below the capability level the level needs."""

    id: str
    name: str
    maturity_level: int
    status: str
    capability_level: int | None
    required_capability: int
    rule: str
    meaning: str
    step: RuleStep | None = None
    goals: list[GoalGap] = Field(description="Its specific goals that do not hold.")
    generic_goals: list[GoalGap] = Field(description="Its own generic goals the level needs that do not hold.")


class PracticeHold(Explanation):
    """A practice as it supports something that holds."""

    id: str
    name: str
    status: str
    characterization: str
    evidence: list[str] = []
    note: str | None = None
    observed_on: dt.date | None = None
    reason: str | None = None
    assumed: bool = False


class ModelPracticeHold(Explanation):
    """A satisfied CMMI practice and what established it."""

    id: str
    name: str
    decided_by: str
    characterization: str
    step: RuleStep | None = None
    direct: DirectResult | None = None
    inherited_from: str | None = None
    practices: list[PracticeHold] = Field(description="The deciding alternative's practices.")


class GoalHold(Explanation):
    """A goal that holds, with the rule and CMMI practices that established it."""

    id: str
    name: str
    status: str
    step: RuleStep | None = None
    practices: list[ModelPracticeHold]


class AreaHold(Explanation):
    """A process area that supports the level."""

    id: str
    name: str
    maturity_level: int
    status: str
    capability_level: int | None
    step: RuleStep | None = None
    goals: list[GoalHold]
    generic_goals: list[GoalHold]


class HowExplanation(Explanation):
    """How a maturity level was reached: the rule chain from the maturity level down to the practices."""

    chain: list[RuleStep] = Field(description="``maturity`` and ``mm:N``, top down (empty without a trace).")
    process_areas: list[AreaHold]
    out_of_scope: list[str]


class Adoption(Explanation):
    """One practice of an adoption set, with what it serves."""

    id: str
    name: str
    status: str
    characterization: str
    gap: Gap
    fixes: list[str] = Field(description="The CMMI practices (or framework requirements) whose chosen alternative "
                                         "needs it.")
    prerequisite_of: list[str] = Field(default=[], description="Members of the set that require it.")
    effort: float = Field(description="Effort midpoint, person-weeks.")
    ready: bool = Field(description="Every prerequisite is already satisfied.")


class Obstacle(Explanation):
    """A CMMI practice adopting practices cannot satisfy."""

    id: str
    reason: str


class Completion(Explanation):
    """What completing a process area, a goal or a framework level still needs, the cheapest way."""

    id: str = Field(description="A process area (PP), a goal (PP.SG1, PP.GG2, GG2) or a framework level "
                                "(google:1).")
    kind: Literal["process_area", "goal", "framework_level"]
    name: str
    missing: list[str] = Field(description="Its CMMI practices (or framework requirements) not satisfied.")
    adopt: list[str] = Field(description="The practices to adopt: the cheapest alternative's missing practices for "
                                         "each, plus their unsatisfied prerequisites, sorted.")
    assess_first: list[str] = Field(description="Of those, the ones with no evidence recorded (they may be in "
                                                "place: assess them first).")
    cost: float = Field(description="Effort midpoints of ``adopt``, person-weeks.")
    adoptable: bool = Field(description="False when something missing cannot be satisfied by adopting practices.")
    obstacles: list[str] = Field(default=[], description="Missing ones adopting practices cannot satisfy.")
    needs: str = Field(description="What it still needs, in plain words.")
    goals: "list[Completion]" = Field(default=[], description="A process area's goals that do not hold, nearest "
                                                            "first.")


class Lever(Explanation):
    """A practice, adopted with its unsatisfied prerequisites, and what that makes hold (checked by re-inference)."""

    id: str
    name: str
    status: str
    characterization: str
    with_prerequisites: list[str] = Field(description="Its unsatisfied prerequisites, adopted with it.")
    cost: float = Field(description="Effort midpoints of it and those prerequisites, person-weeks.")
    practices: list[str] = Field(description="CMMI practices and framework any-of requirements it makes satisfied.")
    goals: list[str] = Field(description="Goals it makes hold.")
    process_areas: list[str] = Field(description="Process areas whose capability level it raises.")
    levels: list[str] = Field(description="Levels it reaches: ``ML3`` for a CMMI maturity level, ``google:1``.")
    score: float = Field(description="Things made to hold (each CMMI practice, goal, area, level counts one) per "
                                     "person-week.")
    unlocks: str = Field(description="What it makes hold, in plain words.")


class _Header(Explanation):
    schema_version: str = SCHEMA_VERSION
    organization: str
    assessed_on: dt.date
    source: str | None
    assumptions: list[Assumption]
    maturity_level: int = Field(description="The maturity level the assessment reached.")
    maturity_level_name: str
    title: str = Field(default="", description="The question answered, naming the level in question (CMMI or the "
                                               "framework's), e.g. 'Why CMMI maturity level 3 (Defined) is not "
                                               "reached'.")
    standing: str = Field(default="", description="Where the organization stands: its CMMI maturity level and, for a "
                                                  "framework question, its level in that framework.")


class _AdoptionFields(Explanation):
    minimal_adoption: list[str] = Field(description="The practices to adopt (assumed FI) to reach the level.")
    adoption: list[Adoption]
    minimal: bool = Field(description="Verified and irredundant: dropping any member loses the level.")
    prerequisites_first: list[str] = Field(
        description="Unsatisfied prerequisites of the set that are not in it (the rating does not need them; the "
                    "work does, first)."
    )
    achievable: bool = Field(description="False when something needed cannot be satisfied by adopting practices.")
    obstacles: list[Obstacle] = []
    verified: bool = Field(description="Re-inference with minimal_adoption assumed FI reaches the level.")
    nearest_areas: list[Completion] = Field(
        default=[], description="The process areas (with their goals) below the capability level needed, closest to "
                                "satisfied first (see :func:`nearest_areas`); empty when the level is reached.")
    nearest_framework_levels: list[Completion] = Field(
        default=[], description="For each framework not at its top level, its next level, closest to reached first.")
    furthest: list[Lever] = Field(
        default=[], description="At most three practices that move the organization furthest: most made to hold "
                                "(CMMI practices, goals, areas, levels) per person-week (see :func:`levers`); "
                                "empty where the "
                                "caller does not show it (reports and summaries: each candidate costs one "
                                "re-inference).")


class LevelExplanation(_Header, _AdoptionFields):
    """Why maturity level N is not reached (and what reaches it), or how it was reached."""

    kind: Literal["level"] = "level"
    level: int
    level_name: str
    reached: bool
    blocking_level: int | None = Field(description="The lowest level not met (null when the level is reached).")
    summary: list[str]
    process_areas: list[AreaGap] = Field(description="In-scope areas of levels <= N below the capability N needs.")
    out_of_scope: list[str] = Field(description="Areas of levels <= N declared out of scope.")
    generic_goals: list[GoalGap] = Field(
        description="The organization-level generic goals N needs that do not hold (every area inherits them).")
    verified_level: int | None = Field(description="The maturity level the re-inference reached.")
    how: HowExplanation | None = Field(description="The areas and rules, when the level is reached.")


class ImplementsLink(Explanation):
    """A CMMI practice a practice is part of an alternative of."""

    id: str
    name: str
    kind: str
    goal: str
    goal_name: str
    goal_status: str
    process_area: str | None
    maturity_level: int
    status: str
    alternatives: list[int] = Field(description="Numbers of the alternatives that contain the practice.")
    holds_back: bool = Field(description="The CMMI practice is not satisfied and this practice is not either.")


class FrameworkLink(Explanation):
    """A framework level that names a practice."""

    framework: str
    framework_name: str
    level: int
    level_name: str
    required: bool = Field(description="Required (alone or in an any-of); false: optional.")
    status: str
    met: bool
    reached: bool


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
    placement: Literal["planned", "assess_first", "not_needed", "target_reached", "impossible", "unavailable"] = \
        Field(description="planned: an item of the plan; assess_first: no evidence recorded, assess before "
                          "planning; not_needed: the target needs neither it nor anything waiting for it; "
                          "target_reached: nothing to plan; impossible: the roadmap refuses the target; "
                          "unavailable: the roadmap could not be consulted.")
    rank: int | None = None
    items: int = 0
    wave: int | None = None
    waves: int = 0
    needed_by_target: bool = False
    needed_for: list[str] = []
    requires: list[str] = []
    awaits_assessment: list[str] = []
    unblocks: list[str] = []
    reasons: list[str]


class PracticeExplanation(_Header):
    """A practice: its status, what it implements, what requires it, what it waits for."""

    kind: Literal["practice"] = "practice"
    id: str
    name: str
    description: str
    option: bool
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
    serving_level: int = Field(description="The lowest maturity level among the CMMI practices it implements "
                                           "(6: none).")
    summary: list[str]
    implements: list[ImplementsLink]
    frameworks: list[FrameworkLink]
    required_by: list[PracticeLink]
    requires: list[PracticeLink]
    waits_for: list[Prerequisite]
    next_level: int | None
    needed_for_next_level: Literal["adopt", "no", "satisfied"] = Field(
        description="adopt: in the next level's adoption set; no: not in it; satisfied: already in place."
    )
    roadmap: RoadmapPosition | None


class RequirementGap(Explanation):
    """A framework level requirement that is not satisfied: one practice, or an any-of of alternatives."""

    id: str = Field(description="The practice id, or ``fw:F:K:I`` for an any-of requirement.")
    kind: Literal["practice", "any_of"]
    status: str
    practice: PracticeGap | None = None
    alternatives: list[AlternativeGap] = []
    cheapest: str | None = None


class FrameworkLevelExplanation(Explanation):
    """One level of a framework: its own status, whether it is reached, and what it misses."""

    level: int
    name: str
    status: str = Field(description="met, failed or undetermined.")
    met: bool
    reached: bool
    steps: list[RuleStep]
    missing: list[str] = Field(description="Required practices not satisfied (as the assessment lists them).")
    failed: list[str] = Field(description="Of those, assessed PI or NI.")
    undetermined: list[str] = Field(description="Of those, not observed or NY (assess them).")
    requirements: list[RequirementGap]
    practices: list[PracticeHold] = Field(description="The required practices that hold (when the level is met).")
    optional: list[str]


class FrameworkExplanation(_Header, _AdoptionFields):
    """Why a framework level is not reached (and what reaches it), or how it was reached."""

    kind: Literal["framework"] = "framework"
    framework: str
    framework_name: str
    provenance: str
    provenance_note: str
    level: int
    level_name: str
    current_level: int | None
    current_level_name: str | None
    reached: bool
    blocking_level: int | None
    summary: list[str]
    levels: list[FrameworkLevelExplanation]
    chain: list[RuleStep]
    verified_level: int | None


# No ``model_rebuild()`` for the self-referencing ``Prerequisite`` and ``Completion``: pydantic resolves a model's own
# name when it creates the class, and a rebuild would build their validators at import (they are built on first use).


# --- reading one assessment ---------------------------------------------------------------------------------


def _agree(condition: bool, message: str) -> None:
    if not condition:
        raise InferenceError(f"explanation trace disagrees with the assessment: {message}")


class Trace:
    """The inference trace of one assessment, indexed by fact id, checked against the assessment's results."""

    def __init__(self, kb: KnowledgeBase, assessment: Assessment) -> None:
        if not assessment.derivations:
            raise ValueError("the assessment carries no inference trace (was it made with evaluator='reference'?)")
        self.kb = kb
        self.assessment = assessment
        self.by_fact: dict[str, Derivation] = {d.fact: d for d in assessment.derivations}

    def has(self, fact: str) -> bool:
        """Whether inference derived ``fact``."""
        return fact in self.by_fact

    def step(self, fact: str) -> RuleStep | None:
        """The derivation of ``fact`` as a readable step (``None`` when it was not derived)."""
        d = self.by_fact.get(fact)
        if d is None:
            return None
        return made(RuleStep, fact=d.fact, rule=d.rule, meaning=rule_meaning(d.rule), premises=d.premises)

    def area(self, pa_id: str) -> tuple[str, int]:
        """A process area's rating and capability level as the trace concluded them, checked against the result."""
        d = self.by_fact[f"ps:{pa_id}"]
        found = next((k for k, rule in _AREA_RULE.items() if rule == d.rule), None)
        _agree(found is not None, f"process area {pa_id}: unknown rule {d.rule}")
        status, capability = found  # type: ignore[misc]
        result = self.assessment.process_area(pa_id)
        shown = None if status in ("out_of_scope", "not_rated") else capability
        _agree((result.status, result.capability_level) == (status, shown),
               f"process area {pa_id}: trace says {status}/{shown}, assessment {result.status}/"
               f"{result.capability_level}")
        return status, capability

    def goal(self, gid: str, reported: str) -> str:
        """A goal's rule, checked against the reported status (``goal_inherited`` takes the inherited goal's)."""
        d = self.by_fact[f"gs:{gid}"]
        if d.rule != "goal_inherited":
            _agree(_GOAL_RULE.get(reported) == d.rule, f"goal {gid}: trace rule {d.rule}, assessment {reported}")
        return d.rule


class _View:
    """One session's assessment, indexed for explaining: results by id, the trace when there is one."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.kb = session.kb
        self.facts = session.facts
        self.a = session.assessment
        self.trace = Trace(self.kb, self.a) if self.a.derivations else None
        self.practices: dict[str, PracticeResult] = {p.id: p for p in self.a.practices}
        self.areas: dict[str, ProcessAreaResult] = {pa.id: pa for pa in self.a.process_areas}
        self.goals: dict[str, GoalResult] = {g.id: g for g in self.a.generic_goals}
        for pa in self.a.process_areas:
            self.goals.update({g.id: g for g in pa.goals})
            self.goals.update({g.id: g for g in pa.generic_goals})
        self.mps: dict[str, ModelPracticeResult] = {m.id: m for g in self.goals.values() for m in g.practices}
        for p in self.a.practices:
            _agree(not p.blocked_by or not p.ready, f"practice {p.id}: ready, but waits for {p.blocked_by}")

    # trace
    def step(self, fact: str) -> RuleStep | None:
        return self.trace.step(fact) if self.trace is not None else None

    def goal_rule(self, gid: str) -> str:
        status = self.goals[gid].status
        if self.trace is not None and self.trace.has(f"gs:{gid}"):
            return self.trace.goal(gid, status)
        return _GOAL_RULE[status]

    def area_rule(self, pa_id: str) -> str:
        pa = self.areas[pa_id]
        if self.trace is not None and self.trace.has(f"ps:{pa_id}"):
            self.trace.area(pa_id)
            return self.trace.by_fact[f"ps:{pa_id}"].rule
        key = (pa.status, -1 if pa.status == "out_of_scope" else pa.capability_level or 0)
        return _AREA_RULE.get(key, "area_not_rated")

    # practices
    def klass(self, pid: str) -> str:
        return practice_class(self.practices[pid].status)

    def satisfied(self, pid: str) -> bool:
        return self.practices[pid].satisfied

    def blocked_by(self, pid: str) -> list[str]:
        return list(self.practices[pid].blocked_by)

    def closure(self, pids: Sequence[str]) -> list[str]:
        """Every unsatisfied prerequisite reachable from ``pids`` through unsatisfied prerequisites, sorted."""
        seen: set[str] = set()
        stack = list(pids)
        while stack:
            for q in self.blocked_by(stack.pop()):
                if q not in seen:
                    seen.add(q)
                    stack.append(q)
        return sorted(seen)

    def prerequisite_tree(self, pid: str, seen: frozenset[str] = frozenset()) -> list[Prerequisite]:
        out = []
        for q in self.blocked_by(pid):
            if q in seen:
                continue
            r = self.practices[q]
            out.append(made(Prerequisite, id=q, name=r.name, status=r.status,
                            characterization=CHARACTERIZATION[r.status],
                            prerequisites=self.prerequisite_tree(q, seen | {pid})))
        return out

    def gap(self, pid: str) -> PracticeGap:
        p = self.practices[pid]
        return made(PracticeGap,
            id=pid, name=p.name, status=p.status, characterization=CHARACTERIZATION[p.status], gap=gap_of(p.status),
            meaning=GAP_MEANING[p.status] + (" (Assumed for this what-if.)" if p.assumed else ""),
            evidence=list(p.evidence), note=p.note, observed_on=p.observed_on, assumed=p.assumed,
            prerequisites=self.prerequisite_tree(pid),
        )

    def hold(self, pid: str) -> PracticeHold:
        p = self.practices[pid]
        return made(PracticeHold, id=pid, name=p.name, status=p.status, characterization=CHARACTERIZATION[p.status],
                                  evidence=list(p.evidence), note=p.note, observed_on=p.observed_on, reason=p.reason,
                                  assumed=p.assumed)

    def effort(self, pid: str) -> float:
        return self.kb.practices[pid].effort.mid

    # alternatives
    def alternative(self, members: Sequence[str], number: int, status: str, source: Literal["own", "inherited"],
                    label: str) -> AlternativeGap:
        lacking = [p for p in members if not self.satisfied(p) and self.practices[p].status != "NA"]
        if status == NOT_APPLICABLE:  # every member NA: adopting them (FI overrides NA) is the way
            lacking = [p for p in members if not self.satisfied(p)]
        if status == SATISFIED:
            lacking = []
        prereqs = [q for q in self.closure(lacking) if q not in lacking]
        return made(AlternativeGap,
            label=label, source=source, number=number, status=status, practices=list(members),
            lacks=[self.gap(p) for p in lacking], prerequisites=prereqs,
            cost=round(sum(self.effort(p) for p in [*lacking, *prereqs]), 3),
            value=sum(self.kb.practices[p].value for p in lacking),
        )


def gap_of(status: str) -> Gap:
    """Classify a status that does not count: no evidence (NY, not observed), not implemented (PI, NI), or NA."""
    if status in NO_EVIDENCE_STATUSES or status == "NO":
        return "no_evidence"
    if status in NOT_IMPLEMENTED_STATUSES:
        return "not_implemented"
    if status == "NA":
        return "not_applicable"
    raise ValueError(f"status {status} counts; it is not a gap")


def _cheapest(alternatives: list[AlternativeGap]) -> AlternativeGap | None:
    """The cheapest alternative that can be adopted: lowest cost, then higher value, then fewer practices, then
    order (the list's: own alternatives first)."""
    candidates = [(i, x) for i, x in enumerate(alternatives) if x.lacks]
    if not candidates:
        return None
    _, best = min(candidates, key=lambda ix: (ix[1].cost, -ix[1].value,
                                              len(ix[1].lacks) + len(ix[1].prerequisites), ix[0]))
    return best


def _mark_cheapest(alternatives: list[AlternativeGap]) -> tuple[list[AlternativeGap], AlternativeGap | None]:
    best = _cheapest(alternatives)
    if best is None:
        return alternatives, None
    marked = [x.model_copy(update={"cheapest": True}) if x is best else x for x in alternatives]
    return marked, next(x for x in marked if x.cheapest)


def _alternative_results(v: _View, alts: Sequence[AlternativeResult], source: Literal["own", "inherited"],
                         prefix: str) -> list[AlternativeGap]:
    return [v.alternative([m.id for m in alt.practices], alt.number, alt.status, source,
                          f"{prefix}alternative {alt.number}") for alt in alts]


def _model_practice_gap(v: _View, mp_id: str) -> ModelPracticeGap:
    """A CMMI practice that is not satisfied, with every alternative that could satisfy it and what each lacks."""
    mp = v.kb.model_practices[mp_id]
    r = v.mps[mp_id]
    direct = r.direct
    alternatives = _alternative_results(v, r.alternatives, "own", "")
    inherited = v.mps.get(mp.inherits) if mp.inherits else None
    inherited_direct = inherited.direct if inherited is not None else None
    if inherited is not None and inherited_direct is None:
        alternatives += _alternative_results(v, inherited.alternatives, "inherited", f"inherited {mp.inherits} ")
    if direct is not None:  # the assessor's characterization decides; alternatives are shown, not adoptable
        marked, best = alternatives, None
    else:
        marked, best = _mark_cheapest(alternatives)
    return made(ModelPracticeGap,
        id=mp_id, name=mp.name, kind=mp.kind, status=r.status, characterization=r.characterization,
        decided_by=r.decided_by, step=v.step(f"mps:{mp_id}"), direct=direct, inherits=mp.inherits,
        inherited_status=inherited.status if inherited is not None else None, inherited_direct=inherited_direct,
        alternatives=marked, cheapest=best.label if best is not None else None,
        adoptable=direct is None and best is not None,
    )


def _goal_gap(v: _View, gid: str) -> GoalGap:
    g = v.goals[gid]
    rule = v.goal_rule(gid)
    info = v.kb.goals.get(gid)
    generic = info.generic if info is not None else gid
    missing = [m for m in g.practices if m.status != SATISFIED]
    return made(GoalGap,
        id=gid, name=g.name, generic=generic, status=g.status, rule=rule, meaning=rule_meaning(rule),
        step=v.step(f"gs:{gid}"),
        failed=[m.id for m in missing if m.status == FAILED_],
        unknown=[m.id for m in missing if m.status == UNKNOWN],
        not_applicable=[m.id for m in missing if m.status == NOT_APPLICABLE],
        practices=[_model_practice_gap(v, m.id) for m in missing],
    )


# --- why / how a maturity level ------------------------------------------------------------------------------


def _header(a: Assessment) -> dict[str, Any]:
    return {"organization": a.organization, "assessed_on": a.assessed_on, "source": a.source,
            "assumptions": list(a.assumptions), "maturity_level": a.maturity_level,
            "maturity_level_name": a.maturity_level_name}


def _standing(a: Assessment, framework: str | None = None) -> str:
    """``Acme, assessed on 2026-01-15: CMMI maturity level 2 (Managed)[; Google ... level 1 (...)]``."""
    line = (f"{a.organization}, assessed on {a.assessed_on.isoformat()}: "
            f"{words.maturity_level(a.maturity_level, a.maturity_level_name)}")
    return line + (f"; {framework}." if framework else ".")


def _level_gaps(v: _View, level: int) -> tuple[list[AreaGap], list[str], list[GoalGap]]:
    """The in-scope areas of levels <= ``level`` below the capability it needs, the areas out of scope, and the
    organization-level generic goals it needs that do not hold."""
    areas: list[AreaGap] = []
    scoped: list[str] = []
    if level < 2:
        return areas, scoped, []
    need = required_capability(level)
    for pa in v.kb.process_areas:
        if pa.maturity_level > level:
            continue
        r = v.areas[pa.id]
        if r.status == "out_of_scope":
            scoped.append(pa.id)
            continue
        if r.status == "satisfied" and (r.capability_level or 0) >= need:
            continue
        rule = v.area_rule(pa.id)
        goals = [_goal_gap(v, g.id) for g in r.goals if g.status != "satisfied"]
        generic = [_goal_gap(v, g.id) for g in r.generic_goals
                   if g.status != "satisfied" and (g.id.endswith(".GG2") or need >= 3)]
        areas.append(made(AreaGap, id=pa.id, name=pa.name, maturity_level=pa.maturity_level, status=r.status,
                                   capability_level=r.capability_level, required_capability=need, rule=rule,
                                   meaning=rule_meaning(rule), step=v.step(f"ps:{pa.id}"), goals=goals,
                                   generic_goals=generic))
    org = [_goal_gap(v, g.id) for g in v.a.generic_goals
           if g.status != "satisfied" and (g.id == "GG2" or need >= 3) and areas]
    return areas, scoped, org


def _assumed(adoption: Sequence[str]) -> dict[str, str]:
    return {p: "FI" for p in adoption}


def _adopt(
    v: _View,
    choices: Mapping[str, AlternativeGap | PracticeGap],
    reaches: Callable[[Conclusions], bool],
) -> tuple[list[Adoption], bool, bool, list[str]]:
    """The adoption set for ``choices`` (what needs it -> the chosen alternative, or a single practice): the chosen
    practices plus their unsatisfied prerequisites, tried with the reference evaluator, then made irredundant (each
    drop tried likewise), the result inferred again by the rules engine. Returns the adoption, verified, minimal,
    and prerequisites outside the set."""
    fixes: dict[str, list[str]] = {}
    for target, choice in sorted(choices.items()):
        lacks = choice.lacks if isinstance(choice, AlternativeGap) else [choice]
        for p in lacks:
            fixes.setdefault(p.id, []).append(target)
    chosen = sorted(fixes)
    members = sorted(set(chosen) | set(v.closure(chosen)))
    session = v.session
    # The search tries the whole set and each drop with the reference evaluator; the set it settles on is inferred
    # again (the rules engine, cross-checked when verifying): one inference of the rules engine, not two, when the
    # reduction drops something.
    verified = reaches(session.trial_conclusions(_assumed(members))) if members else False
    minimal = False
    if verified:
        only_prerequisites = [p for p in members if p not in fixes]
        kept = list(members)
        if only_prerequisites:  # one trial first: usually the rating needs none of them
            without = [p for p in kept if p in fixes]
            if reaches(session.trial_conclusions(_assumed(without))):
                kept = without
        for pid in [p for p in only_prerequisites if p in kept] + [p for p in members if p in fixes]:
            smaller = [p for p in kept if p != pid]
            if reaches(session.trial_conclusions(_assumed(smaller))):
                kept = smaller
        if not reaches(session.conclusions_with(_assumed(kept or members))):
            raise InferenceError("the adoption set the reference evaluator settled on does not reach the level under "
                                 "the rules engine")
        members = kept
        minimal = True  # each kept member loses the level when dropped from a superset: monotone, so needed
    elif members:  # what the rules engine says of the whole set is what is reported (verified_level)
        verified = reaches(session.conclusions_with(_assumed(members)))
    in_set = set(members)
    adoption = []
    for pid in members:
        pr = v.practices[pid]
        adoption.append(made(Adoption,
            id=pid, name=pr.name, status=pr.status, characterization=CHARACTERIZATION[pr.status], gap=gap_of(pr.status),
            fixes=sorted(set(fixes.get(pid, []))),
            prerequisite_of=sorted(q for q in in_set if pid in v.kb.practices[q].requires),
            effort=v.effort(pid), ready=not v.blocked_by(pid)))
    first = [q for q in v.closure(members) if q not in in_set]
    return adoption, verified, minimal, first


def _level_choices(v: _View, areas: list[AreaGap]) -> tuple[dict[str, AlternativeGap], list[Obstacle]]:
    choices: dict[str, AlternativeGap] = {}
    obstacles: list[Obstacle] = []
    for area in areas:
        for goal in [*area.goals, *area.generic_goals]:
            for mp in goal.practices:
                if mp.direct is not None:
                    obstacles.append(made(Obstacle, id=mp.id, reason=f"characterized directly as {mp.direct.status} "
                                                                     f"({mp.direct.rationale}); re-characterize it"))
                    continue
                best = next((x for x in mp.alternatives if x.cheapest), None)
                if best is None:
                    obstacles.append(made(Obstacle, id=mp.id, reason="no alternative of our practices implements it"
                                                    + (f" and {mp.inherits} is characterized directly as "
                                                       f"{mp.inherited_direct.status}" if mp.inherited_direct else "")))
                    continue
                choices[mp.id] = best
    return choices, obstacles


# --- nearest goals and what moves furthest -----------------------------------------------------------------

NEAREST_CANDIDATES = 3
"""Levers are sought among the practices the nearest areas and framework levels (this many of each) need, and the
adoption set's when it has at most ``LEVER_ADOPTION_LIMIT`` practices (each candidate costs one re-inference)."""
LEVER_ADOPTION_LIMIT = 20


def _closeness(c: Completion) -> tuple[bool, int, float, str]:
    """Nearest first: adoptable before not, fewest missing, cheapest completion, then id."""
    return (not c.adoptable, len(c.missing), c.cost, c.id)


def _mp_choice(mp: ModelPracticeGap) -> list[str] | None:
    """The practices the cheapest alternative of a CMMI practice lacks (``None``: adopting cannot satisfy it)."""
    if mp.direct is not None:
        return None
    best = next((x for x in mp.alternatives if x.cheapest), None)
    return [p.id for p in best.lacks] if best is not None else None


def _named(v: _View, ids: Sequence[str]) -> str:
    return words.listing([f"{v.practices[p].name} ({p})" for p in ids])


def _completion(v: _View, cid: str, kind: Literal["process_area", "goal", "framework_level"], name: str,
                items: Sequence[tuple[str, list[str] | None]], goals: Sequence[Completion] = ()) -> Completion:
    """What completing ``cid`` needs: ``items`` are its missing CMMI practices (or requirements), each with the
    practices its cheapest way lacks (``None``: adopting cannot satisfy it)."""
    missing = sorted({m for m, _ in items})
    obstacles = sorted({m for m, choice in items if choice is None})
    chosen = sorted({p for _, choice in items if choice for p in choice})
    adopt = sorted(set(chosen) | set(v.closure(chosen)))
    cost = round(sum(v.effort(p) for p in adopt), 3)
    assess = [p for p in adopt if gap_of(v.practices[p].status) == "no_evidence"]
    what = "requirement" if kind == "framework_level" else "CMMI practice"
    text = f"{words.plural(len(missing), what)} not satisfied"
    if kind != "framework_level":
        text += f" ({', '.join(missing)})"
    if adopt:
        practices = _named(v, adopt) if len(adopt) <= 3 else f"{len(adopt)} practices ({', '.join(adopt)})"
        text += f": adopt {practices}, {words.effort(round(cost, 2))}"
    if assess:
        which = "it" if len(adopt) == 1 else ("all of them" if assess == adopt else
                                              ", ".join(assess) if len(assess) <= 3 else f"{len(assess)} of them")
        text += f"; no evidence is recorded for {which}: assess first, {'it' if len(assess) == 1 else 'they'} may " \
                "already be in place"
    if obstacles:
        text += f"; adopting practices cannot satisfy {', '.join(obstacles)}"
    return made(Completion, id=cid, kind=kind, name=name, missing=missing, adopt=adopt, assess_first=assess, cost=cost,
                            adoptable=not obstacles, obstacles=obstacles, needs=text + ".",
                            goals=sorted(goals, key=_closeness))


def _goal_completion(v: _View, goal: GoalGap) -> Completion:
    return _completion(v, goal.id, "goal", goal.name, [(mp.id, _mp_choice(mp)) for mp in goal.practices])


def nearest_areas(v: _View, areas: Sequence[AreaGap]) -> list[Completion]:
    """The process areas below the capability level needed, closest to it first: fewest CMMI practices missing,
    then the cheapest completion (the cheapest alternative of each, with prerequisites, each practice counted once),
    each with its goals that do not hold (nearest first)."""
    out = []
    for area in areas:
        goals = [*area.goals, *area.generic_goals]
        out.append(_completion(v, area.id, "process_area", area.name,
                               [(mp.id, _mp_choice(mp)) for g in goals for mp in g.practices],
                               [_goal_completion(v, g) for g in goals]))
    return sorted(out, key=_closeness)


def nearest_framework_levels(v: _View) -> list[Completion]:
    """For every framework not at its top level, its next level with what it still needs (every requirement of it
    and of the unmet levels below: the single practice, or the cheapest alternative of an any-of), nearest first."""
    out = []
    for fid in sorted(v.kb.frameworks):
        fw = v.kb.frameworks[fid]
        result = v.a.framework(fid)
        numbers = [lv.level for lv in fw.levels]
        target = numbers[0] if result.level is None else next((n for n in numbers if n > result.level), None)
        if target is None:
            continue
        items: list[tuple[str, list[str] | None]] = []
        for lv, r in zip(fw.levels, result.levels, strict=True):
            if lv.level > target:
                break
            if r.met:
                continue
            for req in _requirement_gaps(v, fid, lv.level):
                if req.kind == "practice":
                    items.append((req.id, [req.id]))
                else:
                    best = next((x for x in req.alternatives if x.cheapest), None)
                    items.append((req.id, [p.id for p in best.lacks] if best is not None else None))
        name = words.framework_level(fw.name, target, next(lv.name for lv in fw.levels if lv.level == target))
        out.append(_completion(v, f"{fid}:{target}", "framework_level", name, items))
    return sorted(out, key=_closeness)


def levers(v: _View, candidates: Sequence[str], limit: int = 3) -> list[Lever]:
    """The practices that move the organization furthest: each candidate is assumed fully implemented with its
    unsatisfied prerequisites and re-inferred (the reference evaluator, through the session); what becomes satisfied
    that was not (CMMI practices and any-of requirements, goals, process areas whose capability level rises, CMMI
    maturity levels and framework levels), each counting one, per person-week of the work. Highest first, then more
    made to hold, cheaper, id; those that make nothing hold are left out."""
    session = v.session
    base = session.trial_conclusions({})
    found = []
    for pid in sorted(set(candidates)):
        if v.satisfied(pid):
            continue
        prerequisites = v.closure([pid])
        after = session.trial_conclusions(_assumed([pid, *prerequisites]))
        practices = sorted(m for m, st in after.mp_status.items() if st == SATISFIED
                           and base.mp_status.get(m) != SATISFIED)
        goals = sorted(g for g, st in after.goal_status.items() if st == "satisfied"
                       and base.goal_status.get(g) != "satisfied")
        areas = sorted(a for a, (_, cl) in after.pa_status.items() if cl > base.pa_status.get(a, ("", 0))[1])
        levels = [f"cmmi:{n}" for n in range(base.maturity_level + 1, after.maturity_level + 1)]
        names = [words.maturity_level(n, v.kb.level_name(n)) for n in range(base.maturity_level + 1,
                                                                            after.maturity_level + 1)]
        for fid in sorted(after.framework_level):
            before, now = base.framework_level.get(fid), after.framework_level.get(fid)
            if now is None or (before is not None and now <= before):
                continue
            fw = v.kb.frameworks[fid]
            for lv in fw.levels:
                if (before is None or lv.level > before) and lv.level <= now:
                    levels.append(f"{fid}:{lv.level}")
                    names.append(words.framework_level(fw.name, lv.level, lv.name))
        count = len(practices) + len(goals) + len(areas) + len(levels)
        if not count:
            continue
        cost = round(sum(v.effort(p) for p in [pid, *prerequisites]), 3)
        parts = names[:]
        if areas:
            parts.append(f"{words.plural(len(areas), 'process area')} up a capability level"
                         + (f" ({', '.join(areas)})" if len(areas) <= 5 else ""))
        if goals:
            parts.append(f"{words.plural(len(goals), 'goal')}" + (f" ({', '.join(goals)})" if len(goals) <= 5 else ""))
        if practices:
            parts.append(words.plural(len(practices), "CMMI practice"))
        r = v.practices[pid]
        found.append(made(Lever, id=pid, name=r.name, status=r.status, characterization=CHARACTERIZATION[r.status],
                                 with_prerequisites=prerequisites, cost=cost, practices=practices, goals=goals,
                                 process_areas=areas, levels=levels,
                                 score=round(count / cost if cost > 0 else count, 6),
                                 unlocks=words.listing(parts)))
    found.sort(key=lambda x: (-x.score, -(len(x.practices) + len(x.goals) + len(x.process_areas) + len(x.levels)),
                              x.cost, x.id))
    return found[:limit]


def _nearest_fields(v: _View, areas: Sequence[AreaGap], adoption: Sequence[str],
                    furthest: bool = True) -> dict[str, Any]:
    near = nearest_areas(v, areas)
    frameworks = nearest_framework_levels(v)
    if not furthest:  # a report and its summary show no levers: each candidate costs one re-inference
        return {"nearest_areas": near, "nearest_framework_levels": frameworks, "furthest": []}
    candidates = {p for c in [*near[:NEAREST_CANDIDATES], *frameworks[:NEAREST_CANDIDATES]] for p in c.adopt}
    if len(adoption) <= LEVER_ADOPTION_LIMIT:
        candidates |= set(adoption)
    return {"nearest_areas": near, "nearest_framework_levels": frameworks, "furthest": levers(v, sorted(candidates))}


def _hold_model_practice(v: _View, m: ModelPracticeResult) -> ModelPracticeHold:
    mp = v.kb.model_practices[m.id]
    source = m
    inherited_from = None
    if m.decided_by == "inherited" and mp.inherits:
        inherited_from = mp.inherits
        source = v.mps[mp.inherits]
    members: list[str] = []
    if source.decided_by.startswith("alternative "):
        number = int(source.decided_by.split()[1])
        members = [x.id for x in source.alternatives[number - 1].practices]
    return made(ModelPracticeHold, id=m.id, name=m.name, decided_by=m.decided_by, characterization=m.characterization,
                                   step=v.step(f"mps:{m.id}"), direct=source.direct, inherited_from=inherited_from,
                                   practices=[v.hold(p) for p in members])


def _hold_goal(v: _View, g: GoalResult) -> GoalHold:
    return made(GoalHold, id=g.id, name=g.name, status=g.status, step=v.step(f"gs:{g.id}"),
                          practices=[_hold_model_practice(v, m) for m in g.practices])


def _how(v: _View, level: int) -> HowExplanation:
    chain = [s for s in (v.step("maturity"), v.step(f"mm:{level}") if level >= 2 else None) if s is not None]
    areas: list[AreaHold] = []
    scoped: list[str] = []
    if level >= 2:
        need = required_capability(level)
        for pa in v.kb.process_areas:
            if pa.maturity_level > level:
                continue
            r = v.areas[pa.id]
            if r.status == "out_of_scope":
                scoped.append(pa.id)
                continue
            generic = [g for g in r.generic_goals if g.id.endswith(".GG2") or need >= 3]
            areas.append(made(AreaHold, id=pa.id, name=pa.name, maturity_level=pa.maturity_level, status=r.status,
                                        capability_level=r.capability_level, step=v.step(f"ps:{pa.id}"),
                                        goals=[_hold_goal(v, g) for g in r.goals],
                                        generic_goals=[_hold_goal(v, g) for g in generic]))
        areas.sort(key=lambda x: (x.maturity_level, x.id))
    return made(HowExplanation, chain=chain, process_areas=areas, out_of_scope=scoped)


def level_explanation(session: Session, level: int | None = None, *, furthest: bool = True) -> LevelExplanation:
    """Why maturity level ``level`` is not reached and the smallest adoption that reaches it, or how it was reached.

    Args:
        session: the assessment session.
        level: 1-5; by default the level above the assessed one (at level 5: how level 5 was reached).

    Raises:
        UserInputError: ``level`` is not 1-5 (the problem names the ``level`` parameter).
        InferenceError: the trace disagrees with the assessment (an internal error).
    """
    if level is not None:
        check_maturity_level(level, parameter="level")
    if level is None:
        level = next_level(session.assessment.maturity_level) or session.assessment.maturity_level
    # One explanation per level and session: a report and its summary both ask for the next level's.
    key = ("level_explanation", level, furthest)
    found = session.derived.get(key)
    if not isinstance(found, LevelExplanation):
        found = session.derived[key] = _level_explanation(session, level, furthest)
    return found


def _level_explanation(session: Session, level: int, furthest: bool) -> LevelExplanation:
    v = _View(session)
    a = v.a
    reached = a.maturity_level >= level
    if v.trace is not None:
        _agree(reached == (level == 1 or v.trace.has(f"mm:{level}")), f"level {level} met, maturity "
                                                                       f"{a.maturity_level}")
    blocking = None if reached else a.maturity_level + 1
    areas, scoped, org = _level_gaps(v, level)
    _agree(reached == (not areas), f"level {level} reached={reached} but {len(areas)} areas short")
    choices, obstacles = _level_choices(v, areas)
    achievable = not obstacles
    if reached:
        adoption, verified, minimal, first, verified_level = list[Adoption](), True, True, list[str](), a.maturity_level
    elif achievable:
        adoption, verified, minimal, first = _adopt(v, choices, lambda c: c.maturity_level >= level)
        verified_level = session.conclusions_with(_assumed([x.id for x in adoption])).maturity_level
    else:
        adoption, verified, minimal, first, verified_level = [], False, False, [], None
    explanation = made(LevelExplanation,
        **_header(a), level=level, level_name=v.kb.level_name(level), reached=reached, blocking_level=blocking,
        summary=[], process_areas=areas, out_of_scope=scoped, generic_goals=org,
        minimal_adoption=[x.id for x in adoption], adoption=adoption, minimal=minimal, prerequisites_first=first,
        achievable=achievable, obstacles=obstacles, verified=verified, verified_level=verified_level,
        how=_how(v, level) if reached else None,
        **({} if reached else _nearest_fields(v, areas, [x.id for x in adoption], furthest)),
    )
    target = words.maturity_level(level, v.kb.level_name(level))
    title = f"How {target} was reached" if reached else f"Why {target} is not reached"
    return explanation.model_copy(update={"summary": _level_summary(v.kb, explanation), "title": title,
                                          "standing": _standing(a)})


def _level_summary(kb: KnowledgeBase, e: LevelExplanation) -> list[str]:
    now = words.maturity_level(e.maturity_level, e.maturity_level_name)
    target = words.maturity_level(e.level, e.level_name)
    cap = target
    if e.reached:
        if e.level == 1:
            return [f"Every organization is at least at {target}; {e.organization} is at {now}."]
        areas = "level 2" if e.level == 2 else f"levels 2 to {e.level}"
        lines = [f"{cap} is reached: {e.organization} is at {now}.",
                 f"Every in-scope process area of {areas} has capability level {required_capability(e.level)} or "
                 "more. Below are the areas, goals and CMMI practices, with what established each."]
        if e.out_of_scope:
            lines.append(f"Out of scope: {', '.join(e.out_of_scope)}.")
        return lines
    lines = [f"{cap} is not reached: {e.organization} is at {now}."]
    if e.blocking_level is not None and e.blocking_level < e.level:
        lines.append(f"The first level not met is level {e.blocking_level} ({kb.level_name(e.blocking_level)}); it "
                     f"is explained together with the levels up to {e.level}.")
    unsatisfied = [x for x in e.process_areas if x.status == "unsatisfied"]
    unrated = [x for x in e.process_areas if x.status == "not_rated"]
    low = [x for x in e.process_areas if x.status == "satisfied"]
    if unsatisfied:
        lines.append(f"{words.plural(len(unsatisfied), 'process area')} {'is' if len(unsatisfied) == 1 else 'are'} "
                     "unsatisfied: a CMMI practice they need failed (assessed partially or not implemented).")
    if unrated:
        lines.append(f"{words.plural(len(unrated), 'process area')} {'is' if len(unrated) == 1 else 'are'} not rated: "
                     "nothing failed, but CMMI practices they need are not determined (not observed or not yet): "
                     "assess them.")
    if low:
        lines.append(f"{words.plural(len(low), 'process area')} ({', '.join(x.id for x in low)}) "
                     f"{'has' if len(low) == 1 else 'have'} every specific goal satisfied but not the capability "
                     f"level {required_capability(e.level)} it needs: {'its' if len(low) == 1 else 'their'} own "
                     "generic goals do not hold.")
    for gg in e.generic_goals:
        lines.append(f"Organization-level {gg.id} ({gg.name}) is {STATUS_WORDS[gg.status]}; every area inherits "
                     "its generic practices unless it has evidence of its own.")
    n = len(e.minimal_adoption)
    if not e.achievable:
        lines.append(f"Level {e.level} cannot be reached by adopting practices: "
                     + "; ".join(f"{o.id} {o.reason}" for o in e.obstacles) + ".")
        return lines
    if e.verified:
        what = "the smallest set (every practice in it is needed)" if e.minimal else "a set"
        lines.append(f"Adopting {words.plural(n, 'practice')} (fully implemented), {what}, "
                     f"reaches level {e.level}: the "
                     f"engine was re-run with {'it' if n == 1 else 'them'} assumed and reached level "
                     f"{e.verified_level}.")
    else:
        lines.append(f"Adopting the {words.plural(n, 'practice')} below did not reach level {e.level} when the engine "
                     f"was re-run (it reached level {e.verified_level}).")
    no_evidence = sum(1 for x in e.adoption if x.gap == "no_evidence")
    if no_evidence:
        lines.append(f"{no_evidence} of them {'has' if no_evidence == 1 else 'have'} no evidence recorded: assess "
                     f"{'it' if no_evidence == 1 else 'them'} first, {'it' if no_evidence == 1 else 'they'} may "
                     "already be in place.")
    if e.prerequisites_first:
        lines.append(f"{words.plural(len(e.prerequisites_first), 'more practice')} "
                     f"{'is a prerequisite' if len(e.prerequisites_first) == 1 else 'are prerequisites'} of these and "
                     "not yet in place; the rating does not need them, the work does first.")
    return lines


# --- why a practice -----------------------------------------------------------------------------------------


def _check_practice(kb: KnowledgeBase, practice_id: str, parameter: str = "practice_id") -> None:
    if practice_id not in kb.practices:
        raise UserInputError([Problem.of_parameter(parameter, practice_id, "unknown practice id"
                                                   + documents.suggest(practice_id, kb.practices))])


def practice_explanation(session: Session, practice_id: str, *, roadmap: bool = True) -> PracticeExplanation:
    """A practice's status, the CMMI practices it implements, what requires it and what it waits for, and where it
    sits on the way to the next level.

    Raises:
        UserInputError: unknown practice id (with a suggestion; the problem names ``practice_id``).
    """
    kb = session.kb
    _check_practice(kb, practice_id)
    v = _View(session)
    a = v.a
    p = v.practices[practice_id]
    practice = kb.practices[practice_id]
    implements = []
    for mid in kb.practice_implements.get(practice_id, []):
        mp = kb.model_practices[mid]
        r = v.mps[mid]
        goal = v.goals[mp.goal]
        numbers = [k for k, alt in enumerate(mp.alternatives, 1) if practice_id in alt]
        implements.append(made(ImplementsLink,
            id=mid, name=mp.name, kind=mp.kind, goal=mp.goal, goal_name=goal.name, goal_status=goal.status,
            process_area=mp.process_area, maturity_level=kb.model_practice_level(mid), status=r.status,
            alternatives=numbers,
            holds_back=r.status != SATISFIED and not p.satisfied and p.status != "NA",
        ))
    frameworks = []
    links = [(f, k, True) for f, k in kb.framework_practices.get(practice_id, [])]
    links += [(f, k, False) for f, k in kb.optional_practices.get(practice_id, [])]
    for fid, level, required in links:
        fw = kb.frameworks[fid]
        result = a.framework(fid)
        lv = next(x for x in result.levels if x.level == level)
        frameworks.append(made(FrameworkLink, framework=fid, framework_name=fw.name, level=level, level_name=lv.name,
                                              required=required, status=lv.status, met=lv.met, reached=lv.reached))

    def link(q: str) -> PracticeLink:
        r = v.practices[q]
        return made(PracticeLink, id=q, name=r.name, status=r.status, characterization=CHARACTERIZATION[r.status],
                                  satisfied=r.satisfied)

    following = next_level(a.maturity_level)
    needed: Literal["adopt", "no", "satisfied"] = "satisfied" if p.satisfied else "no"
    if following is not None and not p.satisfied:
        if practice_id in level_explanation(session, following).minimal_adoption:
            needed = "adopt"
    position = _roadmap_position(session, practice_id) if roadmap and not p.satisfied else None
    explanation = made(PracticeExplanation,
        **_header(a), id=practice_id, name=practice.name, description=practice.description, option=practice.option,
        status=p.status, characterization=CHARACTERIZATION[p.status], satisfied=p.satisfied,
        gap=None if p.satisfied else gap_of(p.status),
        meaning="Counts: it is fully or largely implemented." if p.satisfied else GAP_MEANING[p.status],
        evidence=list(p.evidence), note=p.note, observed_on=p.observed_on, reason=p.reason, assumed=p.assumed,
        ready=p.ready, serving_level=kb.serving_level[practice_id], summary=[], implements=implements,
        frameworks=frameworks, required_by=[link(q) for q in kb.dependents[practice_id]],
        requires=[link(q) for q in practice.requires], waits_for=v.prerequisite_tree(practice_id),
        next_level=following, needed_for_next_level=needed, roadmap=position,
    )
    return explanation.model_copy(update={"summary": _practice_summary(explanation),
                                          "title": f"Why {practice.name} ({practice_id}) stands where it does",
                                          "standing": _standing(a)})


def _unavailable(reason: str) -> RoadmapPosition:
    return made(RoadmapPosition, target="the next level", placement="unavailable", reasons=[reason])


def _roadmap_position(session: Session, practice_id: str) -> RoadmapPosition:
    """Where the roadmap toward the next level puts the practice, read from ``roadmap.plan_roadmap`` as it exists
    (it takes a session, or the knowledge base and fact file); any other shape falls back to "unavailable"."""
    try:
        from mlops_maturity.engine import roadmap as roadmap_module

        # Called by whichever signature it has (kb, facts, ... or a session): typed loosely on purpose.
        plan_roadmap: Callable[..., Roadmap] = roadmap_module.plan_roadmap
        first = next(iter(inspect.signature(plan_roadmap).parameters), "")
        if first == "session":
            plan = plan_roadmap(session)
        else:
            plan = plan_roadmap(session.kb, session.facts, assumptions=dict(session.assumptions),
                                verify=session.verify)
    except UserInputError as exc:  # the roadmap refuses an impossible target; the inputs were checked already
        return made(RoadmapPosition, target="the next level", placement="impossible",
                                     reasons=[f"No roadmap toward the next level: "
                                              f"{'; '.join(p.message for p in exc.problems)}."])
    except (ImportError, AttributeError, TypeError, ValueError, KeyError) as exc:
        return _unavailable(f"The roadmap could not be consulted ({type(exc).__name__}: {exc}).")
    try:
        return position_on(session.kb, plan, practice_id)
    except (AttributeError, TypeError, KeyError) as exc:
        return _unavailable(f"The roadmap's plan could not be read ({type(exc).__name__}: {exc}).")


def position_on(kb: KnowledgeBase, plan: Any, practice_id: str) -> RoadmapPosition:
    """A practice's position on a roadmap, with the reasons for it, read from the roadmap's items."""
    label = plan.target.label
    base: dict[str, Any] = {"target": label, "items": len(plan.items), "waves": len(plan.waves)}
    names = {pid: practice.name for pid, practice in kb.practices.items()}

    def listed(ids: Sequence[str]) -> str:
        return ", ".join(f"{names.get(q, q)} ({q})" for q in ids)

    def needs(ids: Sequence[str]) -> str:
        def word(g: str) -> str:
            if g in kb.goals:
                return f"{g} ({kb.goals[g].name})"
            if g in kb.model_practices:
                return f"{g} ({kb.model_practices[g].name})"
            return g
        return ", ".join(word(g) for g in ids)

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
                f"{names.get(q, q)} ({q}, wave {waves.get(q)})" for q in item.requires) + ".")
        elif item.wave == 1:
            reasons.append("It waits for nothing else on the roadmap, so it can start in the first wave.")
        else:
            reasons.append("It waits for nothing else on the roadmap; earlier waves are full at the given capacity.")
        if item.awaits_assessment:
            reasons.append(f"It also waits for {listed(item.awaits_assessment)}, which "
                           f"{'has' if len(item.awaits_assessment) == 1 else 'have'} no evidence recorded: assess "
                           "first.")
        return made(RoadmapPosition, **base, placement="planned", rank=item.rank, wave=item.wave,
                                     needed_by_target=item.needed_by_target, needed_for=list(item.needed_for),
                                     requires=list(item.requires), awaits_assessment=list(item.awaits_assessment),
                                     unblocks=list(item.unblocks), reasons=reasons)
    first = next((x for x in plan.assess_first if x.practice == practice_id), None)
    if first is not None:
        reasons = [f"The roadmap toward {label} plans no work on it yet: it has no evidence recorded, so it is "
                   "listed under 'assess first'. It may already be in place."]
        if first.needed_for:
            reasons.append(f"If it is missing, the target needs it for {needs(first.needed_for)}.")
        if first.needed_by:
            reasons.append(f"Planned items that wait for it: {listed(first.needed_by)}.")
        return made(RoadmapPosition, **base, placement="assess_first", needed_by_target=first.needed_by_target,
                                     needed_for=list(first.needed_for), unblocks=list(first.needed_by), reasons=reasons)
    if plan.reached:
        return made(RoadmapPosition, **base, placement="target_reached",
                                     reasons=[f"The roadmap's target, {label}, is already reached: there is nothing to "
                                              "plan."])
    return made(RoadmapPosition, **base, placement="not_needed",
                                 reasons=[f"It is not on the roadmap toward {label}: the target does not need it "
                                          "and no planned item waits for it."])


def _practice_summary(e: PracticeExplanation) -> list[str]:
    lines = [f"{e.name} ({e.id}) is {e.characterization}. {e.meaning}"]
    if e.option:
        lines.append("It is one way among several (an option): an alternative without it may do.")
    holding_back = [x for x in e.implements if x.holds_back]
    if holding_back:
        lines.append("It is missing from alternatives of " + ", ".join(f"{x.id} ({x.name})" for x in holding_back)
                     + ", which are not satisfied.")
    elif e.implements:
        lines.append(f"It is part of alternatives of {words.plural(len(e.implements), 'CMMI practice')}; the lowest "
                     f"maturity level it serves is {e.serving_level}.")
    else:
        lines.append("It implements no CMMI practice.")
    required = [f for f in e.frameworks if f.required]
    if required:
        lines.append("ML Ops models that require it: " + ", ".join(
            f"{f.framework_name} level {f.level} ({f.level_name})" for f in required) + ".")
    if e.required_by:
        lines.append(f"{words.plural(len(e.required_by), 'practice')} list{'s' if len(e.required_by) == 1 else ''} it "
                     "as a prerequisite.")
    if e.waits_for:
        lines.append("It waits for " + ", ".join(f"{w.name} ({w.id}, {w.characterization})" for w in e.waits_for)
                     + ".")
    elif not e.satisfied and e.status != "NA":
        lines.append("Every prerequisite is in place: it is ready to adopt." if e.requires else
                     "It has no prerequisites: it is ready to adopt.")
    if e.next_level is not None and e.needed_for_next_level != "satisfied":
        lines.append(f"Level {e.next_level} needs it: it is in the smallest set of practices that reaches that "
                     "level." if e.needed_for_next_level == "adopt" else f"Level {e.next_level} does not need it "
                     "(it is not in the smallest set of practices that reaches that level).")
    if e.roadmap is not None:
        lines.append(e.roadmap.reasons[0])
    return lines


# --- why / how a framework level ----------------------------------------------------------------------------


def _requirement_gaps(v: _View, framework: str, level: int) -> list[RequirementGap]:
    lv = next(x for x in v.kb.frameworks[framework].levels if x.level == level)
    out = []
    for i, group in enumerate(lv.requirement_groups, 1):
        if len(group) == 1 and len(group[0]) == 1:
            pid = group[0][0]
            klass = v.klass(pid)
            if klass not in (SATISFIED, NOT_APPLICABLE):
                out.append(made(RequirementGap, id=pid, kind="practice", status=klass, practice=v.gap(pid)))
            continue
        classes = [rate_alternative(v.klass(p) for p in alt) for alt in group]
        klass, _ = any_of(classes)
        if klass in (SATISFIED, NOT_APPLICABLE):
            continue
        alts = [v.alternative(alt, k, classes[k - 1], "own", f"alternative {k}") for k, alt in enumerate(group, 1)]
        marked, best = _mark_cheapest(alts)
        out.append(made(RequirementGap, id=f"fw:{framework}:{level}:{i}", kind="any_of", status=klass,
                                        alternatives=marked, cheapest=best.label if best else None))
    return out


def framework_explanation(session: Session, framework: str, level: int | None = None) -> FrameworkExplanation:
    """Why a framework level is not reached (its missing requirements, failed apart from undetermined) and the
    smallest adoption that reaches it, or how it was reached.

    Raises:
        UserInputError: unknown framework or level (the problems name the ``framework`` and ``level`` parameters).
    """
    kb = session.kb
    check_framework_level(kb, framework, level, parameter="framework", level_parameter="level")
    v = _View(session)
    a = v.a
    fw = kb.frameworks[framework]
    result = a.framework(framework)
    numbers = [lv.level for lv in fw.levels]
    if level is None:
        level = numbers[0] if result.level is None else min(result.level + 1, numbers[-1])
    reached = result.level is not None and result.level >= level
    if v.trace is not None:
        _agree(reached == v.trace.has(f"fx:{framework}:{level}"), f"{framework} level {level} reached={reached}")
    levels: list[FrameworkLevelExplanation] = []
    choices: dict[str, AlternativeGap | PracticeGap] = {}
    obstacles: list[Obstacle] = []
    for lv, r in zip(fw.levels, result.levels, strict=True):
        if lv.level > level:
            break
        requirements = _requirement_gaps(v, framework, lv.level)
        for req in requirements:
            if req.kind == "practice" and req.practice is not None:
                choices[f"{framework}:{lv.level}:{req.id}"] = req.practice
            else:
                best = next((x for x in req.alternatives if x.cheapest), None)
                if best is None:
                    obstacles.append(made(Obstacle, id=req.id, reason="no alternative can be adopted"))
                else:
                    choices[req.id] = best
        steps = [s for s in (v.step(f"fls:{framework}:{lv.level}"), v.step(f"fx:{framework}:{lv.level}")) if s]
        holds = [v.hold(p) for p in lv.practices if p not in lv.optional and v.satisfied(p)] if r.met else []
        levels.append(made(FrameworkLevelExplanation,
            level=lv.level, name=lv.name, status=r.status, met=r.met, reached=r.reached, steps=steps,
            missing=list(r.missing), failed=list(r.failed), undetermined=list(r.unknown),
            requirements=requirements, practices=holds, optional=list(lv.optional)))
    blocking = None if reached else next(x.level for x in levels if not x.met)
    achievable = not obstacles

    def reaches(c: Conclusions) -> bool:
        got = c.framework_level.get(framework)
        return got is not None and got >= level

    if reached:
        adoption, verified, minimal, first, verified_level = list[Adoption](), True, True, list[str](), result.level
    elif achievable:
        adoption, verified, minimal, first = _adopt(v, choices, reaches)
        verified_level = session.conclusions_with(_assumed([x.id for x in adoption])).framework_level.get(framework)
    else:
        adoption, verified, minimal, first, verified_level = [], False, False, [], None
    chain = [s for s in (v.step(f"fwl:{framework}"),
                         v.step(f"fx:{framework}:{result.level}") if result.level is not None else None) if s]
    names = {lv.level: lv.name for lv in fw.levels}
    explanation = made(FrameworkExplanation,
        **_header(a), framework=framework, framework_name=fw.name, provenance=fw.provenance,
        provenance_note=fw.provenance_note, level=level, level_name=names[level], current_level=result.level,
        current_level_name=result.level_name, reached=reached, blocking_level=blocking, summary=[], levels=levels,
        chain=chain, minimal_adoption=[x.id for x in adoption], adoption=adoption, minimal=minimal,
        prerequisites_first=first, achievable=achievable, obstacles=obstacles, verified=verified,
        verified_level=verified_level,
        **({} if reached else _nearest_fields(v, _level_gaps(v, next_level(a.maturity_level) or 5)[0],
                                              [x.id for x in adoption])),
    )
    target = words.framework_level(fw.name, level, names[level])
    title = f"How {target} was reached" if reached else f"Why {target} is not reached"
    current = words.framework_level(fw.name, result.level, result.level_name)
    return explanation.model_copy(update={"summary": _framework_summary(explanation), "title": title,
                                          "standing": _standing(a, current)})


def _framework_summary(e: FrameworkExplanation) -> list[str]:
    now = (f"level {e.current_level} ({e.current_level_name})" if e.current_level is not None
           else "below its first level")
    target = f"{e.framework_name} level {e.level} ({e.level_name})"
    provenance = f"The model's level contents are {e.provenance}: {e.provenance_note}".rstrip()
    if e.reached:
        return [f"{target} is reached: {e.organization} is at {now} of this model.",
                "Each level up to it has every requirement satisfied or not applicable.", provenance]
    lines = [f"{target} is not reached: {e.organization} is at {now} of this model."]
    if e.blocking_level is not None and e.blocking_level != e.level:
        lines.append(f"The first level not met is level {e.blocking_level}; a level counts only when every level "
                     "below it is met too.")
    failed = sorted({p for lv in e.levels for p in lv.failed})
    undetermined = sorted({p for lv in e.levels for p in lv.undetermined})
    if failed:
        lines.append(f"{words.plural(len(failed), 'required practice')} failed (assessed PI or NI).")
    if undetermined:
        lines.append(f"{words.plural(len(undetermined), 'required practice')} "
                     f"{'is' if len(undetermined) == 1 else 'are'} "
                     "undetermined (not observed or not yet): assess them.")
    n = len(e.minimal_adoption)
    if not e.achievable:
        lines.append("It cannot be reached by adopting practices: "
                     + "; ".join(f"{o.id} {o.reason}" for o in e.obstacles) + ".")
    elif e.verified:
        lines.append(f"Adopting {words.plural(n, 'practice')} (fully implemented) "
                     f"reaches level {e.level}: the engine was "
                     "re-run with them assumed and confirmed it.")
    else:
        lines.append(f"Adopting them did not reach level {e.level} when the engine was re-run.")
    if e.prerequisites_first:
        lines.append(f"{words.plural(len(e.prerequisites_first), 'more practice')} "
                     f"{'is a prerequisite' if len(e.prerequisites_first) == 1 else 'are prerequisites'} of these "
                     "and not yet in place.")
    lines.append(provenance)
    return lines


# --- entry points with the old signatures (the CLI, the report and api/ use them) ---------------------------


def _session(kb: KnowledgeBase, facts: FactFile, assumptions: Mapping[str, str] | None, source: str | None,
             verify: bool) -> Session:
    return Session(kb, facts, assumptions, verify=verify, source=source)


def explain_level(
    kb: KnowledgeBase,
    facts: FactFile,
    level: int | None = None,
    *,
    assumptions: Mapping[str, str] | None = None,
    source: str | None = None,
    verify: bool = True,
    session: Session | None = None,
) -> LevelExplanation:
    """:func:`level_explanation` on a new session (or on ``session``, when given, which must be of ``kb``/``facts``).

    Raises:
        UserInputError: ``level`` is not 1-5, or a bad assumption.
    """
    if level is not None:
        check_maturity_level(level, parameter="level")
    return level_explanation(session or _session(kb, facts, assumptions, source, verify), level)


def explain_practice(
    kb: KnowledgeBase,
    facts: FactFile,
    practice_id: str,
    *,
    assumptions: Mapping[str, str] | None = None,
    source: str | None = None,
    verify: bool = True,
    roadmap: bool = True,
    session: Session | None = None,
) -> PracticeExplanation:
    """:func:`practice_explanation` on a new session (or on ``session``)."""
    _check_practice(kb, practice_id)
    return practice_explanation(session or _session(kb, facts, assumptions, source, verify), practice_id,
                                roadmap=roadmap)


def explain_framework(
    kb: KnowledgeBase,
    facts: FactFile,
    framework: str,
    level: int | None = None,
    *,
    assumptions: Mapping[str, str] | None = None,
    source: str | None = None,
    verify: bool = True,
    session: Session | None = None,
) -> FrameworkExplanation:
    """:func:`framework_explanation` on a new session (or on ``session``)."""
    check_framework_level(kb, framework, level, parameter="framework", level_parameter="level")
    return framework_explanation(session or _session(kb, facts, assumptions, source, verify), framework, level)


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
    max_evidence_age: int | None = None,
) -> AnyExplanation:
    """Load a fact file and explain a maturity level, a practice, or a framework level (one session).

    ``how`` with no level explains how the assessed level was reached; otherwise the default level is the next one.

    Raises:
        UserInputError: bad fact file, assumptions, ids or parameter combinations (the problems name parameters).
    """
    if practice is not None and (level is not None or framework is not None):
        raise UserInputError([Problem.of_parameter("practice", practice, "explain a practice alone, without a "
                                                   "level or a framework")])
    if how and (practice is not None or framework is not None):
        raise UserInputError("how explains a maturity level; explain a practice or a framework level instead")
    kb = load_knowledge_base(kb_dir)
    if practice is not None:
        _check_practice(kb, practice, "practice")
    if framework is not None:
        check_framework_level(kb, framework, level, parameter="framework", level_parameter="level")
    elif level is not None:
        check_maturity_level(level, parameter="level")
    facts = load_fact_file(path, kb)
    session = Session(kb, facts, parse_assumptions(list(assume), kb), verify=verify, source=str(path),
                      max_evidence_age=max_evidence_age)
    if practice is not None:
        return practice_explanation(session, practice)
    if framework is not None:
        return framework_explanation(session, framework, level)
    if how and level is None:
        level = session.assessment.maturity_level
    return level_explanation(session, level)


# --- display words kept importable (the words live in engine/words.py) ----------------------------------------

LEGEND = words.EXPLANATION_LEGEND
GAP_HEADINGS = words.GAP_HEADINGS
