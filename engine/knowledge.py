"""Pydantic models of the knowledge base: CMMI, practices, frameworks, insight rules.

The YAML files under ``knowledge_base/`` are validated against these models when they load. Every model
forbids unknown fields, so a typo in a knowledge file is an error, not a silently ignored key.
"""


from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PRACTICE_ID = r"^[a-z][a-z0-9]*(\.[a-z0-9]+(-[a-z0-9]+)*)+$"
"""Practice ids are dotted and lower case: ``ml.model-registry``."""

GOAL_ID = r"^[A-Z]+\.SG[1-9]$"
"""Specific goal ids are the process area's id, a dot and the goal number: ``CM.SG1``."""

SPECIFIC_PRACTICE_ID = r"^[A-Z]+\.SP[1-9]\.[0-9]+$"
"""Specific practice ids: the process area, ``SP``, the goal number and the practice number: ``CM.SP1.2``."""

GENERIC_PRACTICE_ID = r"^GP[23]\.[0-9]+$"
"""Generic practice ids as CMMI numbers them: ``GP2.6``; one process area's is written ``CM.GP2.6``."""

PracticeId = Annotated[str, Field(pattern=PRACTICE_ID)]

Alternative = Annotated[list[PracticeId], Field(min_length=1)]
"""One way to implement a CMMI practice: our practices that together implement it (all of them are needed)."""

Alternatives = Annotated[list[Alternative], Field(min_length=1)]
"""The ways to implement a CMMI practice; any one of them suffices."""


class Strict(BaseModel):
    """Base of every knowledge model: unknown fields are errors, instances are immutable.

    Validators are built on first use (``defer_build``), not on import: a process that takes the validated shipped
    knowledge base from the cache (see ``kb.cache_directory``) never validates one.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def __getstate__(self) -> Any:
        """What pickling keeps of an entity (the knowledge-base cache holds every one): the pair of its fields'
        values and the names of the fields set, those names one set shared by the entities that set the same ones.
        Pydantic's own state, a dictionary of four with a set of its own for each entity, was a quarter of the work
        of reading the cached knowledge base back. An entity with private or extra values keeps pydantic's state."""
        if self.__pydantic_extra__ is not None or self.__pydantic_private__ is not None:
            return super().__getstate__()
        names = self.__pydantic_fields_set__
        return self.__dict__, _FIELDS_SET.setdefault(frozenset(names), set(names))

    def __setstate__(self, state: Any) -> None:
        if type(state) is not tuple:
            return super().__setstate__(state)
        values, names = state
        _setattr(self, "__dict__", values)
        _setattr(self, "__pydantic_fields_set__", names)  # shared: a frozen entity never changes it (a copy copies)
        _setattr(self, "__pydantic_extra__", None)
        _setattr(self, "__pydantic_private__", None)


_FIELDS_SET: dict[frozenset[str], set[str]] = {}
"""One set of field names per combination pickled (see :meth:`Strict.__getstate__`)."""

_setattr = object.__setattr__


class Dimension(str, Enum):
    """The side of an organization a practice changes."""

    people = "people"
    process = "process"
    technology = "technology"
    culture = "culture"
    governance = "governance"
    data = "data"


class Category(str, Enum):
    """CMMI-DEV v1.3 process-area categories."""

    process_management = "Process Management"
    project_management = "Project Management"
    engineering = "Engineering"
    support = "Support"


class MaturityLevelDef(Strict):
    """One CMMI maturity level (staged representation)."""

    level: Annotated[int, Field(ge=1, le=5)]
    name: str
    aliases: list[str] = []
    description: str
    ml_meaning: str = Field(description="What the level means for an ML organization.")
    median_months_from_previous: int | None = Field(
        default=None, description="Historical median months needed to reach this level from the one below."
    )
    median_source: str | None = None
    source: str


class SpecificPractice(Strict):
    """A specific practice of CMMI-DEV v1.3 (``CM.SP1.2``): expected, met as described or by an alternative."""

    id: Annotated[str, Field(pattern=SPECIFIC_PRACTICE_ID)]
    name: str = Field(description="The official CMMI-DEV v1.3 title.")
    interpretation: str = Field(description="What the practice means in an ML organization, in our own words.")
    implemented_by: Alternatives = Field(
        description="Alternatives: lists of our practices; one list whose practices are all satisfied suffices."
    )
    source: str | None = Field(default=None, description="A more precise citation than the process area's.")


