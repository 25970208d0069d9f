"""The crosswalk: the CMMI maturity level each ML Ops framework's complete practice set reaches, by inference.

For every framework of the knowledge base the crosswalk builds a hypothetical organization that does exactly
what the framework asks for, at every one of its levels, fully (``FI``), and nothing else (every other practice
*not observed*). It assesses that organization with the ordinary inference (:func:`assess`, cross-checked
against the reference evaluator) and reports the computed maturity level beside the seed article's verdict.
Nothing here is written down: change a framework's levels or a practice's goals and the crosswalk follows.
"""

from __future__ import annotations

import datetime as dt

from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.inference import required_capability
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.levels import next_level
from mlops_maturity.engine.results import SCHEMA_VERSION, Result
from pydantic import Field

METHOD = (
    "Each framework's practices (all of its levels) are assumed fully implemented (FI) and every other practice "
    "is left not observed; the CMMI maturity level is then inferred with the ordinary rules, cross-checked "
    "against the reference evaluator."
)

_ASSESSED_ON = dt.date(2000, 1, 1)
"""A fixed date for the hypothetical organizations (never shown; keeps results deterministic)."""


class CrosswalkArticleVerdict(Result):
    """The seed article's judgement of a framework against CMMI."""

    maturity_level: int
    potential_level: int | None = None
    text: str


class CrosswalkProcessArea(Result):
    """A process area as the framework's practice set leaves it."""

    id: str
    name: str
    maturity_level: int
    status: str = Field(description="SCAMPI rating of the specific goals: satisfied, unsatisfied, not_rated.")
    capability_level: int | None


class LevelCoverage(Result):
    """How much of what maturity level N needs a framework's practice set covers."""

    level: int
    required: int = Field(description="Practices evidencing the goals maturity level N rates (levels 2..N, GG2, GG3).")
    covered: int = Field(description="How many of them the framework's practice set includes.")


class CrosswalkRow(Result):
    """One framework: the level its practice set reaches by inference, beside the article's verdict."""

    framework: str
    name: str
    practices: list[str] = Field(description="The framework's practice set, assumed FI (sorted).")
    computed_maturity_level: int
    computed_maturity_level_name: str
    article_verdict: CrosswalkArticleVerdict | None
    agrees: bool | None = Field(
        description="computed_maturity_level equals the article's maturity level; null without a verdict."
    )
    crosswalk_note: str | None = Field(description="The framework file's explanation of a disagreement.")
    framework_level_reached: int | None = Field(
        description="The framework's own level under its practice set (its top level, as a consistency check)."
    )
    process_areas_satisfied: list[CrosswalkProcessArea] = Field(
        description="Process areas whose specific goals the practice set satisfies, with capability level."
    )
    goals_satisfied: list[str] = Field(description="Specific and generic goals the practice set satisfies.")
    generic_goals: dict[str, str] = Field(description="GG2 / GG3 rating under the practice set.")
    blocking_process_areas: list[CrosswalkProcessArea] = Field(
        description="Process areas that keep the practice set from the next maturity level (empty at level 5)."
    )
    coverage: list[LevelCoverage] = Field(description="Share of each maturity level's practices the set covers.")


class Crosswalk(Result):
    """The crosswalk over every framework of the knowledge base."""

    schema_version: str = SCHEMA_VERSION
    knowledge_base: str = Field(description="Fingerprint of the knowledge base used.")
    method: str = METHOD
    rows: list[CrosswalkRow]


def framework_practice_set(kb: KnowledgeBase, framework_id: str) -> list[str]:
    """Every practice a framework calls for, over all of its levels (sorted)."""
    framework = kb.frameworks[framework_id]
    return sorted({pid for level in framework.levels for pid in level.practices})


def level_practices(kb: KnowledgeBase, level: int) -> set[str]:
    """The practices whose goals maturity level ``level`` (2..5) rates: levels 2..N's process areas, GG2, and
    GG3 from level 3."""
    goals = [g.id for pa in kb.process_areas if pa.maturity_level <= level for g in pa.goals]
    goals += [gid for gid, info in kb.goals.items() if info.process_area is None and info.level <= level]
    return {pid for gid in goals for pid in kb.goal_practices[gid]}


def crosswalk_row(kb: KnowledgeBase, framework_id: str, *, verify: bool = True) -> CrosswalkRow:
    """Infer the CMMI maturity level of one framework's complete practice set.

    Args:
        kb: the knowledge base.
        framework_id: the framework to place.
        verify: cross-check the rules engine against the reference evaluator.

    Raises:
        KeyError: the framework is not in the knowledge base.
        VerificationError: the two evaluators disagree (an internal error).
    """
    framework = kb.frameworks[framework_id]
    practices = framework_practice_set(kb, framework_id)
    facts = FactFile(organization=f"crosswalk: {framework.name}", assessed_on=_ASSESSED_ON)
    result = assess(kb, facts, {pid: "FI" for pid in practices}, verify=verify, source=f"crosswalk:{framework_id}")

    def area(pa_id: str) -> CrosswalkProcessArea:
        pa = result.process_area(pa_id)
        return CrosswalkProcessArea(id=pa.id, name=pa.name, maturity_level=pa.maturity_level, status=pa.status,
                                    capability_level=pa.capability_level)

    computed = result.maturity_level
    following = next_level(computed)
    blocking: list[CrosswalkProcessArea] = []
    if following is not None:  # at level 5 nothing blocks
        needed = required_capability(following)
        blocking = [
            area(pa.id) for pa in result.process_areas
            if pa.maturity_level <= following and pa.status != "not_applicable"
            and (pa.capability_level or 0) < needed
        ]
    verdict = framework.article_verdict
    goals = [g.id for pa in result.process_areas for g in pa.goals if g.status == "satisfied"]
    goals += [g.id for g in result.generic_goals if g.status == "satisfied"]
    return CrosswalkRow(
        framework=framework_id,
        name=framework.name,
        practices=practices,
        computed_maturity_level=computed,
        computed_maturity_level_name=result.maturity_level_name,
        article_verdict=None if verdict is None else CrosswalkArticleVerdict(
            maturity_level=verdict.maturity_level, potential_level=verdict.potential_level, text=verdict.text),
        agrees=None if verdict is None else computed == verdict.maturity_level,
        crosswalk_note=framework.crosswalk_note,
        framework_level_reached=result.framework(framework_id).level,
        process_areas_satisfied=[area(pa.id) for pa in result.process_areas if pa.status == "satisfied"],
        goals_satisfied=sorted(goals),
        generic_goals={g.id: g.status for g in result.generic_goals},
        blocking_process_areas=blocking,
        coverage=[
            LevelCoverage(level=n, required=len(needed_n), covered=len(needed_n & set(practices)))
            for n in range(2, 6)
            for needed_n in [level_practices(kb, n)]
        ],
    )


_COMPUTED: dict[tuple[str, bool], Crosswalk] = {}


def crosswalk(kb: KnowledgeBase, *, verify: bool = True) -> Crosswalk:
    """The crosswalk for every framework of the knowledge base, in framework-id order.

    It depends on the knowledge base alone (not on any fact file), so it is computed once per knowledge-base
    fingerprint: every report would otherwise repeat one inference per framework.
    """
    key = (kb.fingerprint, verify)
    if key not in _COMPUTED:
        _COMPUTED[key] = Crosswalk(
            knowledge_base=kb.fingerprint,
            rows=[crosswalk_row(kb, fid, verify=verify) for fid in sorted(kb.frameworks)],
        )
    return _COMPUTED[key]
