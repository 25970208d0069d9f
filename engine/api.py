"""The engine's entry points: each takes plain arguments and returns a pydantic result.

The CLI and the public package API (``mlops_maturity``) call these; nothing here prints or exits. Results are
immutable and share parts with other results of the same knowledge base: copy one (``model_copy(deep=True)``)
before changing a list inside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlops_maturity.engine.assessment import assess as _assess
from mlops_maturity.engine.assessment import parse_assumptions
from mlops_maturity.engine.errors import UserInputError
from mlops_maturity.engine.facts import FactFile, load_fact_file
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.results import Assessment
from pydantic import BaseModel

if TYPE_CHECKING:
    from mlops_maturity.engine.summary import Summary


def load_kb(kb_dir: Path | None = None) -> KnowledgeBase:
    """The shipped knowledge base, overlaid by the YAML files of ``kb_dir`` if given."""
    return load_knowledge_base(kb_dir)


def load_facts(path: Path, kb: KnowledgeBase) -> FactFile:
    """Read and validate a fact file against ``kb``."""
    return load_fact_file(path, kb)


def assess_file(
    path: Path,
    *,
    kb_dir: Path | None = None,
    assume: Sequence[str] = (),
    verify: bool = True,
    max_evidence_age: int | None = None,
) -> Assessment:
    """Assess the fact file at ``path``; ``assume`` holds what-if items like ``ml.model-registry=FI``;
    ``max_evidence_age`` (days, default: the knowledge base's) flags older evidence as stale."""
    kb = load_kb(kb_dir)
    facts = load_facts(path, kb)
    assumptions = parse_assumptions(list(assume), kb)
    return _assess(kb, facts, assumptions, verify=verify, source=str(path), max_evidence_age=max_evidence_age)


def assess_file_summarized(
    path: Path,
    *,
    kb: KnowledgeBase | None = None,
    kb_dir: Path | None = None,
    assume: Sequence[str] = (),
    verify: bool = True,
    max_evidence_age: int | None = None,
    summary: bool = True,
) -> tuple[Assessment, Summary | None]:
    """:func:`assess_file` and, with ``summary``, the summary of the same assessment
    (:func:`mlops_maturity.engine.summary.summarize`) from one session: the fact file is read and inferred once.
    ``kb``: a knowledge base already loaded (else the shipped one, overlaid by ``kb_dir``)."""
    from mlops_maturity.engine.session import Session
    from mlops_maturity.engine.summary import summarize

    if kb is None:
        kb = load_kb(kb_dir)
    facts = load_facts(path, kb)
    session = Session(kb, facts, parse_assumptions(list(assume), kb), verify=verify, source=str(path),
                      max_evidence_age=max_evidence_age)
    return session.assessment, summarize(session) if summary else None


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema of a document the tool reads or writes."""
    from mlops_maturity.engine.report import ReportContext

    models: dict[str, type[BaseModel]] = {"facts": FactFile, "assessment": Assessment, "report-context": ReportContext}
    model = models.get(name)
    if model is None:
        raise UserInputError(f"unknown schema {name!r}; valid: {', '.join(sorted(models))}")
    doc = model.model_json_schema()
    doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    if name == "facts":
        # The short form ``practice: FI`` is accepted as well as the full observation.
        observation = {"$ref": "#/$defs/Observation"}
        status = {"$ref": "#/$defs/Characterization"}
        # A practice listed with no value (null) is not filled in: not observed.
        doc["properties"]["practices"]["additionalProperties"] = {"anyOf": [status, observation, {"type": "null"}]}
    return doc


def to_json(model: BaseModel, *, exclude: set[str] | None = None) -> str:
    """Canonical JSON of a result: indented, keys in model order, dates as ISO strings (the JSON format's)."""
    from mlops_maturity.engine.formats.json import dumps

    return dumps(model, exclude=exclude)
