"""The crosswalk (v2): every ML Ops framework against CMMI, two answers side by side that answer different questions.

For each framework a hypothetical organization does exactly what the framework names, at every level, required and
optional, fully (``FI``), and nothing else (every other practice *not observed*). One :class:`Session` assesses it,
once, with the ordinary inference (cross-checked against the reference evaluator unless ``verify=False``). From that
one assessment:

(a) **Strict rating** (``strict``): the staged maturity level that organization gets under SCAMPI's rules, with the
    process areas the framework leaves unaddressed (no specific practice covered). Adopted alone, a framework that
    leaves an area of level 2 unaddressed gets no level above 1.
(b) **Achievement profile** (``profile``): specific practices covered (satisfied) per process area, the distance to
    the ML 2 and ML 3 target profiles as plain counts of model-defined units (covered specific practices of the
    ML 2 areas, of the ML 2 and ML 3 areas; organization-level GP2.x and GP3.x covered, separately), and a
    *characterization* by the level-description rules written once in the knowledge base
    (``knowledge_base/cmmi/characterizations.yaml``), never tuned per framework.

The seed article's verdict is shown next to (b) with the framework's provenance. Agreement is judged on (b): the
characterization against the article's level (its potential level when it names one), and the ordering, ranking by
(characterization level, ML 3 coverage, ML 2 coverage) against the article's ordering, derived from its verdicts
(potential level, or level; a near miss ranks just above its level). A framework whose level contents are our
reconstruction of a summary is labelled "agreement not evidential": its practice set was written from the article.
Nothing here is written per framework: change a framework, a mapping or a rule and the crosswalk follows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal, cast

from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.knowledge import CharacterizationTest, Framework, LevelCharacterization
from mlops_maturity.engine.results import SCHEMA_VERSION, Assessment, Result
from mlops_maturity.engine.session import Session
from pydantic import Field

METHOD_STRICT = (
    "Strict rating: each framework's practice set (every practice its levels name, required and optional) is assumed "
    "fully implemented (FI) and every other practice left not observed; the staged maturity level is inferred with "
    "the ordinary rules (SCAMPI: every area of the level satisfied with its own generic goals)."
)
METHOD_PROFILE = (
    "Achievement profile: specific practices the same practice set covers (satisfied), per process area; T2 = covered "
    "specific practices of the maturity-level-2 areas / their total, T3 = of the level 2 and 3 areas / their total; "
    "organization-level GP2.x and GP3.x covered, separately. Characterization: the first rule of the knowledge base's "
    "level characterizations, from the highest level down, whose conditions hold. Agreement with the article is "
    "judged on the characterization and on the ordering (characterization, then T3, then T2)."
)

_ASSESSED_ON = dt.date(2000, 1, 1)
"""A fixed date for the hypothetical organizations (never shown; keeps results deterministic)."""

NOT_EVIDENTIAL = "agreement not evidential"


class ArticleVerdict(Result):
    """The seed article's judgement of a framework against CMMI."""

    maturity_level: int
    potential_level: int | None = None
    near_miss: bool = False
    text: str


class AreaCoverage(Result):
    """One process area as the framework's practice set leaves it."""

    id: str
    name: str
    maturity_level: int
    covered: int = Field(description="Specific practices satisfied.")
    total: int = Field(description="Specific practices of the area.")
    covered_practices: list[str] = Field(description="The specific practices satisfied, in model order.")
    goals_satisfied: list[str]
    status: str = Field(description="SCAMPI rating of the specific goals: satisfied, unsatisfied, not_rated.")
    capability_level: int | None


class StrictRating(Result):
    """Answer (a): the staged rating of the framework's practice set adopted alone."""

    maturity_level: int
    maturity_level_name: str
    unaddressed_areas: list[str] = Field(
        description="Process areas of levels 2-5 the practice set leaves unaddressed (no specific practice covered), "
        "by maturity level then id."
    )
    unaddressed_by_level: dict[int, list[str]] = Field(description="The same, per maturity level.")
    short_of_next_level: list[str] = Field(
        description="Areas of levels 2..N+1 below the capability the next level needs (empty at level 5)."
    )
    framework_level_reached: int | None = Field(
        description="The framework's own level under its practice set (its top level, as a consistency check)."
    )
    statement: str = Field(description="One sentence: what adopting the framework alone gives, and why.")


class TargetDistance(Result):
    """Distance to one maturity level's target profile, in specific practices."""

    level: int
    covered: int
    total: int
    areas_touched: int = Field(description="Areas of the profile with at least one specific practice covered.")
    areas_total: int


