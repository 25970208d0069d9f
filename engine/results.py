"""The assessment result: a pydantic model with a versioned JSON form (``schema_version``)."""


import copy
import datetime as dt
import math
from collections.abc import Callable, Collection
from enum import Enum
from typing import Any, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo

SCHEMA_VERSION = "2.0"

GoalStatus = Literal["satisfied", "unsatisfied", "not_rated"]
AreaStatus = Literal["satisfied", "unsatisfied", "not_rated", "out_of_scope"]
PracticeStatus = Literal["FI", "LI", "PI", "NI", "NY", "NA", "not_observed"]
PracticeClass = Literal["satisfied", "failed", "unknown", "not_applicable"]
FrameworkLevelStatus = Literal["met", "failed", "undetermined"]


class Result(BaseModel):
    """Base of result models: immutable, unknown fields rejected.

    Their validators and serializers are built when first used (``defer_build``): the engine makes results without
    validating them (:func:`trusted`), so a command that never prints an assessment never builds them.

    Parts of a result (goals, CMMI practices, practices, coverage, trace entries) are shared with other assessments
    made with the same knowledge base (engine/assessment.py keeps them per knowledge base): never change a list
    inside a result; ``model_copy(deep=True)`` gives one of your own (tests/test_shared_results.py checks that no
    command does).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


R = TypeVar("R", bound=Result)
M = TypeVar("M", bound=BaseModel)

_SPECS: dict[type, tuple[tuple[str, ...], set[str]]] = {}
_new = object.__new__
_set = object.__setattr__


def trusted(cls: type[R], values: dict[str, Any]) -> R:
    """A result model made from values the engine built itself, without validating them again.

    ``values`` must name every field of ``cls``, in the declared order (the JSON order), with a value of the
    field's type, nested results already made; it becomes the model's own dictionary. Fields missing, unknown or
    out of order are a ``TypeError``; the engine's result builder is tested to make, field for field and in its
    JSON text, what ``model_validate`` would make from the same data. Validating ~2,500 result objects per
    assessment cost more than inferring them.
    """
    spec = _SPECS.get(cls)
    if spec is None:
        # One set of field names per class, shared: pydantic copies it before changing it, and results are frozen.
        spec = _SPECS[cls] = (tuple(cls.model_fields), set(cls.model_fields))
    names, fields_set = spec
    if tuple(values) != names:
        raise TypeError(f"{cls.__name__}: expected the fields {names}, in that order; got {tuple(values)}")
    return _filled(cls, values, fields_set)


def _filled(cls: type[M], fields: dict[str, Any], fields_set: set[str]) -> M:
    """An instance of ``cls`` whose own dictionary is ``fields`` (in declared order), as validation leaves one."""
    obj = _new(cls)
    _set(obj, "__dict__", fields)
    _set(obj, "__pydantic_fields_set__", fields_set)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj



CHECK_MADE = False
"""The switch of :func:`made`: when true, every model it makes is also validated from the same values, and any
difference (a type, a value, a field) is an ``AssertionError``. tests/test_made_documents.py turns it on."""

_Spec = tuple[tuple[str, ...], dict[str, Callable[[], Any] | None], tuple[str, ...], set[str]]
_MADE: dict[type, _Spec] = {}


def _default_maker(cls: type[BaseModel], name: str, field: FieldInfo) -> Callable[[], Any] | None:
    """What makes a field's default, as validation does (``None``: the field is required)."""
    if field.is_required():
        return None
    if field.default_factory is not None:  # none of the documents has one; validate such a model instead
        raise TypeError(f"{cls.__name__}.{name}: made() knows no default factories")
    default = field.default
    if default is None or isinstance(default, (str, int, float)):
        return lambda: default
    if isinstance(default, (list, dict)) and not default:
        return type(default)  # a fresh empty one, as validation's copy of the default
    return lambda: copy.deepcopy(default)


def _made_spec(cls: type[BaseModel]) -> _Spec:
    if not cls.model_config.get("frozen") or cls.__pydantic_post_init__ is not None or cls.__private_attributes__:
        raise TypeError(f"{cls.__name__}: made() makes frozen models without model_post_init or private attributes")
    fields = cls.model_fields
    floats = tuple(name for name, f in fields.items()
                   if f.annotation is float or set(get_args(f.annotation)) == {float, type(None)})
    # Every field's name, one set shared by the objects given them all: pydantic copies it before changing it.
    spec = _MADE[cls] = (tuple(fields), {name: _default_maker(cls, name, f) for name, f in fields.items()}, floats,
                         set(fields))
    return spec


