"""Reports: one documented template context, Jinja2 templates run in a sandbox, and Markdown, HTML and Word output.

A report is built in two steps:

1. :func:`build_context` assesses a fact file and gathers everything a report shows into one pydantic model,
   :class:`ReportContext`: the organization and assessment metadata, the CMMI result with the capability profile,
   every framework's level, the findings, evidence per practice, the roadmap toward the target (with its waves),
   the why-not explanation for the target and the crosswalk. Its JSON Schema is ``maturity schema report-context``
   and ``docs/report-context.md`` lists every field.
2. :func:`render` renders the context through a template: a built-in one (``markdown``, ``html``, ``docx``), a
   directory of a firm's own Jinja2 templates, or a firm's own ``.docx`` template (docxtpl). Templates see the
   context as plain data (``model_dump(mode="json")``: dicts, lists, strings, numbers), so what a template can
   reach is exactly what the schema documents.

A firm's templates are third-party code running on an assessor's laptop, so every template given as a path (and
whatever it extends or includes, built-in templates too) runs in :class:`ReportSandbox`: Jinja2's immutable sandbox
with ``StrictUndefined``, no access to private or dunder attributes, ``range()`` and string growth bounded, output
size and render time capped. Any failure becomes a :class:`UserInputError` naming the template, the line and the
offending name; nothing is written. The built-in templates are this tool's own code: rendered on their own, they run
in an environment with the same settings and filters but without the sandbox's accounting on every attribute, call
and operator (the output is the same byte for byte; tests render every built-in both ways).

:func:`register_jinja` adds the tool's filters and globals to a firm's own ``jinja2.Environment`` so that their
existing pipeline can call the engine from inside their templates (see ``examples/embed_example.py``).
"""

# No ``from __future__ import annotations``: pydantic would turn every field annotation of the context models
# back from a string at import (a cold report pays for it); forward references are quoted.

import base64
import contextvars
import datetime as dt
import io
import json
import re
import time
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace
from markupsafe import Markup
from mlops_maturity.engine import documents, explain, roadmap, words
from mlops_maturity.engine.errors import Problem, UserInputError
from mlops_maturity.engine.explain import FrameworkExplanation, LevelExplanation
from mlops_maturity.engine.facts import Characterization, DirectCharacterization, FactFile, Observation
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.knowledge import Dimension
from mlops_maturity.engine.levels import next_level
from mlops_maturity.engine.rating import required_capability
from mlops_maturity.engine.results import Assessment, Assumption, Coverage, Finding, GoalResult, made
from mlops_maturity.engine.results import NotPlain as _NotPlain
from mlops_maturity.engine.results import plain as _plain
from mlops_maturity.engine.roadmap import Roadmap, Target, TargetSpec
from mlops_maturity.engine.session import Session
from mlops_maturity.engine.summary import Summary, summarize
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:  # imported when a context's schema is built (ReportContext.model_rebuild), not on import
    from mlops_maturity.engine.crosswalk import Crosswalk

CONTEXT_SCHEMA_VERSION = "2.1"

BUILTIN_TEMPLATES = {
    "markdown": "builtin/report.md.j2",
    "html": "builtin/report.html.j2",
    "docx": "report.docx",
}
"""Built-in template names -> the template they stand for (Jinja2 names carry the ``builtin/`` prefix)."""

ReportFormat = Literal["markdown", "html", "text", "docx"]

Layout = Literal["full", "one-pager"]
LAYOUTS: tuple[str, ...] = ("full", "one-pager")
"""Layouts of the built-in templates: every section, or the summary on one page."""