class GenericCoverage(Result):
    """Organization-level generic practices the practice set covers."""

    gg: Literal["GG2", "GG3"]
    covered: list[str]
    total: int


class CharacterizationTestResult(Result):
    """One condition of a characterization rule and what meets it."""

    test: str = Field(description="The condition in words.")
    holds: bool
    met_by: list[str] = Field(description="The CMMI practices that meet it (satisfied).")
    nearest: list[str] = Field(
        default=[], description="When it does not hold: the practices the cheapest alternative still lacks "
        "(fewest missing; ties: model order), as 'CMMI practice: practice, ...'."
    )


class HigherRule(Result):
    """A rule above the one that applies, and the conditions of it that fail."""

    rule: str
    level: int
    label: str
    failing: list[CharacterizationTestResult]


class Characterization(Result):
    """Answer (b)'s level characterization: the rule that applies, and why the rules above it do not."""

    rule: str
    level: int
    label: str
    follows: str
    tests: list[CharacterizationTestResult] = Field(description="The applying rule's conditions (all hold).")
    not_higher: list[HigherRule] = Field(description="Every rule above it, nearest first, with what fails.")


class AchievementProfile(Result):
    """Answer (b): specific-practice coverage, distance to the target profiles, characterization."""

    areas: list[AreaCoverage]
    goals_satisfied: list[str] = Field(description="Specific goals the practice set satisfies, in model order.")
    target_profiles: list[TargetDistance] = Field(description="ML 2 and ML 3.")
    generic: list[GenericCoverage]
    characterization: Characterization | None = Field(
        description="Null when the knowledge base has no level characterizations."
    )


class Agreement(Result):
    """How answer (b) compares with the article's verdict."""

    article_level: int | None = Field(
        description="The level the article characterizes the framework at: its potential level, else its level."
    )
    characterization_agrees: bool | None
    ordering_agrees: bool | None = Field(
        description="No pair with another framework with a verdict is ordered the other way round (or tied) by the "
        "computed ranking where the article orders them strictly."
    )
    agrees: bool | None
    evidential: bool = Field(description="False for reconstructed frameworks: their practice sets follow the article.")
    label: str = Field(description="agrees / disagrees / no verdict, with 'agreement not evidential' when so.")
    reasons: list[str] = Field(description="Why it disagrees (empty when it agrees).")


class CrosswalkRow(Result):
    """One framework: the strict rating (a), the achievement profile (b), the article's verdict and the agreement."""

    framework: str
    name: str
    provenance: Literal["sourced", "constructed", "reconstructed"]
    provenance_note: str
    practices: list[str] = Field(description="The framework's practice set, assumed FI (sorted).")
    strict: StrictRating
    profile: AchievementProfile
    article_verdict: ArticleVerdict | None
    rank: int = Field(description="Position in the computed ordering (1 = highest).")
    article_rank: int | None = Field(description="Tier in the article's ordering (1 = highest); null without verdict.")
    agreement: Agreement


class CharacterizationRule(Result):
    """A level-characterization rule as the knowledge base states it."""

    id: str
    level: int
    label: str
    when: list[str]
    description: str
    follows: str
    source: str


class Crosswalk(Result):
    """The crosswalk over every framework of the knowledge base."""

    schema_version: str = SCHEMA_VERSION
    knowledge_base: str = Field(description="Fingerprint of the knowledge base used.")
    evaluator: Literal["rules+reference", "rules"] = Field(description="How each framework was assessed.")
    method_strict: str = METHOD_STRICT
    method_profile: str = METHOD_PROFILE
    rules: list[CharacterizationRule]
    ordering: list[str] = Field(description="Frameworks by (characterization level, T3, T2), highest first.")
    article_ordering: list[list[str]] = Field(description="The article's tiers, highest first (verdicts only).")
    ordering_agrees: bool | None = Field(description="Every row's ordering_agrees; null when no verdict.")
    rows: list[CrosswalkRow] = Field(description="In framework-id order.")

    def row(self, framework_id: str) -> CrosswalkRow:
        """The row of one framework."""
        for r in self.rows:
            if r.framework == framework_id:
                return r
        raise KeyError(framework_id)


# --- computing -------------------------------------------------------------------------------------------------


def framework_practice_set(kb: KnowledgeBase, framework_id: str) -> list[str]:
    """Every practice a framework's levels name, required (in any alternative) or optional (sorted)."""
    return sorted({pid for level in kb.frameworks[framework_id].levels for pid in level.practices})


