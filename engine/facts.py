"""The fact file: what an assessor observed, practice by practice, in SCAMPI's terms."""


import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal

from mlops_maturity.engine import documents, words
from mlops_maturity.engine.errors import Problem, UserInputError
from mlops_maturity.engine.kb import KnowledgeBase
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator


class Characterization(str, Enum):
    """SCAMPI practice characterizations, plus NA (not applicable, with a reason)."""

    FI = "FI"
    LI = "LI"
    PI = "PI"
    NI = "NI"
    NY = "NY"
    NA = "NA"

    @property
    def meaning(self) -> str:
        """The characterization in words."""
        return _MEANINGS[self.value]


_MEANINGS = words.CHARACTERIZATION
"""The characterizations in words: the vocabulary's (engine/words.py)."""


EvidenceType = Literal["artifact", "affirmation"]
"""SCAMPI's two kinds of objective evidence: an artifact (a document, record or system output) or an affirmation (what
a person said in an interview or questionnaire)."""


class EvidenceItem(BaseModel):
    """One piece of evidence with its kind and where it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: Annotated[str, Field(min_length=1)]
    type: EvidenceType | None = None
    source: str | None = Field(default=None, description="The document, system or record (for an artifact).")
    by: str | None = Field(default=None, description="Who gave it: the respondent or the document's owner.")
    on: dt.date | None = Field(default=None, description="When it was seen or said.")


class Answer(BaseModel):
    """One respondent's answer for a practice (from a questionnaire or an interview)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    respondent: Annotated[str, Field(min_length=1)]
    role: str | None = None
    status: Characterization
    evidence: list[str | EvidenceItem] = []
    note: str | None = None
    on: dt.date | None = None
    reason: str | None = None


