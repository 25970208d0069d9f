"""The fact file: what an assessor observed, practice by practice, in SCAMPI's terms."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

from mlops_maturity.engine import documents
from mlops_maturity.engine.errors import Problem, UserInputError
from mlops_maturity.engine.kb import KnowledgeBase
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


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


_MEANINGS = {
    "FI": "fully implemented",
    "LI": "largely implemented",
    "PI": "partially implemented",
    "NI": "not implemented",
    "NY": "not yet (the work has not reached the point where the practice applies)",
    "NA": "not applicable",
}


class Observation(BaseModel):
    """One practice as the assessor characterized it, with the evidence behind the characterization."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Characterization
    evidence: list[str] = []
    note: str | None = None
    observed_on: dt.date | None = None
    reason: str | None = Field(default=None, description="Why the practice is not applicable (required for NA).")

    @model_validator(mode="after")
    def _na_needs_reason(self) -> Observation:
        if self.status is Characterization.NA and not (self.reason and self.reason.strip()):
            raise ValueError("status NA needs a reason (why the practice does not apply)")
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
        default={}, description="Practice id -> a status (FI, LI, PI, NI, NY, NA) or an observation."
    )

    @model_validator(mode="before")
    @classmethod
    def _short_form(cls, data: Any) -> Any:
        if isinstance(data, dict):
            # A blank file from ``maturity init`` has every practice commented out: ``practices:`` is null.
            data = {**data, **{k: {} for k in ("practices", "context") if k in data and data[k] is None}}
        if isinstance(data, dict) and isinstance(data.get("practices"), dict):
            data = dict(data)
            data["practices"] = {
                k: {"status": v} if isinstance(v, str) else _evidence_list(v) for k, v in data["practices"].items()
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
    that finds any problem, or the fast parser does not apply, the file is parsed again with line numbers and
    checked again, so the problems reported, located, are those of the full parser.
    """
    quick = documents.fast_parse(text, name)
    if quick is not None:
        try:
            return check_fact_file(quick, kb)
        except Exception:  # noqa: BLE001 - anything unexpected, too: the full parser's path decides
            pass
    return check_fact_file(documents.parse(text, name), kb)


def check_fact_file(doc: documents.Document, kb: KnowledgeBase) -> FactFile:
    """Validate a parsed fact document: structure (pydantic), then ids and values against the KB."""
    data = doc.data
    if not isinstance(data, dict):
        raise UserInputError([Problem(doc.name, "", "expected a mapping with organization, assessed_on, practices")])
    problems: list[Problem] = []
    clean = dict(data)
    practices = data.get("practices")
    if isinstance(practices, dict):
        kept = {}
        for pid, value in practices.items():
            path = ("practices", str(pid))
            found = len(problems)
            if not isinstance(pid, str):
                problems.append(doc.problem(path, f"practice ids are text like ml.model-registry, got {pid!r}"))
            elif pid not in kb.practices:
                problems.append(doc.problem(path, "unknown practice id" + documents.suggest(pid, kb.practices)))
            status = value if isinstance(value, str) else value.get("status") if isinstance(value, dict) else None
            if isinstance(status, str) and status not in _STATUSES:
                where = path if isinstance(value, str) else (*path, "status")
                problems.append(doc.problem(where, f"unknown status {status!r}; valid: {', '.join(_STATUSES)}"
                                            + documents.suggest(status, _STATUSES)))
            elif value is None or not isinstance(value, (str, dict)):
                problems.append(doc.problem(path, "expected a status (FI, LI, PI, NI, NY, NA) or a mapping with "
                                            "status, evidence, note, observed_on, reason"))
            if len(problems) == found:
                kept[pid] = value
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
            found = _check_attribute(doc, kb, name, value)
            problems.extend(found)
            if not found:
                kept_context[name] = value
        clean["context"] = kept_context
    # Structural validation of what passed the checks above, so that every problem is reported at once.
    try:
        facts = FactFile.model_validate(clean)
    except ValidationError as exc:
        problems.extend(_fact_problems(doc, exc))
    else:
        problems.extend(_date_problems(doc, facts))
    if problems:
        raise UserInputError(sorted(problems, key=lambda p: (p.line is None, p.line or 0, p.field)))
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
            top = ["organization", "assessed_on", "assessor", "scope", "context", "practices"]
            fields = top if len(loc) == 1 else ["status", "evidence", "note", "observed_on", "reason"]
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