class SpecificGoal(Strict):
    """A specific goal of a process area, e.g. ``CM.SG1`` Establish Baselines, with its specific practices."""

    id: Annotated[str, Field(pattern=GOAL_ID)]
    name: str
    description: str = ""
    practices: Annotated[list[SpecificPractice], Field(min_length=1)]

    @model_validator(mode="after")
    def _practices_belong_to_goal(self) -> "SpecificGoal":
        area, number = self.id.split(".SG")
        for sp in self.practices:
            if not sp.id.startswith(f"{area}.SP{number}."):
                raise ValueError(f"specific practice {sp.id} does not belong to goal {self.id} "
                                 f"(SP{number}.x belongs to SG{number})")
        return self


class AreaGenericPractice(Strict):
    """Where a process area's own practices evidence one of its generic practices (PP's GP2.2 is the project plan).

    These alternatives are added to the organization-level ones the area inherits.
    """

    id: Annotated[str, Field(pattern=GENERIC_PRACTICE_ID)]
    interpretation: str
    implemented_by: Alternatives


class Scoping(Strict):
    """That a process area may be declared out of scope by the assessor, and when (SCAMPI: in practice SAM)."""

    may_be_out_of_scope: bool
    when: str = Field(description="The situation in which the area may be out of scope.")


class ProcessArea(Strict):
    """One of the 22 CMMI-DEV v1.3 process areas."""

    id: Annotated[str, Field(pattern=r"^[A-Z]{2,5}$")]
    name: str
    category: Category
    maturity_level: Annotated[int, Field(ge=2, le=5)]
    purpose: str
    ml_interpretation: str = Field(description="What the process area means in an ML organization.")
    goals: Annotated[list[SpecificGoal], Field(min_length=1)]
    generic_practices: list[AreaGenericPractice] = Field(
        default=[], description="This area's own evidence for some of its generic practices."
    )
    scoping: Scoping | None = None
    source: str

    @model_validator(mode="after")
    def _goals_belong_to_area(self) -> "ProcessArea":
        for goal in self.goals:
            if goal.id.split(".")[0] != self.id:
                raise ValueError(f"goal {goal.id} does not belong to process area {self.id}")
        ids = [gp.id for gp in self.generic_practices]
        if len(set(ids)) != len(ids):
            raise ValueError(f"process area {self.id} lists a generic practice twice: {ids}")
        return self

    @property
    def specific_practices(self) -> list[SpecificPractice]:
        """Every specific practice of the area, goal by goal."""
        return [sp for goal in self.goals for sp in goal.practices]


class GenericPractice(Strict):
    """A generic practice such as GP2.6 Control Work Products."""

    id: Annotated[str, Field(pattern=GENERIC_PRACTICE_ID)]
    name: str
    description: str
    implemented_by: list[Alternative] = Field(
        default=[], description="Organization-level alternatives: the default every process area inherits."
    )


class GenericGoal(Strict):
    """GG2 (a managed process) or GG3 (a defined process), rated for each process area."""

    id: Literal["GG2", "GG3"]
    name: str
    capability_level: Literal[2, 3]
    description: str
    practices: Annotated[list[GenericPractice], Field(min_length=1)]
    source: str


EffortScope = Literal["organization", "team", "model"]
"""What an effort figure is for: once for the organization, per ML team, or per production model."""


