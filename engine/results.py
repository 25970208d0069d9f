"""The assessment result: a pydantic model with a versioned JSON form (``schema_version``)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.2"

GoalStatus = Literal["satisfied", "unsatisfied", "not_rated", "not_applicable"]
PracticeStatus = Literal["FI", "LI", "PI", "NI", "NY", "NA", "not_observed"]


class Result(BaseModel):
    """Base of result models: immutable, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class GoalPractice(Result):
    """A practice as it counts towards a goal."""

    id: str
    status: PracticeStatus


class GoalResult(Result):
    """A goal's SCAMPI rating and the practices it rests on."""

    id: str
    name: str
    status: GoalStatus
    practices: list[GoalPractice]


class ProcessAreaResult(Result):
    """A process area: its rating on the specific goals and its capability level (continuous view)."""

    id: str
    name: str
    category: str
    maturity_level: int
    status: GoalStatus = Field(description="Rating of the specific goals (SCAMPI).")
    capability_level: int | None = Field(description="0-3; null when the process area is not applicable.")
    goals: list[GoalResult]


class FrameworkLevelResult(Result):
    """One level of a framework: whether its own practices are all satisfied."""

    level: int
    name: str
    met: bool
    missing: list[str] = Field(description="Practices of this level that are not satisfied.")


class FrameworkResult(Result):
    """The level an organization reaches in one ML Ops maturity model."""

    id: str
    name: str
    level: int | None = Field(description="Highest level whose practices and all lower levels' are satisfied.")
    level_name: str | None
    levels: list[FrameworkLevelResult]


class PracticeResult(Result):
    """A practice as observed, with its readiness for adoption."""

    id: str
    name: str
    status: PracticeStatus
    satisfied: bool
    ready: bool = Field(description="Not satisfied, applicable, and every prerequisite satisfied.")
    blocked_by: list[str] = Field(description="Unsatisfied prerequisites.")
    evidence: list[str] = []
    note: str | None = None
    observed_on: dt.date | None = None
    reason: str | None = None
    assumed: bool = Field(default=False, description="Status comes from --assume, not from the fact file.")


class Finding(Result):
    """An insight rule that fired."""

    rule: str
    name: str
    severity: Literal["info", "low", "medium", "high"]
    message: str
    recommendation: str
    practices: list[str]
    source: str


class Derivation(Result):
    """How a derived fact came about: the rule that fired and the facts it rests on."""

    fact: str
    rule: str
    premises: list[str]


class Assumption(Result):
    """A what-if assumption applied on top of the fact file."""

    practice: str
    status: PracticeStatus


class Assessment(Result):
    """Everything the engine concluded about one fact file."""

    schema_version: str = SCHEMA_VERSION
    organization: str
    assessed_on: dt.date
    assessor: str | None = None
    scope: str | None = None
    context: dict[str, bool | int | str] = Field(default={}, description="The fact file's context attributes.")
    source: str | None = Field(default=None, description="The fact file assessed.")
    knowledge_base: str = Field(description="Fingerprint of the knowledge base used.")
    maturity_level: int
    maturity_level_name: str
    process_areas: list[ProcessAreaResult]
    generic_goals: list[GoalResult]
    frameworks: list[FrameworkResult]
    practices: list[PracticeResult]
    findings: list[Finding]
    assumptions: list[Assumption] = []
    derivations: list[Derivation] = Field(
        default=[], description="The inference trace: one entry per derived fact, sorted by fact id."
    )

    def practice(self, practice_id: str) -> PracticeResult:
        """The result for one practice."""
        for p in self.practices:
            if p.id == practice_id:
                return p
        raise KeyError(practice_id)

    def process_area(self, pa_id: str) -> ProcessAreaResult:
        """The result for one process area."""
        for pa in self.process_areas:
            if pa.id == pa_id:
                return pa
        raise KeyError(pa_id)

    def framework(self, framework_id: str) -> FrameworkResult:
        """The result for one framework."""
        for fw in self.frameworks:
            if fw.id == framework_id:
                return fw
        raise KeyError(framework_id)