class Observation(BaseModel):
    """One practice as the assessor characterized it, with the evidence behind the characterization.

    ``status`` may be left out only when respondents' ``answers`` are recorded and disagree: the practice is then
    not rated (as if not observed) until the assessor resolves the conflict, and every output lists it.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Characterization | None = None
    evidence: list[str | EvidenceItem] = []
    note: str | None = None
    observed_on: dt.date | None = None
    reason: str | None = Field(default=None, description="Why the practice is not applicable (required for NA).")
    answers: list[Answer] = Field(default=[], description="Respondents' answers, when several were collected.")

    @model_validator(mode="after")
    def _na_needs_reason(self) -> "Observation":
        if self.status is None and not self.answers:
            raise ValueError("a status is required (FI, LI, PI, NI, NY or NA)")
        if self.status is Characterization.NA and not (self.reason and self.reason.strip()):
            raise ValueError("status NA needs a reason (why the practice does not apply)")
        return self

    @property
    def conflict(self) -> bool:
        """Respondents disagree and the assessor has not decided: the practice is not rated."""
        return self.status is None

    @property
    def evidence_texts(self) -> list[str]:
        """The evidence as text, typed or not."""
        return [e if isinstance(e, str) else e.text for e in self.evidence]


class DirectCharacterization(BaseModel):
    """A CMMI practice the assessor characterized directly (SCAMPI's acceptable alternative practice).

    It overrides what the fact file's practices imply for that CMMI practice, and every output says so.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Characterization
    rationale: Annotated[str, Field(min_length=1, description="Why: the alternative practice the assessor saw.")]
    evidence: list[str] = []

    @model_validator(mode="after")
    def _no_na(self) -> "DirectCharacterization":
        if self.status is Characterization.NA:
            raise ValueError("NA cannot remove a CMMI practice: characterize it FI, LI, PI, NI or NY, or declare "
                             "its process area out of scope under out_of_scope (allowed for SAM only)")
        if not self.rationale.strip():
            raise ValueError("a direct characterization needs a rationale (the alternative practice observed)")
        return self


class FactFile(BaseModel):
    """A fact file: the organization, when it was assessed, and the observed practices."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organization: Annotated[str, Field(min_length=1)]
    assessed_on: dt.date
    assessor: str | None = None
    scope: str | None = None
    context: dict[str, bool | int | str] = Field(
        default={}, description="Context attributes declared by the knowledge base (e.g. cloud_vendor_count)."
    )
    practices: dict[str, Observation] = Field(
        default={}, description="Practice id -> a status (FI, LI, PI, NI, NY, NA) or an observation; a practice "
        "listed with no value (null) is not filled in: not observed, as if it were not listed."
    )
    model_practices: dict[str, DirectCharacterization] = Field(
        default={}, description="CMMI practices characterized directly: a specific practice (CM.SP1.2), an "
        "organization-level generic practice (GP2.3) or one area's (PPQA.GP2.2), each with a rationale."
    )
    out_of_scope: dict[str, Annotated[str, Field(min_length=1)]] = Field(
        default={}, description="Process areas declared out of scope, with the reason (only those the model "
        "allows: SAM)."
    )
    # An empty default that pydantic copies for each file, rather than ``default_factory=list``: pydantic inspects a
    # factory's signature on first use, and the signature of the builtin ``list`` is parsed from its text by the
    # tokenizer (~2 ms of a cold command, its regular expressions compiled).
    _warnings: list[str] = PrivateAttr(default=[])

    @property
    def warnings(self) -> list[str]:
        """What the file says that still works but should change (a merged practice id)."""
        return list(self._warnings)

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        if isinstance(data, dict):
            # A blank file from ``maturity init`` has every practice commented out: ``practices:`` is null.
            data = {**data, **{k: {} for k in ("practices", "context", "model_practices", "out_of_scope")
                               if k in data and data[k] is None}}
        if isinstance(data, dict) and isinstance(data.get("practices"), dict):
            data = dict(data)
            data["practices"] = {
                k: {"status": v} if isinstance(v, str) else _evidence_list(v) for k, v in data["practices"].items()
                if v is not None  # listed with no value: not filled in, not observed
            }
        return data


def _evidence_list(value: Any) -> Any:
    """A single evidence string is accepted as a one-item list."""
    if isinstance(value, dict) and isinstance(value.get("evidence"), str):
        return {**value, "evidence": [value["evidence"]]}
    return value


_STATUSES = [c.value for c in Characterization]

MAX_COUNT = 1_000_000_000
"""Integer context attributes are counts (models, teams, vendors)."""


def load_fact_file(path: Path, kb: KnowledgeBase) -> FactFile:
    """Read, parse and check a fact file against the knowledge base.

    Raises:
        UserInputError: every problem found, each located (file, line, field) with a suggestion.
    """
    return parse_fact_text(documents.read_text(path), str(path), kb)


def parse_fact_text(text: str, name: str, kb: KnowledgeBase) -> FactFile:
    """Like :func:`load_fact_file`, from text already read.

    A file the fast parser reads (:func:`documents.fast_parse`, most fact files) is checked as it reads it; when
    that finds any problem or warning, or the fast parser does not apply, the file is parsed again with line
    numbers and checked again, so the problems and warnings reported, located, are those of the full parser.
    """
    quick = documents.fast_parse(text, name)
    if quick is not None:
        try:
            facts = check_fact_file(quick, kb)
        except Exception:  # noqa: BLE001 - anything unexpected, too: the full parser's path decides
            pass
        else:
            if not facts.warnings:  # a warning is located too (a line number): the full parser's path gives it
                return facts
    return check_fact_file(documents.parse(text, name), kb)


def check_fact_file(doc: documents.Document, kb: KnowledgeBase) -> FactFile:
    """Validate a parsed fact document: structure (pydantic), then ids and values against the KB."""
    data = doc.data
    if not isinstance(data, dict):
        raise UserInputError([Problem(doc.name, "", "expected a mapping with organization, assessed_on, practices")])
    problems: list[Problem] = []
    warnings: list[str] = []
    clean = dict(data)
    practices = data.get("practices")
    if isinstance(practices, dict):
        kept = {}
        for pid, value in practices.items():
            path = ("practices", str(pid))
            found = len(problems)
            if not isinstance(pid, str):
                problems.append(doc.problem(path, f"practice ids are text like ml.model-registry, got {pid!r}"))
            elif pid in kb.aliases:
                new = kb.aliases[pid]
                if new in practices and practices[new] is not None:
                    warnings.append(str(doc.problem(path, f"{pid} was merged into {new}, which the file also "
                                                    f"characterizes: {new}'s characterization is used and this one "
                                                    "is not; remove this entry")))
                    continue
                warnings.append(str(doc.problem(path, f"{pid} was merged into {new}: read as {new}; rename it")))
            elif pid not in kb.practices:
                problems.append(doc.problem(path, "unknown practice id" + documents.suggest(pid, kb.practices)))
            if value is None:
                # ``ml.model-registry:`` with no value: listed, not filled in (``maturity init`` writes every
                # practice so): not observed, exactly as if it were not listed. The id is still checked above.
                continue
            status = value if isinstance(value, str) else value.get("status") if isinstance(value, dict) else None
            if isinstance(status, str) and status not in _STATUSES:
                where = path if isinstance(value, str) else (*path, "status")
                problems.append(doc.problem(where, f"unknown status {status!r}; valid: {', '.join(_STATUSES)}"
                                            + documents.suggest(status, _STATUSES)))
            elif not isinstance(value, (str, dict)):
                problems.append(doc.problem(path, "expected a status (FI, LI, PI, NI, NY, NA) or a mapping with "
                                            "status, evidence, note, observed_on, reason"))
            if len(problems) == found:
                kept[kb.aliases.get(pid, pid)] = value
        clean["practices"] = kept
    elif practices is not None:
        problems.append(doc.problem(("practices",), "expected a mapping of practice id to status"))
        clean.pop("practices")
    context = data.get("context")
    if isinstance(context, dict):
        kept_context = {}
        for name, value in context.items():
            if not isinstance(name, str):
                problems.append(doc.problem(("context", str(name)), f"attribute names are text, got {name!r}"))
                continue
            trouble = _check_attribute(doc, kb, name, value)
            problems.extend(trouble)
            if not trouble:
                kept_context[name] = value
        clean["context"] = kept_context
    direct = data.get("model_practices")
    if isinstance(direct, dict):
        kept_direct = {}
        for mid, value in direct.items():
            path = ("model_practices", str(mid))
            if not isinstance(mid, str) or mid not in kb.model_practices:
                problems.append(doc.problem(path, "unknown CMMI practice (a specific practice such as CM.SP1.2, a "
                                            "generic practice such as GP2.3, or one area's, such as PPQA.GP2.2)"
                                            + documents.suggest(str(mid), kb.model_practices)))
                continue
            area = kb.model_practices[mid].process_area
            if area and area in (data.get("out_of_scope") or {}):
                problems.append(doc.problem(path, f"{mid} belongs to {area}, which the file declares out of scope"))
                continue
            kept_direct[mid] = value
        clean["model_practices"] = kept_direct
    scoped = data.get("out_of_scope")
    if isinstance(scoped, dict):
        areas = [pa.id for pa in kb.process_areas]
        allowed = kb.scopable_areas
        kept_scoped = {}
        for pa, reason in scoped.items():
            path = ("out_of_scope", str(pa))
            if pa not in areas:
                problems.append(doc.problem(path, "unknown process area" + documents.suggest(str(pa), areas)))
            elif pa not in allowed:
                problems.append(doc.problem(path, f"{pa} cannot be out of scope: CMMI rates every process area of a "
                                            "level, and not-applicable practices never remove one; only "
                                            f"{', '.join(allowed) or 'none'} may be declared out of scope"))
            elif not isinstance(reason, str) or not reason.strip():
                problems.append(doc.problem(path, "an area out of scope needs a reason (for SAM: that no supplier "
                                            "agreement delivers anything built into the models)"))
            else:
                kept_scoped[pa] = reason
        clean["out_of_scope"] = kept_scoped
    # Structural validation of what passed the checks above, so that every problem is reported at once.
    try:
        facts = FactFile.model_validate(clean)
    except ValidationError as exc:
        problems.extend(_fact_problems(doc, exc))
    else:
        problems.extend(_date_problems(doc, facts))
    if problems:
        raise UserInputError(sorted(problems, key=lambda p: (p.line is None, p.line or 0, p.field)))
    facts._warnings.extend(warnings)
    return facts


def _today() -> dt.date:
    """Today's date anywhere on Earth (UTC+14, the first time zone to reach a date): an observation dated today
    where it was made is never in the future, whatever the time zone of the machine reading the file."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=14))).date()


def _date_problems(doc: documents.Document, facts: FactFile) -> list[Problem]:
    """An observation dated after the assessment, or in the future, is a mistake in the fact file."""
    problems = []
    today = _today()
    for pid, observation in facts.practices.items():
        observed = observation.observed_on
        if observed is None:
            continue
        path = ("practices", pid, "observed_on")
        if observed > facts.assessed_on:
            problems.append(doc.problem(path, f"{pid} is observed on {observed.isoformat()}, after the assessment "
                                        f"(assessed_on: {facts.assessed_on.isoformat()})"))
        elif observed > today:
            problems.append(doc.problem(path, f"{pid} is observed on {observed.isoformat()}, a date still to come "
                                        f"(today is {today.isoformat()} at the latest)"))
    return problems


def _check_attribute(doc: documents.Document, kb: KnowledgeBase, name: str, value: Any) -> list[Problem]:
    path = ("context", name)
    attribute = kb.attributes.get(name)
    if attribute is None:
        known = ", ".join(kb.attributes) or "none"
        return [doc.problem(path, f"unknown context attribute{documents.suggest(name, kb.attributes)} "
                            f"(known: {known})")]
    kind = attribute.type
    if kind == "boolean" and not isinstance(value, bool):
        return [doc.problem(path, f"expected true or false, got {value!r}")]
    if kind == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
        return [doc.problem(path, f"expected a whole number, got {value!r}")]
    if kind == "integer" and not 0 <= value <= MAX_COUNT:
        return [doc.problem(path, f"expected a count from 0 to {MAX_COUNT:,}, got {value}")]
    if kind == "string":
        if not isinstance(value, str):
            return [doc.problem(path, f"expected text, got {value!r}")]
        if attribute.values and value not in attribute.values:
            return [doc.problem(path, f"unknown value {value!r}; valid: {', '.join(attribute.values)}"
                                + documents.suggest(value, attribute.values))]
    return []


_TYPE_MESSAGES = {
    "list_type": 'expected a list of text items, e.g. ["pipeline config", "registry screenshot"]',
    "string_type": "expected text",
    "dict_type": "expected a mapping",
    "bool_type": "expected true or false",
    "int_type": "expected a whole number",
}


def _fact_problems(doc: documents.Document, exc: ValidationError) -> list[Problem]:
    problems = []
    for item in exc.errors():
        loc = tuple(item["loc"])
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            top = ["organization", "assessed_on", "assessor", "scope", "context", "practices", "model_practices",
                   "out_of_scope"]
            fields = top if len(loc) == 1 else (["status", "rationale", "evidence"] if loc[0] == "model_practices"
                                                else ["status", "evidence", "note", "observed_on", "reason"])
            message = f"unknown field{documents.suggest(str(loc[-1]), fields)} (valid: {', '.join(fields)})"
        elif item["type"] == "missing":
            message = "required field is missing"
        elif item["type"].startswith("date"):
            given = item.get("input")
            shown = given.isoformat() if hasattr(given, "isoformat") else repr(given)
            message = f"expected a date as YYYY-MM-DD, got {shown}"
        elif item["type"] in _TYPE_MESSAGES:
            message = f"{_TYPE_MESSAGES[item['type']]}, got {item.get('input')!r}"
        elif message.startswith("Value error, "):
            message = message[len("Value error, "):]
        problems.append(doc.problem(loc, message))
    return problems