def made(cls: type[M], /, **values: Any) -> M:
    """A document model (an explanation, a roadmap, a report context, a summary) made from values the engine built
    itself, without validating them: what validation would do to such values is done here or by the caller.

    Unknown or missing required fields are a ``TypeError``; a field left out takes its default (a copy, as
    validation gives), and a number given to a ``float`` field becomes a ``float``, as validation makes it.
    Everything else must already be of the field's type: lists as lists (not tuples), nested models made, plain
    ``str`` rather than a ``str`` enum. Validators and serializers are then built only for the documents that are
    validated or printed (pydantic builds them per model on first use, ~1 ms each, ~45 ms on a cold report), and
    :data:`CHECK_MADE` holds each call to what validation makes.
    """
    spec = _MADE.get(cls)
    names, defaults, floats, every = spec if spec is not None else _made_spec(cls)
    if len(values) == len(names):
        fields_set = every
        if tuple(values) == names:  # given in the declared order: the call's own dict, in that order, is the model's
            fields = values
        else:
            try:
                fields = {name: values[name] for name in names}
            except KeyError:
                raise TypeError(_fields_problem(cls, values)) from None
    else:
        fields_set = set(values)
        fields = {}
        given = 0
        for name in names:
            if name in values:
                fields[name] = values[name]
                given += 1
            else:
                maker = defaults[name]
                if maker is None:
                    raise TypeError(_fields_problem(cls, values))
                fields[name] = maker()
        if given != len(values):
            raise TypeError(_fields_problem(cls, values))
    for name in floats:
        value = fields[name]
        if type(value) is not float and isinstance(value, (int, float)):
            fields[name] = float(value)
    obj = _filled(cls, fields, fields_set)
    if CHECK_MADE:
        _same_as_validated(cls, values, obj)
    return obj


def _fields_problem(cls: type[BaseModel], values: dict[str, Any]) -> str:
    names, defaults, _, _ = _MADE[cls]
    unknown = sorted(set(values) - set(names))
    missing = sorted(name for name in names if name not in values and defaults[name] is None)
    return f"{cls.__name__}: unknown fields {unknown}, missing {missing}"


def _same_as_validated(cls: type[BaseModel], values: dict[str, Any], obj: BaseModel) -> None:
    validated = cls.model_validate(values)
    difference = _difference(validated, obj, cls.__name__)
    if difference:
        raise AssertionError(f"made() and validation differ: {difference}")


def _difference(validated: Any, built: Any, where: str) -> str | None:
    """Where ``built`` differs from ``validated`` in type, value, field order or fields set (``None``: nowhere)."""
    if type(validated) is not type(built):
        return f"{where}: {type(built).__name__} {built!r}, validation makes {type(validated).__name__}"
    if isinstance(validated, BaseModel):
        if validated is built:
            return None
        if list(validated.__dict__) != list(built.__dict__):
            return f"{where}: fields {list(built.__dict__)}, validation makes {list(validated.__dict__)}"
        if validated.model_fields_set != built.model_fields_set:
            return f"{where}: fields set {sorted(built.model_fields_set)}, validation makes " \
                   f"{sorted(validated.model_fields_set)}"
        pairs: Any = ((f"{where}.{k}", v, built.__dict__[k]) for k, v in validated.__dict__.items())
    elif isinstance(validated, (list, tuple)):
        if len(validated) != len(built):
            return f"{where}: {len(built)} items, validation makes {len(validated)}"
        pairs = ((f"{where}[{i}]", v, b) for i, (v, b) in enumerate(zip(validated, built)))
    elif isinstance(validated, dict):
        if list(validated) != list(built):
            return f"{where}: keys {list(built)}, validation makes {list(validated)}"
        pairs = ((f"{where}[{k!r}]", v, built[k]) for k, v in validated.items())
    else:
        return None if validated == built else f"{where}: {built!r}, validation makes {validated!r}"
    for at, v, b in pairs:
        found = _difference(v, b, at)
        if found:
            return found
    return None


# --- The JSON form of a result, without pydantic's serializer ----------------------------------------------------


class NotPlain(Exception):
    """A value :func:`plain` leaves to pydantic's serializer."""


_AS_IS = frozenset({str, int, bool, type(None)})
"""Types whose values are their own JSON form."""


def _plain_model(value: BaseModel) -> dict[str, Any]:
    if value.__pydantic_extra__:
        raise NotPlain(type(value).__name__)
    return {name: item if type(item) in _AS_IS else plain(item) for name, item in value.__dict__.items()}