def framework_session(kb: KnowledgeBase, framework_id: str, *, verify: bool = True) -> Session:
    """The session of the hypothetical organization that does exactly what the framework names, fully."""
    framework = kb.frameworks[framework_id]
    facts = FactFile.model_validate({
        "organization": f"crosswalk: {framework.name}",
        "assessed_on": _ASSESSED_ON,
        "practices": {pid: "FI" for pid in framework_practice_set(kb, framework_id)},
    })
    return Session(kb, facts, verify=verify, source=f"crosswalk:{framework_id}")


def _model_practice_status(result: Assessment) -> dict[str, str]:
    """CMMI practice id -> class, from the assessment: every specific practice and organization-level GP."""
    out: dict[str, str] = {mp.id: mp.status for pa in result.process_areas for g in pa.goals for mp in g.practices}
    out.update({mp.id: mp.status for g in result.generic_goals for mp in g.practices})
    return out


def _test_words(kb: KnowledgeBase, test: CharacterizationTest) -> str:
    if test.implements_any:
        return "implements " + " or ".join(test.implements_any)
    return "implements a specific practice of " + " or ".join(test.any_specific_practice_of)


def _test_practices(kb: KnowledgeBase, test: CharacterizationTest) -> list[str]:
    if test.implements_any:
        return list(test.implements_any)
    return [sp.id for pa_id in test.any_specific_practice_of for sp in kb.process_area[pa_id].specific_practices]


def _nearest(kb: KnowledgeBase, candidates: Sequence[str], practices: set[str]) -> list[str]:
    """The alternatives among ``candidates`` that lack the fewest practices; ties: the most members already in the
    set, then model order (at most three, as 'CMMI practice: lacking, ...')."""
    options: list[tuple[int, int, int, str]] = []
    for order, mp_id in enumerate(candidates):
        mp = kb.model_practices[mp_id]
        alternatives = list(mp.alternatives)
        if mp.inherits is not None:
            alternatives += list(kb.model_practices[mp.inherits].alternatives)
        for alt in alternatives:
            lacking = [p for p in alt if p not in practices]
            if lacking:
                options.append((len(lacking), -(len(alt) - len(lacking)), order, f"{mp_id}: {', '.join(lacking)}"))
    out: list[str] = []
    for _, _, _, line in sorted(options):
        if line not in out:
            out.append(line)
    return out[:3]


def _evaluate(kb: KnowledgeBase, rule: LevelCharacterization, status: dict[str, str],
              practices: set[str]) -> list[CharacterizationTestResult]:
    out = []
    for test in rule.when:
        candidates = _test_practices(kb, test)
        met = [mp for mp in candidates if status.get(mp) == "satisfied"]
        out.append(CharacterizationTestResult(
            test=_test_words(kb, test), holds=bool(met), met_by=met,
            nearest=[] if met else _nearest(kb, candidates, practices)))
    return out


def characterize(kb: KnowledgeBase, result: Assessment, practices: set[str]) -> Characterization | None:
    """The first level characterization (highest level first) whose conditions all hold on ``result``."""
    status = _model_practice_status(result)
    rules = kb.characterizations
    for index, rule in enumerate(rules):
        tests = _evaluate(kb, rule, status, practices)
        if all(t.holds for t in tests):
            above = [HigherRule(rule=r.id, level=r.level, label=r.label,
                                failing=[t for t in _evaluate(kb, r, status, practices) if not t.holds])
                     for r in reversed(rules[:index])]
            return Characterization(rule=rule.id, level=rule.level, label=rule.label, follows=rule.follows,
                                    tests=tests, not_higher=above)
    return None


def _strict(kb: KnowledgeBase, framework_id: str, result: Assessment, areas: list[AreaCoverage]) -> StrictRating:
    unaddressed = [a for a in areas if a.covered == 0]
    by_level: dict[int, list[str]] = {}
    for a in unaddressed:
        by_level.setdefault(a.maturity_level, []).append(a.id)
    level = result.maturity_level
    short: list[str] = []
    if level < 5:
        needed = 2 if level + 1 == 2 else 3
        short = [pa.id for pa in result.process_areas if pa.maturity_level <= level + 1
                 and pa.status != "out_of_scope" and (pa.capability_level or 0) < needed]
    name = kb.frameworks[framework_id].name
    gaps = by_level.get(level + 1, []) if level < 5 else []
    if gaps:
        statement = (f"Adopted alone, {name} leaves {', '.join(gaps)} unaddressed, so maturity level {level + 1} "
                     f"cannot be awarded: the rating is {level}. The article's level describes the framework's scope; "
                     "it is not an appraisal rating.")
    elif short:
        statement = (f"Adopted alone, {name} addresses every area of maturity level {level + 1} in part, but "
                     f"{', '.join(short)} stay below the capability it needs: the rating is {level}.")
    else:
        statement = f"Adopted alone, {name} reaches maturity level {level}."
    return StrictRating(
        maturity_level=level, maturity_level_name=result.maturity_level_name,
        unaddressed_areas=[a.id for a in unaddressed], unaddressed_by_level=by_level, short_of_next_level=short,
        framework_level_reached=result.framework(framework_id).level, statement=statement)