class Effort(Strict):
    """Effort to implement a practice, in person-weeks, as a range."""

    min: Annotated[float, Field(ge=0)]
    max: Annotated[float, Field(ge=0)]
    scope: EffortScope | None = Field(
        default=None,
        description="What the figure is for: the whole organization once, one ML team, or one production model. "
        "The roadmap scales a team or model figure by the fact file's ml_team_count or production_model_count. "
        "Not declared (a knowledge-base extension that predates scopes): used as stated, once, and the roadmap "
        "says so; every shipped practice declares it (tests/test_kb_meta.py).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> "Effort":
        if self.max < self.min:
            raise ValueError(f"effort max ({self.max}) is below min ({self.min})")
        return self

    @property
    def mid(self) -> float:
        """Midpoint of the range, used for planning."""
        return (self.min + self.max) / 2


class Practice(Strict):
    """An observable ML Ops practice: the unit a fact file characterizes."""

    id: Annotated[str, Field(pattern=PRACTICE_ID)]
    name: str
    description: str
    dimension: Dimension
    aliases: list[PracticeId] = Field(
        default=[], description="Former ids (merged or renamed practices) that fact files may still use."
    )
    option: bool = Field(
        default=False, description="One way among several to implement what CMMI asks (a tool or technique choice): "
        "never the only way to a CMMI practice."
    )
    requires: list[PracticeId] = []
    effort: Effort
    value: Annotated[int, Field(ge=1, le=5, description="Business value, 1 (low) to 5 (critical).")]
    guidance: str
    evidence: Annotated[list[str], Field(min_length=1, description="What an assessor should look for.")]
    source: str

    @model_validator(mode="after")
    def _not_self(self) -> "Practice":
        if self.id in self.requires:
            raise ValueError(f"practice {self.id} requires itself")
        if self.id in self.aliases:
            raise ValueError(f"practice {self.id} lists its own id as an alias")
        return self


class ArticleVerdict(Strict):
    """The seed article's judgement of a framework against CMMI."""

    maturity_level: Annotated[int, Field(ge=1, le=5)]
    potential_level: Annotated[int | None, Field(ge=1, le=5)] = None
    near_miss: bool = Field(default=False, description="The article calls the framework a near miss of the level above.")
    text: str


class AnyOf(Strict):
    """A framework requirement the source lets an organization meet in more than one way."""

    any_of: Alternatives


Requirement = PracticeId | AnyOf
"""A framework level's requirement: one practice, or alternatives of which one suffices."""


Provenance = Literal["sourced", "constructed", "reconstructed"]
"""Where a framework's level contents come from: its own text; sourced capabilities placed on levels of ours; our
reading of a summary."""


class FrameworkLevel(Strict):
    """One level of a vendor or community ML Ops maturity model."""

    level: Annotated[int, Field(ge=0, le=9)]
    name: str
    description: str
    required: list[Requirement] = Field(
        default=[], description="What this level adds; a level also needs every lower level's requirements."
    )
    optional: list[PracticeId] = Field(
        default=[], description="Practices the source names as optional at this level: listed, never required."
    )

    @property
    def practices(self) -> list[str]:
        """Every practice the level names, required (in any alternative) or optional, in order, once each."""
        out: list[str] = []
        for item in self.required:
            for pid in ([item] if isinstance(item, str) else [p for alt in item.any_of for p in alt]):
                if pid not in out:
                    out.append(pid)
        return out + [p for p in self.optional if p not in out]

    @property
    def requirement_groups(self) -> list[list[list[str]]]:
        """The required items as alternatives: a practice ``p`` is ``[[p]]``."""
        return [[[item]] if isinstance(item, str) else [list(alt) for alt in item.any_of] for item in self.required]


class Framework(Strict):
    """An ML Ops maturity model (Google, Azure, McKnight, ...)."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    name: str
    publisher: str
    dimensions: list[str] = []
    description: str
    interpretation: str | None = Field(
        default=None, description="Where the source is thin: how this knowledge base reads it."
    )
    vendor_lock_in: str | None = None
    provenance: Provenance
    provenance_note: str = Field(description="What of the level contents is sourced and what is ours.")
    source_reviewed: str | None = Field(default=None, description="The version or date of the source text followed.")
    article_verdict: ArticleVerdict | None = None
    levels: Annotated[list[FrameworkLevel], Field(min_length=1)]
    source: str

    @field_validator("levels")
    @classmethod
    def _consecutive(cls, levels: list[FrameworkLevel]) -> list[FrameworkLevel]:
        numbers = [lvl.level for lvl in levels]
        if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
            raise ValueError(f"levels must be consecutive and ascending, got {numbers}")
        return levels


class ProblemArea(Strict):
    """An enterprise problem area beyond CI/CD/CT named by the seed article."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    name: str
    description: str
    practices: Annotated[list[Annotated[str, Field(pattern=PRACTICE_ID)]], Field(min_length=1)]
    source: str


class Attribute(Strict):
    """A context attribute a fact file may state (e.g. how many cloud vendors the pipelines use)."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    description: str
    type: Literal["boolean", "integer", "string"]
    values: list[str] | None = Field(default=None, description="Allowed values of a string attribute.")
    source: str


PracticeTest = Literal["satisfied", "not_satisfied", "not_observed", "not_implemented", "not_applicable"]


class PracticeCondition(Strict):
    """Holds when a practice's characterization falls in the named class.

    ``satisfied`` = FI/LI; ``not_satisfied`` = PI/NI/NY/not observed; ``not_implemented`` = PI/NI;
    ``not_observed`` = NY or not mentioned; ``not_applicable`` = NA.
    """

    practice: Annotated[str, Field(pattern=PRACTICE_ID)]
    is_: PracticeTest = Field(alias="is")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Comparison(Strict):
    """A numeric comparison; exactly one bound is given."""

    below: int | None = None
    at_least: int | None = None
    equals: int | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "Comparison":
        given = [v for v in (self.below, self.at_least, self.equals) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of below, at_least, equals")
        return self


class MaturityCondition(Strict):
    """Holds when the inferred CMMI maturity level compares as stated."""

    maturity_level: Comparison


class FrameworkCondition(Strict):
    """Holds when a framework's inferred level compares as stated (no level reached counts as -1)."""

    framework: str
    level: Comparison


class AttributeCondition(Strict):
    """Holds when a context attribute of the fact file equals a value (or, with ``missing``, is absent)."""

    attribute: str
    equals: bool | int | str | None = None
    at_least: int | None = None
    missing: bool | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "AttributeCondition":
        given = [v for v in (self.equals, self.at_least, self.missing) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of equals, at_least, missing")
        return self


Condition = PracticeCondition | MaturityCondition | FrameworkCondition | AttributeCondition


class Severity(str, Enum):
    """How much a finding matters."""

    info = "info"
    low = "low"
    medium = "medium"
    high = "high"


class InsightRule(Strict):
    """An expert heuristic beyond level arithmetic: when every condition holds, the finding is reported."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    name: str
    severity: Severity
    when: Annotated[list[Condition], Field(min_length=1, max_length=12)]
    finding: str
    recommendation: str
    risk: str | None = Field(
        default=None, description="What is at stake, worded so that it holds whether the practices the finding rests "
        "on are absent, partial or not assessed: the finding's text when they are not all NI (kb validate warns "
        "when a rule that rests on practices has none)."
    )
    partial_severity: Severity | None = Field(
        default=None, description="The severity when the practices the finding rests on are partially in place (PI); "
        "by default one step below severity."
    )
    practices: list[Annotated[str, Field(pattern=PRACTICE_ID)]] = Field(
        default=[], description="Practices whose adoption resolves the finding."
    )
    source: str

    @property
    def rests_on_practices(self) -> bool:
        """A condition tests a practice as not satisfied or not implemented, or a framework level as below a bound:
        what the finding may say depends on how those practices were assessed (``risk`` words the other cases)."""
        return any(isinstance(c, PracticeCondition) and c.is_ in ("not_satisfied", "not_implemented")
                   or isinstance(c, FrameworkCondition) and c.level.below is not None for c in self.when)


Role = Literal[
    "head-of-data-science", "ml-platform-lead", "data-engineering-lead", "ml-engineer", "model-risk", "pmo",
    "business-owner", "qa-lead", "process-owner", "security-compliance", "executive-sponsor", "operations-lead",
]
"""Who is best placed to answer an interview question."""


class Rubric(Strict):
    """What each characterization looks like for one practice, concretely enough that two assessors agree."""

    FI: str
    LI: str
    PI: str
    NI: str


class InterviewEntry(Strict):
    """How to assess one practice: the questions to ask, whom to ask, and the rubric for the answer."""

    practice: PracticeId
    role: Role
    also_ask: list[Role] = []
    questions: Annotated[list[str], Field(min_length=1)]
    rubric: Rubric
    source: str


class AssessmentPolicy(Strict):
    """How an assessment treats the fact file's evidence, where the knowledge base sets a default."""

    max_evidence_age_days: Annotated[int, Field(ge=1, le=36_500)] = Field(
        description="An observation last dated more than this many days before the assessment is flagged stale."
    )
    source: str


class CharacterizationTest(Strict):
    """One condition of a level characterization, on a framework's practice set assumed fully implemented: it
    satisfies at least one of the named CMMI practices (``OPD.SP1.1``, the organization-level ``GP3.1``), or at
    least one specific practice of one of the named process areas. Give exactly one of the two."""

    implements_any: list[str] = Field(default=[], description="CMMI practice ids; one satisfied suffices.")
    any_specific_practice_of: list[str] = Field(
        default=[], description="Process-area ids; one satisfied specific practice of one of them suffices."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "CharacterizationTest":
        if bool(self.implements_any) == bool(self.any_specific_practice_of):
            raise ValueError("give exactly one of implements_any, any_specific_practice_of (non-empty)")
        return self


class LevelCharacterization(Strict):
    """A rule that characterizes a framework's practice set by a CMMI maturity level's description (the seed
    article's method made explicit). Rules are tried from the highest level down; the first whose conditions all
    hold applies, and one rule without conditions is the default. Written once, never tuned per framework; the
    characterization is not a rating (the strict staged rating is computed beside it)."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    level: Annotated[int, Field(ge=1, le=5)]
    label: str
    when: list[CharacterizationTest] = Field(
        default=[], description="Conditions that must all hold; none: the default rule."
    )
    description: str = Field(description="What the conditions test, in words.")
    follows: str = Field(description="The CMMI level description the rule follows, quoted.")
    source: str