def _plain_list(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [item if type(item) in _AS_IS else plain(item) for item in value]


def _plain_dict(value: dict[Any, Any]) -> dict[str, Any]:
    return {key if type(key) is str else _plain_key(key): item if type(item) in _AS_IS else plain(item)
            for key, item in value.items()}


def _plain_float(value: float) -> float | None:
    return value if math.isfinite(value) else None  # JSON has no infinity: pydantic's default gives null


def _plain_key(key: Any) -> str:
    raise NotPlain(f"a dict key of type {type(key).__name__}")


_PLAIN: dict[type, Callable[[Any], Any]] = {
    str: lambda v: v, int: lambda v: v, bool: lambda v: v, type(None): lambda v: v, float: _plain_float,
    list: _plain_list, tuple: _plain_list, dict: _plain_dict, dt.date: dt.date.isoformat,
}
"""How :func:`plain` turns a value of each exact type into its JSON form (models and str enums apart)."""


def plain(value: Any) -> Any:
    """``value`` in its JSON form as pydantic's ``mode="json"`` gives it for the documents' types: a model's fields
    in their order, tuples as lists, dates in ISO form, str enums as their value (:class:`NotPlain`: another type).

    Pydantic builds a model's serializer the first time it dumps one (for a document, a schema of its every nested
    model: ~5-10 ms of a cold ``--format json``, ~30 ms of a cold report) to give the same data."""
    convert = _PLAIN.get(type(value))
    if convert is not None:
        return convert(value)
    if isinstance(value, BaseModel):
        _PLAIN[type(value)] = _plain_model  # a model class's instances all take this way
        return _plain_model(value)
    if isinstance(value, Enum) and isinstance(value.value, str):
        return value.value
    raise NotPlain(type(value).__name__)


def plain_fields(model: BaseModel, exclude: Collection[str] = ()) -> dict[str, Any]:
    """:func:`plain` of a model without the fields named in ``exclude`` (``model_dump(mode="json", exclude=...)``
    of top-level fields)."""
    if model.__pydantic_extra__:
        raise NotPlain(type(model).__name__)
    return {name: item if type(item) in _AS_IS else plain(item) for name, item in model.__dict__.items()
            if name not in exclude}


class Coverage(Result):
    """How many of the CMMI practices in question are satisfied."""

    satisfied: int
    total: int


class AlternativeMember(Result):
    """One of our practices inside an alternative."""

    id: str
    status: PracticeStatus


class AlternativeResult(Result):
    """One way to implement a CMMI practice: our practices that together implement it."""

    number: int = Field(description="Numbered from 1, in the knowledge base's order.")
    status: PracticeClass
    practices: list[AlternativeMember]


class DirectResult(Result):
    """A CMMI practice the assessor characterized directly (an acceptable alternative practice)."""

    status: PracticeStatus
    rationale: str
    evidence: list[str] = []


class ModelPracticeResult(Result):
    """A CMMI specific or generic practice: its class, what decides it, and its alternatives."""

    id: str
    name: str
    status: PracticeClass
    characterization: PracticeStatus = Field(
        description="The characterization of what decides it: the direct one, the deciding alternative's weakest "
        "member, or the inherited organization-level practice's."
    )
    decided_by: str = Field(description='"direct", "alternative K", "inherited" or "" (not applicable).')
    direct: DirectResult | None = None
    inherited: bool = Field(default=False, description="One area's generic practice that inherits the organization's.")
    alternatives: list[AlternativeResult] = []


class GoalResult(Result):
    """A goal's SCAMPI rating, its coverage and the CMMI practices it is rated from."""

    id: str
    name: str
    status: GoalStatus
    coverage: Coverage
    practices: list[ModelPracticeResult]


class ProcessAreaResult(Result):
    """A process area: its rating on the specific goals, its own generic goals and its capability level."""

    id: str
    name: str
    category: str
    maturity_level: int
    status: AreaStatus = Field(description="Rating of the specific goals (SCAMPI), or out of scope.")
    capability_level: int | None = Field(
        description="0-3; null when the area is out of scope or its specific goals are not rated."
    )
    out_of_scope_reason: str | None = None
    coverage: Coverage = Field(description="Specific practices satisfied of those in scope.")
    goals: list[GoalResult]
    generic_goals: list[GoalResult] = Field(description="This area's own GG2 and GG3.")


class TargetProfile(Result):
    """Distance to a maturity level's target profile: every in-scope area of levels 2..N with its specific
    practices and its own generic practices (GP2.x; GP3.x too from level 3)."""

    level: int
    met: bool
    coverage: Coverage
    areas_short: list[str] = Field(description="Areas of the profile below the capability level it needs.")


class FrameworkLevelResult(Result):
    """One level of a framework: the status of its own requirements."""

    level: int
    name: str
    status: FrameworkLevelStatus
    reached: bool = Field(description="This level and every lower one are met.")
    met: bool
    coverage: Coverage = Field(description="Requirements satisfied (or not applicable) of those the level adds.")
    missing: list[str] = Field(description="Practices of this level's requirements that are not satisfied.")
    failed: list[str] = Field(description="Of those, the ones assessed PI or NI.")
    unknown: list[str] = Field(description="Of those, the ones not observed or NY (assess them).")
    optional: list[str] = []


class FrameworkResult(Result):
    """The level an organization reaches in one ML Ops maturity model."""

    id: str
    name: str
    provenance: Literal["sourced", "constructed", "reconstructed"]
    level: int | None = Field(description="Highest level whose requirements and all lower levels' are met.")
    level_name: str | None
    highest_met: int | None = Field(description="The highest level whose own requirements are met.")
    next_level: int | None = Field(description="The level above the one reached, if there is one.")
    next_level_status: FrameworkLevelStatus | None = Field(
        description="failed: not reached; undetermined: nothing failed, something not observed (assess it)."
    )
    levels: list[FrameworkLevelResult]


class EvidenceResult(Result):
    """One piece of evidence: its text, kind (artifact or affirmation), source, who gave it and when."""

    text: str
    type: Literal["artifact", "affirmation"] | None = None
    source: str | None = None
    by: str | None = None
    on: dt.date | None = None


class AnswerResult(Result):
    """One respondent's answer."""

    respondent: str
    role: str | None = None
    status: PracticeStatus
    evidence: list[str | EvidenceResult] = []
    note: str | None = None
    on: dt.date | None = None
    reason: str | None = None


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
    assumed: bool = Field(default=False, description="Status comes from an assumption, not from the fact file.")
    implements: list[str] = Field(default=[], description="The CMMI practices it is (part of) an alternative of.")
    evidence_items: list[EvidenceResult] = Field(default=[], description="The evidence with its kind and origin.")
    answers: list[AnswerResult] = Field(default=[], description="Respondents' answers recorded for the practice.")
    conflict: bool = Field(default=False, description="Respondents disagree and no status is decided: not rated.")
    stale: bool = Field(default=False, description="Its evidence (observed_on, else the latest date of its evidence "
                        "and answers) is older than the maximum evidence age before assessed_on: to be seen again.")


class FindingBasis(Result):
    """A practice a finding rests on (a condition that it is not satisfied), as the fact file gives it."""

    practice: str
    name: str
    condition: str = Field(description='"not_satisfied" or "not_implemented" (the rule\'s practice condition), or '
                                       '"required by <framework> level N" (a framework level below a bound).')
    status: PracticeStatus
    evidence: list[str] = Field(default=[], description="The evidence the fact file records for it.")
    note: str | None = None
    assumed: bool = Field(default=False, description="Its status comes from a what-if assumption.")


class Finding(Result):
    """An insight rule that fired, worded and rated by what its basis is."""

    rule: str
    name: str
    severity: Literal["info", "low", "medium", "high"] = Field(
        description="The rule's severity, lowered when its basis is partial or not assessed (see wording).")
    message: str
    recommendation: str
    practices: list[str]
    source: str
    basis: list[FindingBasis] = Field(default=[], description="The practices it rests on, with status and evidence.")
    wording: Literal["as_stated", "absent", "partial", "to_verify"] = Field(
        default="as_stated",
        description="as_stated: no practice basis (the rule's text); absent: every practice of the basis is NI (the "
                    "rule's text); partial: some are PI, none unassessed (each cited with its evidence, one step "
                    "lower unless the rule says otherwise); to_verify: some are not observed or NY ('No evidence of "
                    "... was recorded (verify)', two steps lower).")
    rule_severity: Literal["info", "low", "medium", "high"] | None = Field(
        default=None, description="The severity the knowledge base gives the rule.")


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
    generic_goals: list[GoalResult] = Field(description="The organization-level GG2 and GG3 every area inherits.")
    target_profiles: list[TargetProfile]
    frameworks: list[FrameworkResult]
    practices: list[PracticeResult]
    findings: list[Finding]
    assumptions: list[Assumption] = []
    warnings: list[str] = Field(default=[], description="What the fact file says that works but should change.")
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