def _profile(kb: KnowledgeBase, result: Assessment, practices: set[str]) -> AchievementProfile:
    areas = []
    for pa in result.process_areas:
        covered = [mp.id for g in pa.goals for mp in g.practices if mp.status == "satisfied"]
        total = sum(len(g.practices) for g in pa.goals)
        areas.append(AreaCoverage(
            id=pa.id, name=pa.name, maturity_level=pa.maturity_level, covered=len(covered), total=total,
            covered_practices=covered, goals_satisfied=[g.id for g in pa.goals if g.status == "satisfied"],
            status=pa.status, capability_level=pa.capability_level))
    targets = []
    for level in (2, 3):
        profile = [a for a in areas if a.maturity_level <= level]
        targets.append(TargetDistance(level=level, covered=sum(a.covered for a in profile),
                                      total=sum(a.total for a in profile),
                                      areas_touched=sum(1 for a in profile if a.covered), areas_total=len(profile)))
    generic = [GenericCoverage(gg=cast(Literal["GG2", "GG3"], g.id),  # the filter below keeps only these
                               covered=[mp.id for mp in g.practices if mp.status == "satisfied"],
                               total=len(g.practices))
               for g in result.generic_goals if g.id in ("GG2", "GG3")]
    return AchievementProfile(
        areas=areas, goals_satisfied=[g for a in areas for g in a.goals_satisfied], target_profiles=targets,
        generic=generic, characterization=characterize(kb, result, practices))


def _sort_key(row_profile: AchievementProfile) -> tuple[int, int, int]:
    level = row_profile.characterization.level if row_profile.characterization else 0
    t2, t3 = (t.covered for t in row_profile.target_profiles)
    return level, t3, t2


def _article_level(framework: Framework) -> int | None:
    verdict = framework.article_verdict
    if verdict is None:
        return None
    return verdict.potential_level if verdict.potential_level is not None else verdict.maturity_level


def _article_key(framework: Framework) -> tuple[int, int] | None:
    """The article's placement: its potential level (or level), a near miss just above its level."""
    verdict = framework.article_verdict
    if verdict is None:
        return None
    return _article_level(framework) or 0, int(verdict.near_miss)


def _describe(fid: str, key: tuple[int, int, int], label: str) -> str:
    return f"{fid} ({label}, T3 {key[1]}, T2 {key[2]})"