MEDIA_TYPES: dict[str, str] = {
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# --- limits of the sandbox ---------------------------------------------------------------------------------------

MAX_RANGE = 10_000
"""Largest ``range()`` a template may create."""
MAX_RANGE_TOTAL = 1_000_000
"""Items all ``range()`` calls of one rendering may create together (nested loops)."""
MAX_STRING = 1_000_000
"""Longest string or sequence an operator, call or filter inside a template may produce."""
MAX_WIDTH = 10_000
"""Largest width a template may pass to padding methods and filters (``center``, ``ljust``, ``indent``, ...)."""
MAX_OUTPUT = 20_000_000
"""Largest rendered output, in characters."""
MAX_SECONDS = 60.0
"""Longest a template may run."""
MAX_DOCX_TEMPLATE = 50_000_000
"""Largest uncompressed size of a ``.docx`` template's parts together."""

_WIDTH_FILTERS = {"center": ("width",), "indent": ("width",), "wordwrap": ("width",), "truncate": ("length",)}
_WIDTH_METHODS = {"center", "ljust", "rjust", "zfill", "expandtabs"}
_FORMAT_WIDTH = re.compile(r"\d{6,}")


# --- the template context -----------------------------------------------------------------------------------------


class ContextModel(BaseModel):
    """Base of the context models: immutable, unknown fields rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ToolInfo(ContextModel):
    """The tool that produced the report."""

    name: str = Field(description="Distribution name of the tool.", examples=["mlops-maturity"])
    version: str = Field(description="Its version.", examples=["0.1.0"])


class OrganizationInfo(ContextModel):
    """The assessed organization and the assessment's metadata, as the fact file states them."""

    name: str = Field(description="The organization's name.")
    assessed_on: dt.date = Field(description="Date of the assessment (ISO 8601).")
    assessor: str | None = Field(description="Who assessed.")
    scope: str | None = Field(description="What the assessment covered.")
    source: str | None = Field(description="The fact file assessed.")
    context: dict[str, bool | int | str] = Field(
        description="Context attributes of the fact file (e.g. cloud_vendor_count), sorted by name."
    )


class LevelInfo(ContextModel):
    """One CMMI maturity level and whether the organization reached it."""

    level: int = Field(description="1-5.")
    name: str = Field(description="Official CMMI-DEV v1.3 name.")
    description: str = Field(description="What the level means.")
    ml_meaning: str = Field(description="What the level means for an ML organization.")
    median_months_from_previous: int | None = Field(
        description="Historical median months organizations needed from the level below (null when unknown)."
    )
    reached: bool = Field(description="The organization is at this level or above.")


class MaturityInfo(ContextModel):
    """The staged CMMI result."""

    level: int = Field(description="The maturity level reached (1-5).")
    name: str = Field(description="Its official name.")
    description: str = Field(description="What the level means.")
    ml_meaning: str = Field(description="What the level means for an ML organization.")
    next_level: int | None = Field(description="The level above (null at level 5).")
    levels: list[LevelInfo] = Field(description="All five levels, in order.")


class TargetInfo(ContextModel):
    """What the roadmap and the explanation aim at: a CMMI maturity level or a level of an ML Ops model."""

    kind: Literal["maturity", "framework"] = Field(
        description="maturity: a CMMI maturity level; framework: a level of one ML Ops maturity model.")
    framework: str | None = Field(description="The framework's id, for a framework target (null otherwise).")
    level: int | None = Field(description="The target level (null when already at level 5 and none was given).")
    name: str | None = Field(description="Its official name (CMMI's or the framework's).")
    label: str | None = Field(description="The target in words, e.g. 'CMMI maturity level 3 (Defined)' or "
                                          "'google level 2 (CI/CD pipeline automation)'.")
    reached: bool = Field(description="The organization already is at the target level or above.")
    required_capability: int | None = Field(
        description="Capability level every process area of levels 2..target needs (2 for level 2, else 3); null "
                    "for a framework target."
    )


class ReportOptions(ContextModel):
    """What the report was asked to show (the built-in templates follow it; a firm's template may)."""

    layout: Layout = Field(
        description="full: every section; one-pager: the summary, the heat map, the main gaps and the first wave.")
    appendix: bool = Field(description="Show the appendix: the evidence table and the crosswalk of the models.")


class HeatMapCell(ContextModel):
    """Practices of one dimension that implement a process area's CMMI practices, and how many are in place."""

    dimension: str = Field(description="people, process, technology, culture, governance or data.")
    satisfied: int = Field(description="Of them, FI or LI.")
    total: int = Field(description="Applicable practices (not NA) of the dimension that implement a CMMI practice "
                                   "of the area.")
    percent: int | None = Field(description="satisfied / total in whole percent (null when total is 0).")


class HeatMapRow(ContextModel):
    """One process area of the heat map."""

    process_area: str = Field(description="CMMI abbreviation, e.g. REQM.")
    name: str = Field(description="Official name.")
    maturity_level: int = Field(description="The maturity level the area belongs to (2-5).")
    capability_label: str = Field(description='The capability level for display ("0".."3", "not rated", '
                                              '"out of scope").')
    cells: list[HeatMapCell] = Field(description="One cell per dimension, in the order of heat_map.dimensions.")


class HeatMap(ContextModel):
    """Capability and coverage by process area (rows) and practice dimension (columns)."""

    dimensions: list[str] = Field(description="The column order.")
    rows: list[HeatMapRow] = Field(description="The process areas, by maturity level, then id.")


class CapabilityLevelInfo(ContextModel):
    """A capability level of the continuous representation (column headings of the profile)."""

    level: int = Field(description="0-3.")
    name: str = Field(description="Incomplete, Performed, Managed, Defined.")
    meaning: str = Field(description="What a process area needs for it.")


class ProcessAreaRow(ContextModel):
    """A process area in the capability profile."""

    id: str = Field(description="CMMI abbreviation, e.g. REQM.")
    name: str = Field(description="Official name.")
    category: str = Field(description="Process Management, Project Management, Engineering or Support.")
    maturity_level: int = Field(description="The maturity level the area belongs to (2-5).")
    purpose: str = Field(description="The area's purpose.")
    ml_interpretation: str = Field(description="What the area means in an ML organization.")
    status: str = Field(description="SCAMPI rating of its specific goals: satisfied, unsatisfied, not_rated; or "
                                    "out_of_scope (the fact file scopes it out).")
    capability_level: int | None = Field(
        description="0-3 from its specific goals and its own GG2/GG3; null when out of scope or not rated."
    )
    capability_label: str = Field(
        description='The capability level for display: "0".."3", "not rated" or "out of scope" (never a bare 0 '
                    "for an area that could not be rated)."
    )
    out_of_scope_reason: str | None = Field(description="Why the fact file scopes the area out (null otherwise).")
    coverage: Coverage = Field(description="Specific practices satisfied of those in scope.")
    target_capability: int | None = Field(
        description="Capability the target level needs from this area (null when the target does not cover it)."
    )
    meets_target: bool | None = Field(
        description="The area has the capability the target needs, or is out of scope (null outside the target; "
                    "false when not rated)."
    )
    goals: list[GoalResult] = Field(description="Its specific goals with their rating, coverage and CMMI practices.")
    generic_goals: list[GoalResult] = Field(description="Its own GG2 and GG3 (capability 2 and 3).")
    direct: list[str] = Field(description="Its CMMI practices the assessor characterized directly.")


class TargetProfileRow(ContextModel):
    """Distance to one maturity level's target profile."""

    level: int = Field(description="2-5.")
    name: str = Field(description="The level's official name.")
    met: bool = Field(description="Every in-scope area of levels 2..level has the capability the level needs.")
    coverage: Coverage = Field(description="CMMI practices satisfied of those the level needs (specific "
                                           "practices, and the areas' own generic practices).")
    areas_short: list[str] = Field(description="Areas below the capability the level needs.")


class DirectRow(ContextModel):
    """A CMMI practice the assessor characterized directly (it overrides the practices' alternatives)."""

    id: str = Field(description="CMMI practice id, e.g. CM.SP1.2, GP2.3 or PPQA.GP2.2.")
    name: str = Field(description="Its name.")
    goal: str = Field(description="The goal it belongs to.")
    process_area: str | None = Field(description="Its process area (null for an organization-level GP).")
    status: str = Field(description="The direct characterization: FI, LI, PI, NI or NY.")
    rationale: str = Field(description="The alternative practice the assessor saw.")
    evidence: list[str] = Field(description="Evidence the assessor recorded.")


class FrameworkLevelRow(ContextModel):
    """One level of an ML Ops maturity model."""

    level: int = Field(description="The level's number in the model's own scale.")
    name: str = Field(description="The level's name.")
    description: str = Field(description="What the model says about it.")
    status: str = Field(description="Its own requirements: met, failed (one is PI/NI) or undetermined (nothing "
                                    "failed, something not observed).")
    met: bool = Field(description="Its own requirements are met.")
    reached: bool = Field(description="This level and every level below it are met.")
    coverage: Coverage = Field(description="Requirements satisfied (or not applicable) of those the level adds.")
    missing: list[str] = Field(description="Practices of its requirements that are not satisfied.")
    failed: list[str] = Field(description="Of those, the ones assessed PI or NI.")
    unknown: list[str] = Field(description="Of those, the ones not observed or NY (assess them).")
    optional: list[str] = Field(description="Practices the level mentions without requiring them.")


class FrameworkRow(ContextModel):
    """The level an organization reaches in one ML Ops maturity model."""

    id: str = Field(description="Framework id, e.g. google.")
    name: str = Field(description="The model's name.")
    publisher: str = Field(description="Who published it.")
    provenance: str = Field(description="sourced, constructed or reconstructed: how much of its level contents "
                                        "comes from the source.")
    provenance_note: str = Field(description="What of the level contents is sourced and what is ours.")
    level: int | None = Field(description="Highest level reached (null: below the lowest level).")
    level_name: str | None = Field(description="Its name.")
    highest_met: int | None = Field(description="The highest level whose own requirements are met.")
    next_level: int | None = Field(description="The level above the one reached (null at the top).")
    next_level_status: str | None = Field(
        description="failed: not reached; undetermined: nothing failed, something not observed (assess it)."
    )
    lowest_level: int = Field(description="The model's lowest level.")
    highest_level: int = Field(description="The model's highest level.")
    levels: list[FrameworkLevelRow] = Field(description="Every level of the model, in order.")
    article_verdict: str | None = Field(description="The seed article's verdict on the model against CMMI.")
    article_near_miss: bool = Field(description="The article calls the model a near miss of the level above.")


class PracticeRow(ContextModel):
    """A practice: its characterization and the evidence behind it."""

    id: str = Field(description="Practice id, e.g. ml.model-registry.")
    name: str = Field(description="The practice's name.")
    dimension: str = Field(description="people, process, technology, culture, governance or data.")
    status: str = Field(description="FI, LI, PI, NI, NY, NA or not_observed.")
    status_meaning: str = Field(description="The status in words.")
    satisfied: bool = Field(description="FI or LI.")
    ready: bool = Field(description="Not satisfied, applicable, and every prerequisite satisfied.")
    blocked_by: list[str] = Field(description="Unsatisfied prerequisites.")
    evidence: list[str] = Field(description="Evidence the assessor recorded.")
    note: str | None = Field(description="The assessor's note.")
    observed_on: dt.date | None = Field(description="When it was observed, if the fact file says.")
    reason: str | None = Field(description="Why it is not applicable (NA only).")
    assumed: bool = Field(description="The status is a what-if assumption, not an observation.")
    implements: list[str] = Field(description="The CMMI practices it is (part of) an alternative of.")
    goals: list[str] = Field(description="The goals of those CMMI practices.")
    process_areas: list[str] = Field(description="Their process areas.")
    serving_level: int = Field(description="Lowest maturity level among what it implements (6: none).")
    frameworks: list[str] = Field(description="Framework levels that require it, as FRAMEWORK:LEVEL.")


class PracticeSummary(ContextModel):
    """Counts over the practices of the knowledge base."""

    total: int = Field(description="Practices in the knowledge base.")
    observed: int = Field(description="Practices the fact file characterizes.")
    satisfied: int = Field(description="Practices FI or LI.")
    ready: int = Field(description="Practices ready to adopt (every prerequisite satisfied).")
    by_status: dict[str, int] = Field(description="Practices per status (FI, LI, PI, NI, NY, NA, not_observed).")


class ReportContext(ContextModel):
    """Everything a report template can show. Templates receive its JSON form (``model_dump(mode="json")``)."""

    schema_version: str = Field(default=CONTEXT_SCHEMA_VERSION, description="Version of this context's form.")
    tool: ToolInfo = Field(description="The tool that produced the report.")
    organization: OrganizationInfo = Field(description="The organization and the assessment's metadata.")
    knowledge_base: str = Field(description="Fingerprint of the knowledge base used.")
    report: ReportOptions = Field(description="The layout asked for and whether the appendix is shown.")
    maturity: MaturityInfo = Field(description="The CMMI maturity level reached (staged representation).")
    target: TargetInfo = Field(description="The level the roadmap and the explanation aim at.")
    capability_levels: list[CapabilityLevelInfo] = Field(description="The capability levels 0-3, in order.")
    process_areas: list[ProcessAreaRow] = Field(
        description="The capability profile: the 22 process areas by maturity level, then id."
    )
    generic_goals: list[GoalResult] = Field(
        description="The organization-level GG2 and GG3 (every area's own generic practices inherit them)."
    )
    target_profiles: list[TargetProfileRow] = Field(description="Distance to each maturity level 2-5.")
    heat_map: HeatMap = Field(description="Capability and coverage by process area and practice dimension.")
    direct_practices: list[DirectRow] = Field(description="CMMI practices the assessor characterized directly.")
    frameworks: list[FrameworkRow] = Field(description="The level reached in every ML Ops maturity model.")
    findings: list[Finding] = Field(description="Insight rules that fired, most severe first.")
    practices: list[PracticeRow] = Field(description="Every practice with its characterization and evidence.")
    practice_summary: PracticeSummary = Field(description="Counts over the practices.")
    assumptions: list[Assumption] = Field(description="What-if assumptions applied on top of the fact file.")
    warnings: list[str] = Field(description="What the fact file says that works but should change (merged ids).")
    roadmap: Roadmap | None = Field(
        description="The roadmap toward the target, with its waves (null when already at level 5 without a target, "
                    "or when no plan can reach the target: see roadmap_unavailable)."
    )
    roadmap_unavailable: str | None = Field(
        description="Why there is no roadmap toward the target although it is not reached (e.g. a CMMI practice "
                    "the assessor characterized directly as not implemented: adopting practices cannot change it); "
                    "null otherwise."
    )
    explanation: LevelExplanation | None = Field(
        description="Why the target maturity level is not reached (or how it was reached), from the inference "
                    "trace; null for a framework target (see framework_explanation)."
    )
    framework_explanation: FrameworkExplanation | None = Field(
        default=None,
        description="For a framework target (e.g. google:2): why that level is not reached (or how it was); null "
                    "otherwise.",
    )
    crosswalk: "Crosswalk | None" = Field(
        description="The CMMI level each framework's complete practice set reaches, beside the article's verdict "
                    "(about the models, not the organization): null unless the appendix is asked for."
    )
    summary: Summary | None = Field(default=None, description="The opening derived from the assessment: the reason "
                                    "for the level, strengths by dimension, the gaps for the next level, the CMMI "
                                    "definition of the level (engine/summary.py).")

    @classmethod
    def model_rebuild(cls, **kwargs: Any) -> bool | None:
        """Complete the model (pydantic calls this when its schema is first needed) with the crosswalk's types,
        which this module does not import: only a report with the appendix holds a crosswalk, and importing its
        models costs every cold report ~10 ms."""
        from mlops_maturity.engine.crosswalk import Crosswalk

        namespace = dict(kwargs.pop("_types_namespace", None) or {})
        namespace.setdefault("Crosswalk", Crosswalk)
        return super().model_rebuild(_types_namespace=namespace, **kwargs)

    def template_data(self) -> dict[str, Any]:
        """The context as templates see it: plain JSON data, what ``model_dump(mode="json")`` gives.

        Made by :func:`~mlops_maturity.engine.results.plain` from the models' own values: pydantic builds the serializer of the whole context
        the first time it dumps one (a schema of some 60 nested models: ~30 ms, the largest single cost of a cold
        report after the imports) to give the same dicts, lists, strings and numbers. Once built, pydantic's dump
        is quicker (~4 ms against ~7 ms on the largest example), which a process making many reports pays.
        Anything it does not know is left to pydantic. tests/test_report.py holds the two equal, key
        order and types included, on every shipped example, target and layout.
        """
        try:
            return _plain(self)
        except _NotPlain:
            return self.model_dump(mode="json")


_CAPABILITY_LEVELS = [
    (0, "Incomplete", "The specific goals are not all satisfied."),
    (1, "Performed", "The specific goals are satisfied."),
    (2, "Managed", "Performed, and institutionalized as a managed process (GG2)."),
    (3, "Defined", "Managed, and institutionalized as a defined process (GG3)."),
]



@lru_cache(maxsize=1)
def tool_version() -> str:
    """The installed version of this tool (looked up once: the context and the template cache's name both ask)."""
    try:
        return metadata.version("mlops-maturity")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree without installing
        return "0+unknown"


def build_context(
    session: Session | KnowledgeBase,
    facts: FactFile | None = None,
    *,
    target: TargetSpec = None,
    capacity: float | None = None,
    assumptions: Mapping[str, str] | None = None,
    source: str | None = None,
    verify: bool = True,
    layout: Layout = "full",
    appendix: bool = False,
) -> ReportContext:
    """Gather everything a report shows from one assessment session.

    The session assesses once; the explanation and the roadmap run on the same session (their re-inferences
    are the session's cached ones), so the report never infers the same input twice.

    ``build_context(kb, facts, assumptions=..., source=..., verify=...)`` (the public API's form) makes the
    session itself.

    Args:
        session: the assessment session (knowledge base, fact file, assumptions, verify); or a knowledge base,
            with ``facts``.
        facts: the fact file, when ``session`` is a knowledge base.
        target: what the roadmap and the explanation aim at: a maturity level 1-5, ``(framework, level)`` or its
            text form (``"3"``, ``"google:2"``); default: the next maturity level.
        capacity: person-weeks available per quarter; bounds the roadmap's waves and gives calendar time.
        assumptions, source, verify: the new session's, when ``session`` is a knowledge base.
        layout: ``full`` or ``one-pager`` (recorded in ``report.layout`` for the templates).
        appendix: include the appendix (the evidence table, and the crosswalk, which is computed only then).

    Raises:
        UserInputError: ``target`` is not a maturity level 1-5 nor a framework level; a bad layout or assumption.
        TypeError: a session given together with ``facts``, ``assumptions`` or ``source``, or a knowledge base
            without ``facts``.
        VerificationError: the rules engine and the reference evaluator disagree (an internal error).
    """
    if isinstance(session, Session):
        if facts is not None or assumptions is not None or source is not None:
            raise TypeError("build_context: facts, assumptions and source are the session's; pass a session alone")
    else:
        if facts is None:
            raise TypeError("build_context: a knowledge base needs the fact file (build_context(kb, facts))")
        session = Session(session, facts, assumptions, verify=verify, source=source)
    if layout not in LAYOUTS:
        raise UserInputError([Problem.of_parameter("layout", str(layout), f"expected one of {', '.join(LAYOUTS)}"
                                                   f"{documents.suggest(str(layout), LAYOUTS)}")])
    result = session.assessment
    goal = None
    if target is not None or next_level(result.maturity_level) is not None:
        goal = roadmap.resolve_target(session.kb, target, result.maturity_level)
    explanation: LevelExplanation | None = None
    framework_why: FrameworkExplanation | None = None
    plan: Roadmap | None = None
    unavailable: str | None = None
    if goal is not None:
        if goal.kind == "maturity":
            explanation = explain.level_explanation(session, goal.level, furthest=False)
            plan, unavailable = _roadmap(session, goal.level, capacity)
        else:
            assert goal.framework is not None
            framework_why = explain.framework_explanation(session, goal.framework, goal.level)
            plan, unavailable = _roadmap(session, (goal.framework, goal.level), capacity)
    cw = _crosswalk(session) if appendix else None
    context = _context(session.kb, session.facts, result, goal, plan, explanation, cw)
    # The caller's options are validated, unless they are what validation keeps as it is (a layout checked above as
    # a plain str, a bool).
    options = (made(ReportOptions, layout=layout, appendix=appendix) if type(layout) is str and type(appendix) is bool
               else ReportOptions(layout=layout, appendix=appendix))
    return context.model_copy(update={
        "report": options,
        "roadmap_unavailable": unavailable,
        "framework_explanation": framework_why,
        "summary": summarize(session),
    })


def _roadmap(session: Session, level: int | tuple[str, int],
             capacity: float | None) -> tuple[Roadmap | None, str | None]:
    """The roadmap toward ``level``, or why there is none: a target no plan can reach is part of the report (the
    explanation shows what stands in the way), not an error. A bad ``capacity`` still is one."""
    try:
        return roadmap.plan(session, target=level, capacity=capacity), None
    except UserInputError as exc:
        # The level is checked already: a problem about the target can only be that no plan reaches it.
        if not exc.problems or any(p.parameter != "target" for p in exc.problems):
            raise
        return None, "; ".join(p.message for p in exc.problems)


def _crosswalk(session: Session) -> "Crosswalk":
    # The crosswalk depends on the knowledge base alone (no fact file); it is computed once per fingerprint.
    from mlops_maturity.engine.crosswalk import crosswalk

    return crosswalk(session.kb, verify=session.verify)


def facts_from_assessment(assessment: Assessment, kb: KnowledgeBase) -> tuple[FactFile, dict[str, str]]:
    """Rebuild the fact file and the assumptions of an assessment (for :func:`render` given an Assessment).

    The organization, date, assessor, scope, context attributes, every observation (status, evidence, note,
    date, reason), every direct characterization of a CMMI practice and every process area out of scope come
    back as the fact file stated them, so assessing the result again gives the same assessment. One thing an
    assessment does not record is the fact file's own status of a practice that an assumption overrode: such a
    practice comes back with the assumed status when it carries evidence, a note or a date (so they are kept),
    and is left out otherwise; either way the assumption decides its status again.

    Raises:
        UserInputError: the assessment was made with another knowledge base (its fingerprint differs from
            ``kb``'s): re-assessing would not give the same result.
    """
    if assessment.knowledge_base != kb.fingerprint:
        raise UserInputError([Problem(
            assessment.source or "the assessment", "knowledge_base",
            f"the assessment was made with another knowledge base ({assessment.knowledge_base}; this one is "
            f"{kb.fingerprint}): assess the fact file again with this knowledge base, or pass the knowledge base "
            "it was made with",
        )])
    practices = {}
    for p in assessment.practices:
        if p.status == "not_observed":
            continue
        if p.assumed and not (p.evidence or p.note or p.observed_on):
            continue
        practices[p.id] = Observation(status=Characterization(p.status), evidence=list(p.evidence), note=p.note,
                                      observed_on=p.observed_on, reason=p.reason)
    direct = {}
    for goal in _all_goals(assessment):
        for mp in goal.practices:
            if mp.direct is not None and not mp.inherited:
                direct[mp.id] = DirectCharacterization(status=Characterization(mp.direct.status),
                                                       rationale=mp.direct.rationale, evidence=mp.direct.evidence)
    scoped = {pa.id: pa.out_of_scope_reason or "out of scope" for pa in assessment.process_areas
              if pa.status == "out_of_scope"}
    facts = FactFile(organization=assessment.organization, assessed_on=assessment.assessed_on,
                     assessor=assessment.assessor, scope=assessment.scope, context=dict(assessment.context),
                     practices=practices, model_practices=dict(sorted(direct.items())), out_of_scope=scoped)
    return facts, {a.practice: a.status for a in assessment.assumptions}


def _all_goals(a: Assessment) -> list[GoalResult]:
    """Every goal of an assessment: each area's specific and own generic goals, then the organization's."""
    return [g for pa in a.process_areas for g in (*pa.goals, *pa.generic_goals)] + list(a.generic_goals)


def capability_label(value: int | None, status: str) -> str:
    """A capability level for display: the number, ``not rated`` or ``out of scope``."""
    return words.capability(value, status)


def _context(
    kb: KnowledgeBase,
    facts: FactFile,
    a: Assessment,
    aim: Target | None,
    plan: Roadmap | None,
    explanation: LevelExplanation | None,
    cw: "Crosswalk | None",
) -> ReportContext:
    levels = {lv.level: lv for lv in kb.maturity_levels}
    current = levels[a.maturity_level]
    target = aim.level if aim is not None and aim.kind == "maturity" else None
    needed = required_capability(target) if target is not None and target >= 2 else None
    direct_rows: list[DirectRow] = []
    for goal in _all_goals(a):
        for mp in goal.practices:
            if mp.direct is not None and not mp.inherited:
                model = kb.model_practices[mp.id]
                direct_rows.append(made(DirectRow, id=mp.id, name=mp.name, goal=goal.id,
                                        process_area=model.process_area, status=mp.direct.status,
                                        rationale=mp.direct.rationale, evidence=list(mp.direct.evidence)))
    areas = []
    for pa_result in a.process_areas:
        pa = kb.process_area[pa_result.id]
        in_target = needed is not None and target is not None and pa.maturity_level <= target
        scoped = pa_result.status == "out_of_scope"
        meets = scoped or (pa_result.capability_level is not None and pa_result.capability_level >= (needed or 0))
        areas.append(made(ProcessAreaRow,
            id=pa.id, name=pa.name, category=pa.category.value, maturity_level=pa.maturity_level,
            purpose=pa.purpose, ml_interpretation=pa.ml_interpretation, status=pa_result.status,
            capability_level=pa_result.capability_level,
            capability_label=capability_label(pa_result.capability_level, pa_result.status),
            out_of_scope_reason=pa_result.out_of_scope_reason, coverage=pa_result.coverage,
            target_capability=needed if in_target else None,
            meets_target=meets if in_target else None,
            goals=list(pa_result.goals), generic_goals=list(pa_result.generic_goals),
            direct=[d.id for d in direct_rows if d.process_area == pa.id],
        ))
    frameworks = []
    for fw_result in a.frameworks:
        fw = kb.frameworks[fw_result.id]
        described = {lv.level: lv.description for lv in fw.levels}
        verdict = fw.article_verdict
        frameworks.append(made(FrameworkRow,
            id=fw.id, name=fw.name, publisher=fw.publisher, provenance=fw_result.provenance,
            provenance_note=fw.provenance_note, level=fw_result.level, level_name=fw_result.level_name,
            highest_met=fw_result.highest_met, next_level=fw_result.next_level,
            next_level_status=fw_result.next_level_status,
            lowest_level=fw.levels[0].level, highest_level=fw.levels[-1].level,
            levels=[made(FrameworkLevelRow, level=lv.level, name=lv.name, description=described[lv.level],
                         status=lv.status, met=lv.met, reached=lv.reached, coverage=lv.coverage,
                         missing=list(lv.missing), failed=list(lv.failed), unknown=list(lv.unknown),
                         optional=list(lv.optional)) for lv in fw_result.levels],
            article_verdict=verdict.text if verdict else None,
            article_near_miss=bool(verdict and verdict.near_miss),
        ))
    practices = []
    for p in a.practices:
        practice = kb.practices[p.id]
        implements = list(p.implements)
        goals = sorted({kb.model_practices[m].goal for m in implements})
        practices.append(made(PracticeRow,
            id=p.id, name=p.name, dimension=practice.dimension.value, status=p.status,
            status_meaning=words.characterization(p.status), satisfied=p.satisfied, ready=p.ready,
            blocked_by=list(p.blocked_by),
            evidence=list(p.evidence), note=p.note, observed_on=p.observed_on, reason=p.reason, assumed=p.assumed,
            implements=implements, goals=goals,
            process_areas=sorted({area for m in implements if (area := kb.model_practices[m].process_area)}),
            serving_level=kb.serving_level[p.id],
            frameworks=[f"{fid}:{lv}" for fid, lv in kb.framework_practices.get(p.id, [])],
        ))
    by_status = {s: 0 for s in ("FI", "LI", "PI", "NI", "NY", "NA", "not_observed")}
    for p in a.practices:
        by_status[p.status] += 1
    return made(ReportContext,
        tool=made(ToolInfo, name="mlops-maturity", version=tool_version()),
        organization=made(OrganizationInfo,
            name=facts.organization, assessed_on=facts.assessed_on, assessor=facts.assessor, scope=facts.scope,
            source=a.source, context=dict(sorted(facts.context.items())),
        ),
        knowledge_base=a.knowledge_base,
        maturity=made(MaturityInfo,
            level=a.maturity_level, name=a.maturity_level_name, description=current.description,
            ml_meaning=current.ml_meaning, next_level=next_level(a.maturity_level),
            levels=[made(LevelInfo, level=lv.level, name=lv.name, description=lv.description,
                         ml_meaning=lv.ml_meaning, median_months_from_previous=lv.median_months_from_previous,
                         reached=lv.level <= a.maturity_level) for lv in kb.maturity_levels],
        ),
        report=made(ReportOptions, layout="full", appendix=cw is not None),
        target=_target_info(a, aim, needed),
        capability_levels=[made(CapabilityLevelInfo, level=n, name=name, meaning=m)
                           for n, name, m in _CAPABILITY_LEVELS],
        process_areas=areas,
        generic_goals=list(a.generic_goals),
        target_profiles=[made(TargetProfileRow, level=t.level, name=kb.level_name(t.level), met=t.met,
                              coverage=t.coverage, areas_short=list(t.areas_short)) for t in a.target_profiles],
        heat_map=_heat_map(areas, practices),
        direct_practices=direct_rows,
        frameworks=frameworks,
        findings=list(a.findings),
        practices=practices,
        practice_summary=made(PracticeSummary,
            total=len(a.practices), observed=len(a.practices) - by_status["not_observed"],
            satisfied=sum(p.satisfied for p in a.practices), ready=sum(p.ready for p in a.practices),
            by_status=by_status,
        ),
        assumptions=list(a.assumptions),
        warnings=list(a.warnings),
        roadmap=plan,
        roadmap_unavailable=None,
        explanation=explanation,
        crosswalk=cw,
    )


def _target_info(a: Assessment, goal: Target | None, needed: int | None) -> TargetInfo:
    if goal is None:
        return made(TargetInfo, kind="maturity", framework=None, level=None, name=None, label=None, reached=False,
                                required_capability=None)
    if goal.kind == "maturity":
        reached = a.maturity_level >= goal.level
    else:
        level = a.framework(goal.framework or "").level
        reached = level is not None and level >= goal.level
    return made(TargetInfo, kind=goal.kind, framework=goal.framework, level=goal.level, name=goal.name,
                label=goal.label, reached=reached, required_capability=needed)


def _heat_map(areas: list[ProcessAreaRow], practices: list[PracticeRow]) -> HeatMap:
    """Per process area and dimension: the applicable practices implementing the area's CMMI practices, and how
    many of them are satisfied."""
    dimensions = [d.value for d in Dimension]
    counts: dict[tuple[str, str], list[int]] = {}
    for p in practices:
        if p.status == "NA":
            continue
        for area in p.process_areas:
            cell = counts.setdefault((area, p.dimension), [0, 0])
            cell[0] += p.satisfied
            cell[1] += 1
    rows = []
    for pa in areas:
        cells = []
        for d in dimensions:
            satisfied, total = counts.get((pa.id, d), (0, 0))
            cells.append(made(HeatMapCell, dimension=d, satisfied=satisfied, total=total,
                                           percent=(satisfied * 100 + total // 2) // total if total else None))
        rows.append(made(HeatMapRow, process_area=pa.id, name=pa.name, maturity_level=pa.maturity_level,
                                     capability_label=pa.capability_label, cells=cells))
    return made(HeatMap, dimensions=dimensions, rows=rows)


# --- filters and globals --------------------------------------------------------------------------------------------


# The display words are the vocabulary's (engine/words.py): one word for one thing in every format.
characterization = words.characterization
status_label = words.rating
capability = words.capability
practice_class = words.practice_class
md_cell = words.md_cell
effort = words.effort
plural = words.plural


def heat_color(percent: int | None, prefix: str = "") -> str:
    """The heat-map colour of a cell's percentage as ``RRGGBB`` (Word's form; ``prefix="#"`` for CSS)."""
    from mlops_maturity.engine.charts import heat_bin

    return prefix + heat_bin(percent)[1].lstrip("#").upper()


FILTERS: dict[str, Callable[..., Any]] = {
    "characterization": characterization,
    "status_label": status_label,
    "capability": capability,
    "practice_class": practice_class,
    "md_cell": md_cell,
    "effort": effort,
    "plural": plural,
    "heat_color": heat_color,
    "approx_effort": words.approx_effort,
    "plain_number": words.plain_number,
}
"""Filters every report template can use (pure functions; registered by :func:`register_jinja` as well)."""


# --- the sandbox ----------------------------------------------------------------------------------------------------


@dataclass
class _Budget:
    started: float
    range_items: int = 0
    max_string: int = MAX_STRING
    max_output: int = MAX_OUTPUT

    @classmethod
    def for_data(cls, data: Any) -> "_Budget":
        """Limits that grow with the data rendered: a large fact file must still render with the built-in
        templates, while a template can only amplify its input by a bounded factor."""
        size = len(json.dumps(data, default=str, ensure_ascii=False))
        return cls(time.monotonic(), max_string=max(MAX_STRING, 4 * size), max_output=max(MAX_OUTPUT, 8 * size))


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("report_budget", default=None)


def _spend(items: int = 0) -> None:
    budget = _budget.get()
    if budget is None:
        return
    budget.range_items += items
    if budget.range_items > MAX_RANGE_TOTAL:
        raise SecurityError(f"the template's ranges create more than {MAX_RANGE_TOTAL} items in total")
    if time.monotonic() - budget.started > MAX_SECONDS:
        raise SecurityError(f"the template ran longer than {MAX_SECONDS:g} seconds")


def _sized(value: Any, what: str) -> Any:
    budget = _budget.get()
    limit = budget.max_string if budget is not None else MAX_STRING
    if isinstance(value, (str, list, tuple, bytes)) and len(value) > limit:
        raise SecurityError(f"{what} would produce {len(value)} items; templates may produce at most {limit}")
    return value


def _bounded_range(*args: int) -> range:
    """``range()`` for templates: at most :data:`MAX_RANGE` items per call and a total budget per rendering."""
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range{args!r} has {len(rng)} items; templates may use at most {MAX_RANGE}")
    _spend(len(rng))
    return rng


class _BoundedNamespace(Namespace):
    """``namespace()`` whose attributes cannot grow past :data:`MAX_STRING` (no doubling a string in a loop)."""

    def __setitem__(self, name: str, value: Any) -> None:
        _sized(value, f"namespace attribute {name!r}")
        _spend()
        super().__setitem__(name, value)


def _check_width(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], keys: tuple[str, ...]) -> None:
    values = list(args[:1]) + [kwargs[k] for k in keys if k in kwargs]
    for value in values:
        if isinstance(value, int) and not isinstance(value, bool) and value > MAX_WIDTH:
            raise SecurityError(f"{name}({value}) exceeds the largest width templates may use ({MAX_WIDTH})")


def _guard_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter: widths bounded, results bounded in size, time checked."""
    keys = _WIDTH_FILTERS.get(name)
    # Filters marked pass_context/pass_environment/pass_eval_context get that object as first argument.
    skip = 2 if hasattr(func, "jinja_pass_arg") else 1

    def guarded(*args: Any, **kwargs: Any) -> Any:
        _spend()
        if keys is not None:
            # The value being filtered comes first; the width is the next positional argument or a keyword.
            _check_width(name, args[skip:], kwargs, keys)
        return _sized(func(*args, **kwargs), f"filter {name!r}")

    guarded.__name__ = getattr(func, "__name__", name)
    guarded.__doc__ = func.__doc__
    if hasattr(func, "jinja_pass_arg"):
        guarded.jinja_pass_arg = func.jinja_pass_arg  # type: ignore[attr-defined]
    return guarded


class BoundedTemplate(jinja2.Template):
    """A template whose rendering is capped in output size and time (used by :class:`ReportSandbox`)."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Render, stopping at :data:`MAX_OUTPUT` characters or :data:`MAX_SECONDS`."""
        budget = _budget.get() or _Budget.for_data([args, kwargs])
        token = _budget.set(budget)
        try:
            size = 0
            parts = []
            for chunk in self.generate(*args, **kwargs):
                size += len(chunk)
                if size > budget.max_output:
                    raise SecurityError(f"the rendered output exceeds {budget.max_output} characters")
                _spend()
                parts.append(chunk)
            return "".join(parts)
        finally:
            _budget.reset(token)


class ReportSandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, stricter: errors instead of undefined values for unsafe attributes, bounded
    ``range()``, bounded string growth by operators, calls and filters, capped output size and time."""

    intercepted_binops = frozenset({"*", "**", "%", "+", "//"})
    template_class = BoundedTemplate

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, **kwargs)
        self.globals.pop("lipsum", None)
        self.globals["range"] = _bounded_range
        self.globals["namespace"] = _BoundedNamespace
        self.filters = {name: _guard_filter(name, f) for name, f in self.filters.items()}
        for name, func in FILTERS.items():
            self.filters[name] = _guard_filter(name, func)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """No attribute whose name starts with an underscore, nothing internal, nothing that mutates."""
        _spend()
        return super().is_safe_attribute(obj, attr, value)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``x.name``: private and dunder names are refused whether or not they exist."""
        if isinstance(attribute, str) and attribute.startswith("_"):
            self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        """``x["name"]``: private and dunder names are refused whether or not they exist."""
        if isinstance(argument, str) and argument.startswith("_"):
            self.unsafe_undefined(obj, argument)
        return super().getitem(obj, argument)

    def unsafe_undefined(self, obj: Any, attribute: str) -> jinja2.Undefined:
        """Fail at once (never an undefined value a template could test for)."""
        kind = "private attribute" if attribute.startswith("_") else "attribute"
        raise SecurityError(f"access to {kind} {attribute!r} of a {type(obj).__name__!r} object is not allowed "
                            "in report templates")

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``str.format`` with widths bounded (``"{:>999999999}".format(x)`` is refused)."""
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        spec = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            if _FORMAT_WIDTH.search(spec):
                raise SecurityError(f"format string {spec[:40]!r} uses a width beyond what templates may use")
            for arg in list(args) + list(kwargs.values()):
                _sized(arg, "str.format argument")
            return _sized(wrapped(*args, **kwargs), "str.format")

        return checked

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """Operators that can grow values: checked before they run."""
        _spend()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_STRING:
                    raise SecurityError(f"{type(seq).__name__} * {times} would produce {len(seq) * times} items; "
                                        f"templates may produce at most {MAX_STRING}")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int):
            if right > 64 and abs(left) > 1:
                raise SecurityError(f"{left} ** {right} is larger than templates may compute")
        elif operator == "%" and isinstance(left, str) and _FORMAT_WIDTH.search(left):
            raise SecurityError(f"format string {left[:40]!r} uses a width beyond what templates may use")
        return _sized(super().call_binop(context, operator, left, right), f"operator {operator!r}")

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        """Calls: widths of padding methods bounded; arguments and results bounded in size."""
        _spend()
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str) and name in _WIDTH_METHODS:
            _check_width(f"str.{name}", args, kwargs, ())
        for value in list(args) + list(kwargs.values()):
            _sized(value, f"an argument of {name or 'a call'}")
        return _sized(super().call(__context, __obj, *args, **kwargs), f"{name or 'a call'}")


def builtin_template_dir() -> Path:
    """Where the built-in templates live (inside the installed package)."""
    return Path(str(resources.files("mlops_maturity.engine") / "templates"))


def _autoescaper(entry_format: str) -> Callable[[str | None], bool]:
    """HTML-named templates are escaped; so are templates of no known format (partials like ``header.j2`` or
    ``brand.css.j2``) when the report is HTML. Markdown and text templates never are."""

    def autoescape(name: str | None) -> bool:
        if name is None:
            return entry_format == "html"
        fmt = template_format(name)
        return fmt == "html" or (fmt == "text" and entry_format == "html" and not name.lower().endswith(".txt.j2"))

    return autoescape


class _TrustedEnvironment(jinja2.Environment):
    """The environment of the built-in templates rendered on their own: :class:`ReportSandbox`'s settings, filters
    and globals, without its accounting on every attribute, call and operator (the built-ins are this tool's code;
    the same template renders to the same bytes in both)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, **kwargs)
        self.globals.pop("lipsum", None)
        self.filters.update(FILTERS)

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``x.name``, as :meth:`jinja2.Environment.getattr` gives it, quicker on the context's dicts: a plain dict
        has only its class's attributes, so a name that is not one is looked up as a key without first failing
        (and raising) as an attribute."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))
"""Every attribute a plain ``dict`` instance has (it has no ``__dict__``: all of them come from its class)."""


@lru_cache(maxsize=32)
def _environment(template_dir: str, entry_format: str, sandboxed: bool = True) -> jinja2.Environment:
    """The environment for one template directory ('' for the built-ins) and report format, built once.

    ``sandboxed=False`` (the built-ins alone, ``template_dir`` empty) gives :class:`_TrustedEnvironment`; its
    compiled templates are cached apart from the sandbox's, whose compiled code routes operators and calls through
    the sandbox."""
    if template_dir and not sandboxed:
        raise ValueError("a firm's template directory always renders in the sandbox")
    builtin = jinja2.PrefixLoader({"builtin": jinja2.FileSystemLoader(builtin_template_dir())})
    loader: jinja2.BaseLoader = builtin
    if template_dir:
        loader = jinja2.ChoiceLoader([builtin, jinja2.FileSystemLoader(template_dir)])
    cache = _bytecode_cache(entry_format if sandboxed else f"{entry_format}-trusted")
    kind: type[jinja2.Environment] = ReportSandbox if sandboxed else _TrustedEnvironment
    if entry_format == "docx":
        # docxtpl renders the Word XML from strings: always escaped, no trimming (docxtpl's own convention).
        return kind(loader=loader, autoescape=True, bytecode_cache=cache)
    # Text templates trim the newline after a block tag and the indentation before it (readable templates).
    return kind(loader=loader, autoescape=_autoescaper(entry_format), trim_blocks=True, lstrip_blocks=True,
                bytecode_cache=cache)


def _bytecode_cache(tag: str) -> jinja2.BytecodeCache | None:
    """Compiled templates kept beside the cached knowledge base (compiling the built-in report costs more than
    rendering it). A cache file is keyed by the template's name and the checksum of its source; the file name also
    carries ``tag`` (the report format, and whether the environment is the sandbox) and this tool's version, since
    the compiled code depends on the environment's settings. ``MLOPS_MATURITY_NO_CACHE`` turns it off, like the
    knowledge-base cache; a directory that cannot be created means no cache, never an error."""
    from mlops_maturity.engine.kb import cache_directory

    directory = cache_directory()
    if directory is None:
        return None
    folder = directory / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    tag = re.sub(r"[^A-Za-z0-9.+-]", "_", f"{tool_version()}-{jinja2.__version__}-{tag}")
    return _SafeBytecodeCache(str(folder), f"report-{tag}-%s.cache")


class _SafeBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A bytecode cache whose failures (a read-only or full disk) only cost the compile time."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_format(name: str) -> ReportFormat:
    """The output format a template produces, from its file name (``x.html.j2`` -> html, ``x.md.j2`` -> markdown)."""
    lowered = name.lower()
    for suffix in (".j2", ".jinja2", ".jinja"):
        if lowered.endswith(suffix):
            lowered = lowered[: -len(suffix)]
    if lowered.endswith(".docx"):
        return "docx"
    if lowered.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if lowered.endswith((".md", ".markdown")):
        return "markdown"
    return "text"


# --- templates ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateRef:
    """A resolved template: a Jinja2 template in a directory, or a ``.docx`` file."""

    spec: str
    format: ReportFormat
    name: str
    """Jinja2 name of the entry template, or the path of the ``.docx``."""
    directory: str
    """The user's template directory ('' for the built-ins)."""


TemplateSpec = str | Path | TemplateRef
"""A template as :func:`render` and :func:`report_file` take it: a built-in name, a path, or already resolved."""


def resolve_template(template: TemplateSpec) -> TemplateRef:
    """Find a template: a built-in name, a ``.docx`` file, a Jinja2 template file, or a directory with one
    ``report.*`` template in it. A :class:`TemplateRef` (resolved already) is returned as is.

    A built-in name wins over a file of the same name; anything else is a path.

    Raises:
        UserInputError: no such template, or a directory without exactly one ``report.*`` entry template.
    """
    if isinstance(template, TemplateRef):
        return template
    spec = str(template)
    if spec in BUILTIN_TEMPLATES:
        name = BUILTIN_TEMPLATES[spec]
        if spec == "docx":
            return TemplateRef(spec, "docx", str(builtin_template_dir() / name), "")
        return TemplateRef(spec, template_format(name), name, "")
    path = Path(template)
    if not path.exists():
        hint = documents.suggest(spec, list(BUILTIN_TEMPLATES))
        raise UserInputError([Problem(spec, "", "template not found: expected a built-in template "
                                      f"({', '.join(BUILTIN_TEMPLATES)}), a template file or a directory{hint}")])
    if path.is_dir():
        entries = sorted(p.name for p in path.iterdir() if p.is_file() and p.name.startswith("report."))
        if len(entries) != 1:
            found = ", ".join(entries) or "none"
            raise UserInputError([Problem(spec, "", "a template directory needs exactly one entry template named "
                                          f"report.<format>.j2 (e.g. report.html.j2) or report.docx; found: {found}")])
        path = path / entries[0]
    fmt = template_format(path.name)
    if fmt == "docx":
        return TemplateRef(spec, "docx", str(path.resolve()), "")
    return TemplateRef(spec, fmt, path.name, str(path.parent.resolve()))


def _template_location(exc: BaseException, ref: TemplateRef) -> tuple[str, int | None]:
    """The template and line where an exception was raised (the innermost template frame of the traceback)."""
    where: tuple[str, int | None] = (_display_name(getattr(exc, "filename", None) or getattr(exc, "name", None), ref),
                                     getattr(exc, "lineno", None))
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return where
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name in ("top-level template code", "template") or code.co_name.startswith("block "):
            where = (_display_name(code.co_filename, ref), tb.tb_lineno)
        tb = tb.tb_next
    return where


def _display_name(filename: str | None, ref: TemplateRef) -> str:
    if not filename or filename == "<template>":
        return Path(ref.name).name if ref.format == "docx" else ref.name
    path = Path(filename)
    for prefix, root in (("builtin/", builtin_template_dir()), ("", Path(ref.directory) if ref.directory else None)):
        if root is not None:
            try:
                return prefix + path.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                continue
    return filename


def _template_error(exc: BaseException, ref: TemplateRef, part: str | None = None) -> UserInputError:
    """A template failure as a located user error: template, line, and the offending name."""
    name, line = _template_location(exc, ref)
    if part:
        name = f"{name} ({part})"
    if isinstance(exc, jinja2.TemplateNotFound):
        message = f"template {exc.name!r} not found (built-in templates are under 'builtin/', e.g. " \
                  f"'builtin/report.html.j2', 'builtin/macros.html.j2')"
    elif isinstance(exc, jinja2.UndefinedError):
        message = f"undefined: {exc.message}"
    elif isinstance(exc, SecurityError):
        message = f"not allowed: {exc}"
    elif isinstance(exc, jinja2.TemplateSyntaxError):
        message = f"syntax error: {exc.message}"
    elif isinstance(exc, RecursionError):
        message = "recursion too deep (a macro calls itself without end?)"
    else:
        message = f"{type(exc).__name__}: {exc}"
    return UserInputError([Problem(f"template {name}", "", message, line)])


# --- charts inside templates --------------------------------------------------------------------------------------


def _chart_function(ctx: ReportContext, fmt: ReportFormat, enabled: bool, docx: Any = None) -> Callable[..., Any]:
    """The ``chart(name)`` function templates call: inline SVG in HTML (drawn without matplotlib, so an HTML report
    never imports it), a PNG image in Word, a PNG data URI elsewhere."""
    from mlops_maturity.engine import charts

    cache: dict[str, Any] = {}

    def chart(name: str, width_mm: int = 160) -> Any:
        if name not in charts.CHARTS:
            valid = ", ".join(charts.CHARTS)
            raise UserInputError(f"unknown chart {name!r}; valid: {valid}{documents.suggest(name, charts.CHARTS)}")
        key = f"{name}:{width_mm}"
        if key in cache:
            return cache[key]
        if not enabled:
            value: Any = Markup(f'<div class="chart-placeholder" data-chart="{name}"></div>') if fmt == "html" \
                else f"[chart: {name}]"
        elif fmt == "html":
            value = Markup(charts.chart_svg(ctx, name))  # drawn directly: no plotting library on this path
        elif fmt == "docx":
            from docx.shared import Mm
            from docxtpl import InlineImage

            value = InlineImage(docx, io.BytesIO(charts.render_chart(ctx, name, "png")), width=Mm(width_mm))
        else:
            data = base64.b64encode(charts.render_chart(ctx, name, "png")).decode("ascii")
            value = f"![{charts.CHARTS[name].title}](data:image/png;base64,{data})"
        cache[key] = value
        return value

    return chart


# --- rendering ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedReport:
    """A rendered report: its format and its bytes (UTF-8 text for Markdown, HTML and text), and the fact file's
    warnings (the context's ``warnings``: what works but should change), for a caller to show beside it."""

    format: ReportFormat
    content: bytes
    warnings: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The report as text (not for ``docx``)."""
        if self.format == "docx":
            raise ValueError("a docx report is binary; use .content")
        return self.content.decode("utf-8")

    @property
    def media_type(self) -> str:
        """The report's MIME type."""
        return MEDIA_TYPES[self.format]


ReportSubject = ReportContext | Session | Assessment | FactFile


def render(
    subject: ReportSubject,
    template: TemplateSpec = "markdown",
    *,
    kb: KnowledgeBase | None = None,
    target: TargetSpec = None,
    capacity: float | None = None,
    assumptions: Mapping[str, str] | None = None,
    verify: bool = True,
    charts: bool = True,
    layout: Layout = "full",
    appendix: bool = False,
) -> RenderedReport:
    """Render a report.

    Args:
        subject: a :class:`ReportContext` (rendered as is), a :class:`Session` (its assessment is used; ``kb``,
            ``assumptions`` and ``verify`` are the session's), a :class:`FactFile` (assessed first) or an
            :class:`Assessment` (its fact file is rebuilt from it, see :func:`facts_from_assessment`, and assessed
            again with ``kb``, which must be the knowledge base it was made with).
        template: ``markdown``, ``html``, ``docx``, the path of a template file or directory, or a
            :class:`TemplateRef` from :func:`resolve_template`.
        kb: the knowledge base for a fact file or assessment (default: the shipped one).
        target: the level the roadmap and explanation aim at: a maturity level, ``(framework, level)`` or
            ``"google:2"`` (default: the next maturity level).
        capacity: person-weeks per quarter for the roadmap's waves (default: unbounded waves).
        assumptions: what-if statuses for a fact file.
        verify: cross-check the rules engine against the reference evaluator.
        charts: draw the charts (False leaves a placeholder: quicker, and independent of the plotting library).
        layout, appendix: see :func:`build_context` (ignored when ``subject`` is a context already).

    Raises:
        UserInputError: the template is missing, fails, or tries to leave the sandbox (located: template, line);
            the target is not a maturity level 1-5; an assessment made with another knowledge base.
    """
    ref = resolve_template(template)
    context = to_context(subject, kb=kb, target=target, capacity=capacity, assumptions=assumptions, verify=verify,
                         layout=layout, appendix=appendix)
    return _render_context(context, ref, charts, sandboxed=not _is_builtin(ref))


def _is_builtin(ref: TemplateRef) -> bool:
    """Whether a template is a built-in one, so that everything it loads is built-in too: a Jinja2 template without
    a directory of its own (its loader holds the built-ins alone), or the built-in Word template itself."""
    if ref.directory:
        return False
    return ref.format != "docx" or Path(ref.name) == builtin_template_dir() / BUILTIN_TEMPLATES["docx"]


def _render_context(context: ReportContext, ref: TemplateRef, charts: bool, *, sandboxed: bool) -> RenderedReport:
    """Render a context through a resolved template; ``sandboxed=False`` only for a built-in template (see
    :func:`_is_builtin`). Tests render the built-ins both ways and compare the bytes: the sandbox is the reference."""
    if not sandboxed and not _is_builtin(ref):
        raise ValueError(f"{ref.spec}: a firm's template always renders in the sandbox")
    if ref.format == "docx":
        return RenderedReport("docx", _render_docx(ref, context, charts, sandboxed), tuple(context.warnings))
    env = _environment(ref.directory, ref.format, sandboxed)
    data = context.template_data()
    data["chart"] = _chart_function(context, ref.format, charts)
    try:
        text = env.get_template(ref.name).render(data)
    except UserInputError as exc:
        name, line = _template_location(exc, ref)
        raise UserInputError([Problem(f"template {name}", "", str(exc), line)]) from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError, RecursionError,
            AttributeError, MemoryError) as exc:
        raise _template_error(exc, ref) from None
    return RenderedReport(ref.format, text.encode("utf-8"), tuple(context.warnings))


def to_context(
    subject: ReportSubject,
    *,
    kb: KnowledgeBase | None = None,
    target: TargetSpec = None,
    capacity: float | None = None,
    assumptions: Mapping[str, str] | None = None,
    verify: bool = True,
    layout: Layout = "full",
    appendix: bool = False,
) -> ReportContext:
    """The report context of a fact file or an assessment (a context is returned as is; a :class:`Session` is
    used as it is, its assessment not repeated)."""
    if isinstance(subject, ReportContext):
        return subject
    options: dict[str, Any] = {"target": target, "capacity": capacity, "layout": layout, "appendix": appendix}
    if isinstance(subject, Session):
        return build_context(subject, **options)
    kb = kb or load_knowledge_base()
    if isinstance(subject, Assessment):
        facts, assumed = facts_from_assessment(subject, kb)
        session = Session(kb, facts, {**assumed, **(assumptions or {})}, verify=verify, source=subject.source)
    else:
        session = Session(kb, subject, assumptions, verify=verify)
    return build_context(session, **options)


def _check_docx_template(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
            if "word/document.xml" not in archive.namelist():
                raise UserInputError([Problem(str(path), "", "not a Word document (no word/document.xml)")])
    except zipfile.BadZipFile:
        raise UserInputError([Problem(str(path), "", "not a Word .docx file (not a zip archive)")]) from None
    if size > MAX_DOCX_TEMPLATE:
        raise UserInputError([Problem(str(path), "", f"the template unpacks to {size} bytes; "
                                      f"at most {MAX_DOCX_TEMPLATE} are accepted")])


def _render_docx(ref: TemplateRef, context: ReportContext, charts: bool, sandboxed: bool = True) -> bytes:
    from docxtpl import DocxTemplate

    path = Path(ref.name)
    _check_docx_template(path)
    document = DocxTemplate(str(path))
    data = context.template_data()
    data["chart"] = _chart_function(context, "docx", charts, document)
    env = _environment("", "docx", sandboxed)
    try:
        document.render(data, jinja_env=env)
    except UserInputError as exc:
        raise UserInputError([Problem(f"template {path.name}", "", str(exc))]) from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError, RecursionError,
            AttributeError, MemoryError) as exc:
        part = getattr(getattr(document, "current_rendering_part", None), "partname", None)
        raise _template_error(exc, ref, f"part {part}" if part else None) from None
    buffer = io.BytesIO()
    document.save(buffer)
    return normalize_docx(buffer.getvalue())


_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def normalize_docx(data: bytes) -> bytes:
    """Rewrite a .docx archive with fixed timestamps and sorted-as-written entries, so equal input gives equal
    bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def report_file(
    path: Path,
    *,
    template: TemplateSpec = "markdown",
    target: TargetSpec = None,
    capacity: float | None = None,
    kb_dir: Path | None = None,
    assume: list[str] | tuple[str, ...] = (),
    verify: bool = True,
    charts: bool = True,
    max_evidence_age: int | None = None,
    layout: Layout = "full",
    appendix: bool = False,
) -> RenderedReport:
    """Load a fact file and render its report (what ``maturity report`` does); ``max_evidence_age`` (days) is the
    session's (stale evidence, listed among the warnings).

    The template is resolved first (once; pass a :class:`TemplateRef` to reuse one already resolved), so a
    missing template fails before any inference runs.

    Raises:
        UserInputError: bad fact file, template, target, capacity or assumption; a template that fails.
    """
    from mlops_maturity.engine.assessment import parse_assumptions
    from mlops_maturity.engine.facts import load_fact_file

    ref = resolve_template(template)
    kb = load_knowledge_base(kb_dir)
    facts = load_fact_file(path, kb)
    session = Session(kb, facts, parse_assumptions(list(assume), kb), verify=verify, source=str(path),
                      max_evidence_age=max_evidence_age)
    context = build_context(session, target=target, capacity=capacity, layout=layout, appendix=appendix)
    return render(context, ref, charts=charts)


# --- embedding in a firm's own Jinja2 environment -------------------------------------------------------------------


def _engine_globals(kb_dir: Path | None) -> dict[str, Callable[..., Any]]:
    @lru_cache(maxsize=1)
    def knowledge() -> KnowledgeBase:
        return load_knowledge_base(kb_dir)

    def maturity_context(facts: str | Path, target: int | None = None) -> dict[str, Any]:
        """The report context (as template data) of the fact file at ``facts``."""
        from mlops_maturity.engine.facts import load_fact_file

        kb = knowledge()
        session = Session(kb, load_fact_file(Path(facts), kb), source=str(facts))
        return build_context(session, target=target).template_data()

    def maturity_assess(facts: str | Path) -> dict[str, Any]:
        """The assessment (JSON form, without the trace) of the fact file at ``facts``."""
        from mlops_maturity.engine.facts import load_fact_file

        kb = knowledge()
        result = Session(kb, load_fact_file(Path(facts), kb), source=str(facts)).assessment
        return result.model_dump(mode="json", exclude={"derivations"})

    def maturity_chart(context: Mapping[str, Any], name: str, fmt: str = "svg") -> Any:
        """A chart of a context (from ``maturity_context``): inline SVG markup, or PNG bytes with fmt='png'."""
        from mlops_maturity.engine import charts

        ctx = context if isinstance(context, ReportContext) else ReportContext.model_validate(context)
        if fmt == "png":
            return charts.render_chart(ctx, name, "png")
        return Markup(charts.chart_svg(ctx, name))

    def maturity_level_name(level: int) -> str:
        """The official CMMI name of a maturity level."""
        return knowledge().level_name(int(level))

    return {
        "maturity_context": maturity_context,
        "maturity_assess": maturity_assess,
        "maturity_chart": maturity_chart,
        "maturity_level_name": maturity_level_name,
    }


def register_jinja(
    env: jinja2.Environment, *, kb_dir: Path | None = None, overwrite: bool = False
) -> jinja2.Environment:
    """Add the tool's filters and globals to a firm's own Jinja2 environment.

    Filters: ``characterization``, ``status_label``, ``capability``, ``practice_class``, ``md_cell``, ``effort``,
    ``plural`` (the names the built-in templates and macros use, so ``builtin_loader()`` templates work in ``env``),
    each also as
    ``maturity_<name>``. Globals: ``maturity_context(path, target=None)`` (the report context of a fact file, as
    plain data), ``maturity_assess(path)``, ``maturity_chart(context, name, fmt="svg")`` and
    ``maturity_level_name(n)``. The globals read fact files from disk: register them only in an environment that
    runs your own templates, not third-party ones.

    Args:
        env: the environment to extend (returned, for chaining).
        kb_dir: a knowledge-base overlay directory for the globals.
        overwrite: replace filters or globals of the same name instead of raising.

    Raises:
        ValueError: a name is already taken in ``env`` and ``overwrite`` is false (nothing is registered then).
    """
    filters = {**FILTERS, **{f"maturity_{name}": func for name, func in FILTERS.items()}}
    engine = _engine_globals(kb_dir)
    if not overwrite:
        taken = sorted([n for n in filters if n in env.filters] + [n for n in engine if n in env.globals])
        if taken:
            raise ValueError(f"already defined in this environment: {', '.join(taken)} (pass overwrite=True)")
    env.filters.update(filters)
    env.globals.update(engine)
    return env


def builtin_loader() -> jinja2.BaseLoader:
    """A loader for the built-in templates and macros under the ``builtin/`` prefix, for a firm's own
    environment: ``ChoiceLoader([their_loader, builtin_loader()])``."""
    return jinja2.PrefixLoader({"builtin": jinja2.FileSystemLoader(builtin_template_dir())})