def crosswalk_rows(kb: KnowledgeBase, *, verify: bool = True,
                   frameworks: Sequence[str] | None = None) -> list[CrosswalkRow]:
    """The rows for ``frameworks`` (default: all, in id order), each assessed once in its own session; the
    ordering is computed among these rows.

    Raises:
        KeyError: a framework is not in the knowledge base.
        VerificationError: the two evaluators disagree (an internal error).
    """
    ids = sorted(kb.frameworks) if frameworks is None else list(frameworks)
    parts = {}
    for fid in ids:
        session = framework_session(kb, fid, verify=verify)
        result = session.assessment
        practices = framework_practice_set(kb, fid)
        profile = _profile(kb, result, set(practices))
        parts[fid] = (practices, _strict(kb, fid, result, profile.areas), profile)
    keys = {fid: _sort_key(parts[fid][2]) for fid in ids}
    ordering = sorted(ids, key=lambda f: (tuple(-k for k in keys[f]), f))
    rank = {fid: 1 + sum(1 for other in ids if keys[other] > keys[fid]) for fid in ids}
    article = {fid: _article_key(kb.frameworks[fid]) for fid in ids}
    tiers = sorted({k for k in article.values() if k is not None}, reverse=True)

    label_of = {f: (ch.label if (ch := parts[f][2].characterization) else "uncharacterized")
                for f in ids}
    rows = []
    for fid in ids:
        framework = kb.frameworks[fid]
        practices, strict, profile = parts[fid]
        verdict = framework.article_verdict
        evidential = framework.provenance != "reconstructed"
        reasons: list[str] = []
        char_agrees = order_agrees = agrees = None
        article_level = _article_level(framework)
        if verdict is not None:
            char = profile.characterization
            char_agrees = char is not None and char.level == article_level
            if not char_agrees:
                said = (f"the article characterizes it at level {article_level}"
                        + (f" (level {verdict.maturity_level}, potential {verdict.potential_level})"
                           if verdict.potential_level is not None else "")
                        + (" (a near miss of the level above)" if verdict.near_miss else ""))
                if char is None:
                    reasons.append(f"{said}; the knowledge base has no level characterizations")
                else:
                    why = f"; computed {char.label} (rule {char.rule})"
                    if char.level < (article_level or 0):
                        why += ": " + "; ".join(
                            f"not {higher.label}, since the practice set does not satisfy '{t.test}'"
                            + (f" (nearest: {' | '.join(t.nearest)})" if t.nearest else "")
                            for higher in char.not_higher if higher.level <= (article_level or 0)
                            for t in higher.failing)
                    reasons.append(said + why)
            order_agrees = True
            mine = article[fid]
            for other in ids:
                theirs = article[other]
                if other == fid or mine is None or theirs is None:
                    continue
                if mine > theirs and not keys[fid] > keys[other]:
                    order_agrees = False
                    reasons.append(f"the article places {fid} above {other}; computed "
                                   f"{_describe(fid, keys[fid], label_of[fid])} is not above "
                                   f"{_describe(other, keys[other], label_of[other])}")
                elif mine < theirs and not keys[fid] < keys[other]:
                    order_agrees = False
                    reasons.append(f"the article places {other} above {fid}; computed "
                                   f"{_describe(other, keys[other], label_of[other])} is not above "
                                   f"{_describe(fid, keys[fid], label_of[fid])}")
            agrees = char_agrees and order_agrees
        if agrees is None:
            label = "no verdict"
        else:
            label = "agrees" if agrees else "disagrees"
        if not evidential and verdict is not None:
            label += f" ({NOT_EVIDENTIAL}: reconstructed)"
        rows.append(CrosswalkRow(
            framework=fid, name=framework.name, provenance=framework.provenance,
            provenance_note=framework.provenance_note, practices=practices, strict=strict, profile=profile,
            article_verdict=None if verdict is None else ArticleVerdict(
                maturity_level=verdict.maturity_level, potential_level=verdict.potential_level,
                near_miss=verdict.near_miss, text=verdict.text),
            rank=rank[fid], article_rank=None if (placed := article[fid]) is None else 1 + tiers.index(placed),
            agreement=Agreement(article_level=article_level, characterization_agrees=char_agrees,
                                ordering_agrees=order_agrees, agrees=agrees, evidential=evidential, label=label,
                                reasons=reasons),
        ))
    return rows


def _rules(kb: KnowledgeBase) -> list[CharacterizationRule]:
    return [CharacterizationRule(id=r.id, level=r.level, label=r.label, when=[_test_words(kb, t) for t in r.when],
                                 description=r.description, follows=r.follows, source=r.source)
            for r in kb.characterizations]


def crosswalk(kb: KnowledgeBase, *, verify: bool = True) -> Crosswalk:
    """The crosswalk for every framework of the knowledge base, in framework-id order.

    It depends on the knowledge base alone (not on any fact file), so it is computed once per knowledge-base object
    and ``verify`` setting (kept in ``kb.memo``; a copy made with ``dataclasses.replace`` computes its own).

    Raises:
        VerificationError: the two evaluators disagree (an internal error).
    """
    key = f"crosswalk:{verify}"
    found = kb.memo.get(key)
    if found is None:
        rows = crosswalk_rows(kb, verify=verify)
        article = {r.framework: r.article_rank for r in rows if r.article_rank is not None}
        tiers = [sorted(f for f, t in article.items() if t == tier) for tier in sorted(set(article.values()))]
        judged = [r.agreement.ordering_agrees for r in rows if r.agreement.ordering_agrees is not None]
        found = kb.memo[key] = Crosswalk(
            knowledge_base=kb.fingerprint, evaluator="rules+reference" if verify else "rules", rules=_rules(kb),
            ordering=[r.framework for r in sorted(rows, key=lambda r: (r.rank, r.framework))],
            article_ordering=tiers, ordering_agrees=all(judged) if judged else None, rows=rows)
    return found
