"""Assessing a fact file: effective statuses, inference, cross-check, and the result object."""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from mlops_maturity.engine import documents, reference
from mlops_maturity.engine.errors import Problem, UserInputError, VerificationError
from mlops_maturity.engine.facts import FactFile, Observation
from mlops_maturity.engine.findings import finding as worded_finding
from mlops_maturity.engine.inference import infer, public_status
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.rating import (
    NOT_APPLICABLE,
    NOT_OBSERVED,
    SAT,
    SATISFIED,
    Conclusions,
    deciding_alternative,
    practice_class,
    required_capability,
)
from mlops_maturity.engine.results import (
    SCHEMA_VERSION,
    AlternativeMember,
    AlternativeResult,
    AnswerResult,
    Assessment,
    Assumption,
    Coverage,
    Derivation,
    DirectResult,
    EvidenceResult,
    Finding,
    FrameworkLevelResult,
    FrameworkResult,
    GoalResult,
    ModelPracticeResult,
    PracticeResult,
    ProcessAreaResult,
    TargetProfile,
    trusted,
)

ASSUMABLE = ("FI", "LI", "PI", "NI", "NY")


def parse_assumptions(items: list[str], kb: KnowledgeBase) -> dict[str, str]:
    """``["ml.model-registry=FI", ...]`` -> ``{"ml.model-registry": "FI"}``, checked against the KB.

    Raises:
        UserInputError: malformed items, unknown practices or statuses, one practice assumed twice differently;
            each problem names the parameter ``assume`` (the API's name for these items) and the item.
    """
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for item in items:
        pid, sep, status = item.partition("=")
        pid, status = pid.strip(), status.strip()
        if status.upper() in ASSUMABLE:  # statuses are SCAMPI's upper-case codes; "fi" means FI
            status = status.upper()
        if not sep or not pid or not status:
            problems.append(Problem.of_parameter("assume", item, "expected PRACTICE=STATUS, e.g. ml.model-registry=FI"))
            continue
        if pid in out and out[pid] != status:
            problems.append(Problem.of_parameter("assume", item, f"{pid} is already assumed {out[pid]}; "
                                                 "assume it once"))
            continue
        out[pid] = status
    problems.extend(assumption_problems(out, kb, parameter="assume"))
    if problems:
        raise UserInputError(problems)
    return out


def assumption_problems(
    assumptions: Mapping[str, str], kb: KnowledgeBase, *, parameter: str = "assumptions"
) -> list[Problem]:
    """What is wrong with what-if assumptions (practice id -> FI/LI/PI/NI/NY); empty when they are valid.
    Each problem names ``parameter``, the parameter that gave them, and the assumption as ``PRACTICE=STATUS``."""
    problems = []
    for pid, status in assumptions.items():
        item = f"{pid}={status}"
        if pid not in kb.practices:
            problems.append(Problem.of_parameter(parameter, item, "unknown practice id"
                                                 + documents.suggest(pid, kb.practices)))
        if status not in ASSUMABLE:
            problems.append(Problem.of_parameter(parameter, item, f"unknown status {status!r}; valid: "
                                                 f"{', '.join(ASSUMABLE)}" + documents.suggest(status, ASSUMABLE)))
    return problems


def effective_statuses(kb: KnowledgeBase, facts: FactFile, assumptions: Mapping[str, str]) -> dict[str, str]:
    """Every practice's status: assumed, else observed, else ``NO`` (not observed)."""
    out = {}
    observed = facts.practices
    for pid in kb.practices:
        if pid in assumptions:
            out[pid] = assumptions[pid]
        elif (observation := observed.get(pid)) is not None and (status := observation.status) is not None:
            out[pid] = status._value_  # the enum's value as stored: ``.value`` is a property, slower by half
        else:
            out[pid] = NOT_OBSERVED
    return out


def evidence_age_limit(kb: KnowledgeBase, max_evidence_age: int | None) -> int | None:
    """The maximum evidence age in days: ``max_evidence_age`` when given, else the knowledge base's default
    (``assessment_policy.max_evidence_age_days``; ``None`` when the knowledge base sets none: nothing is stale).

    Raises:
        UserInputError: ``max_evidence_age`` is not a whole number of days, 0 or more.
    """
    if max_evidence_age is None:
        return kb.assessment_policy.max_evidence_age_days if kb.assessment_policy is not None else None
    if isinstance(max_evidence_age, bool) or not isinstance(max_evidence_age, int) or max_evidence_age < 0:
        raise UserInputError([Problem.of_parameter("max_evidence_age", str(max_evidence_age),
                                                   "expected a whole number of days, 0 or more")])
    return max_evidence_age


def evidence_date(observation: Observation) -> dt.date | None:
    """When a practice was last seen: its ``observed_on``, else the latest date of its evidence and answers
    (``on``), else ``None`` (undated)."""
    if observation.observed_on is not None:
        return observation.observed_on
    if not observation.evidence and not observation.answers:  # a status alone, the common case: nothing to scan
        return None
    dates = [e.on for e in observation.evidence if not isinstance(e, str) and e.on is not None]
    for answer in observation.answers:
        dates += [answer.on] if answer.on is not None else []
        dates += [e.on for e in answer.evidence if not isinstance(e, str) and e.on is not None]
    return max(dates) if dates else None


def staleness(observation: Observation, assessed_on: dt.date, limit: int | None) -> tuple[dt.date, int] | None:
    """When an observation was last seen and how many days before ``assessed_on``, if more than ``limit`` days
    (``None``: not stale, or undated, or no limit)."""
    if limit is None:
        return None
    seen = evidence_date(observation)
    if seen is None or (age := (assessed_on - seen).days) <= limit:
        return None
    return seen, age


def direct_statuses(facts: FactFile) -> dict[str, str]:
    """The CMMI practices the fact file characterizes directly: id -> FI/LI/PI/NI/NY."""
    return {mid: d.status.value for mid, d in sorted(facts.model_practices.items())}


def assess(
    kb: KnowledgeBase,
    facts: FactFile,
    assumptions: Mapping[str, str] | None = None,
    *,
    verify: bool = True,
    source: str | None = None,
    evaluator: str = "rules",
    max_evidence_age: int | None = None,
) -> Assessment:
    """Assess a fact file.

    Args:
        kb: the knowledge base.
        facts: the validated fact file.
        assumptions: what-if statuses that override the fact file (practice id -> FI/LI/PI/NI/NY).
        verify: cross-check the rules engine against the reference evaluator.
        source: the fact file's name, recorded in the result.
        evaluator: ``rules`` (durable_rules, the default) or ``reference`` (plain Python, no trace).
        max_evidence_age: days; an observation dated longer before ``assessed_on`` is flagged stale (default:
            the knowledge base's ``assessment_policy``).

    Raises:
        UserInputError: an assumption names an unknown practice or status, or a bad ``max_evidence_age``.
        VerificationError: the two evaluators disagree (an internal error).
        InferenceError: the rules engine failed.
    """
    assumptions = dict(sorted((assumptions or {}).items()))
    problems = assumption_problems(assumptions, kb)
    if problems:
        raise UserInputError(problems)
    limit = evidence_age_limit(kb, max_evidence_age)
    statuses = effective_statuses(kb, facts, assumptions)
    context = dict(facts.context)
    direct = direct_statuses(facts)
    scoped = sorted(facts.out_of_scope)
    if evaluator == "reference":
        conclusions = reference.evaluate(kb, statuses, context, direct, scoped)
    elif evaluator == "rules":
        conclusions = infer(kb, statuses, context, direct, scoped)
        if verify:
            check_agreement(conclusions, reference.evaluate(kb, statuses, context, direct, scoped))
    else:
        raise ValueError(f"unknown evaluator {evaluator!r}")
    return build_assessment(kb, facts, statuses, assumptions, conclusions, source, max_evidence_age=limit)


def check_agreement(got: Conclusions, expected: Conclusions) -> None:
    """Raise :class:`VerificationError` when the rules engine's conclusions differ from the reference's."""
    differences = compare(got, expected)
    if differences:
        raise VerificationError(differences, json.dumps(got.comparable(), indent=2),
                                json.dumps(expected.comparable(), indent=2))


def compare(got: Conclusions, expected: Conclusions) -> list[str]:
    """Differences between two evaluators' conclusions, one line each (empty when they agree)."""
    if _agree(got, expected):
        return []
    a, b = got.comparable(), expected.comparable()
    out = []
    for key in a:
        if a[key] != b[key]:
            if isinstance(a[key], dict):
                for sub in sorted(set(a[key]) | set(b[key])):
                    if a[key].get(sub) != b[key].get(sub):
                        out.append(f"{key}[{sub}]: rules={a[key].get(sub)!r} reference={b[key].get(sub)!r}")
            else:
                out.append(f"{key}: rules={a[key]!r} reference={b[key]!r}")
    return out


def _agree(a: Conclusions, b: Conclusions) -> bool:
    """Whether ``a.comparable() == b.comparable()``, without building either (every run is cross-checked)."""
    return (a.maturity_level == b.maturity_level and a.levels_met == b.levels_met and a.ready == b.ready
            and a.alt_status == b.alt_status and a.mp_status == b.mp_status and a.goal_status == b.goal_status
            and a.pa_status == b.pa_status and a.framework_level_status == b.framework_level_status
            and a.framework_level == b.framework_level and sorted(a.findings) == sorted(b.findings)
            and {k: sorted(v) for k, v in a.blocked_by.items() if v}
            == {k: sorted(v) for k, v in b.blocked_by.items() if v})


_WEAKEST = {"satisfied": ("LI", "FI"), "failed": ("NI", "PI"), "unknown": ("NY", "not_observed"),
            "not_applicable": ("NA",)}
"""The characterization shown for an alternative of a class: the weakest of its members' (in this order)."""

_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2, "info": 3}

NA_FINDING = "not-applicable-cannot-remove-practice"
"""The finding reported when not-applicable practices leave a CMMI practice with no applicable alternative."""


def _sums(coverages: list[Coverage]) -> tuple[int, int]:
    """Satisfied and total, summed."""
    return sum(c.satisfied for c in coverages), sum(c.total for c in coverages)


def _weakest(klass: str, shown: list[str]) -> str:
    for status in _WEAKEST[klass]:
        if status in shown:
            return status
    return _WEAKEST[klass][0]


def _static(kb: KnowledgeBase) -> dict[str, Any]:
    """What the result builder reads of the knowledge base alone, worked out once per knowledge base."""
    found: dict[str, Any] | None = kb.memo.get("assessment.static")
    if found is not None:
        return found
    levels = {}
    for fid, fw in kb.frameworks.items():
        for lv in fw.levels:
            groups = lv.requirement_groups
            single = tuple(group[0][0] if len(group) == 1 and len(group[0]) == 1 else None for group in groups)
            required = tuple(p for p in lv.practices if p not in lv.optional)
            levels[(fid, lv.level)] = (required, single, tuple(lv.optional))
    # Per framework: the getters of its levels' practices' statuses, of its any-of requirements' classes and of its
    # levels' statuses (see build_assessment's frameworks).
    frameworks = {}
    for fid, fw in kb.frameworks.items():
        practices = [p for lv in fw.levels for p in (*levels[(fid, lv.level)][0], *levels[(fid, lv.level)][1])
                     if p is not None]
        any_of = [f"fw:{fid}:{lv.level}:{i}" for lv in fw.levels
                  for i, p in enumerate(levels[(fid, lv.level)][1], 1) if p is None]
        frameworks[fid] = (_values_at(list(dict.fromkeys(practices))), _values_at(any_of),
                           _values_at([(fid, lv.level) for lv in fw.levels]))
    goal_names: dict[str, str] = {gg.id: gg.name for gg in kb.generic_goals}
    goal_names.update({gid: info.name for gid, info in kb.goals.items()})
    # Per CMMI practice: its alternatives' keys in the conclusions, with their practices, and all its practices.
    alternatives = {mid: tuple((f"{mid}#{k}", tuple(alt)) for k, alt in enumerate(mp.alternatives, 1))
                    for mid, mp in kb.model_practices.items()}
    members = {mid: tuple(p for alt in mp.alternatives for p in alt) for mid, mp in kb.model_practices.items()}
    alt_keys = {mid: tuple(key for key, _ in alts) for mid, alts in alternatives.items()}
    # Per CMMI practice: the getters of its alternatives' classes and of its practices' statuses (its key).
    model_practices = {mid: (_values_at(list(alt_keys[mid])), _values_at(list(members[mid]))) for mid in members}
    goal_practices = dict(kb.goal_model_practices)
    goal_practices.update({gg.id: [gp.id for gp in gg.practices] for gg in kb.generic_goals})

    def parts(gids: list[str]) -> tuple[Any, ...]:
        """Goals' CMMI practices, and the getters of what their results are made of (see build_assessment's
        ``values``): the goals' statuses, the practices' classes, all their alternatives' classes and all their
        practices' statuses; and the practices they inherit."""
        mids = [m for gid in gids for m in goal_practices[gid]]
        return (tuple(mids), _values_at(gids), _values_at(mids), _values_at([k for m in mids for k in alt_keys[m]]),
                _values_at([p for m in mids for p in members[m]]),
                tuple(i for m in mids if (i := kb.model_practices[m].inherits) is not None))

    goals = {gid: parts([gid]) for gid in goal_practices}
    area_goals = {}
    for pa in kb.process_areas:
        specific, generic = [g.id for g in pa.goals], [f"{pa.id}.{gg.id}" for gg in kb.generic_goals]
        area_goals[pa.id] = (specific, generic, parts(specific + generic))
    found = kb.memo["assessment.static"] = {"levels": levels, "goal_names": goal_names, "alternatives": alternatives,
                                            "model_practices": model_practices, "goals": goals,
                                            "area_goals": area_goals, "frameworks": frameworks, "results": {}}
    return found


def _no_values(_: Mapping[str, Any]) -> tuple[()]:
    return ()


def _values_at(keys: list[Any]) -> Callable[[Mapping[str, Any]], Any]:
    """A function giving a mapping's values at ``keys`` as one hashable value (a tuple; the value itself for one
    key): an ``itemgetter``, which collects them in C, twice as fast as a ``tuple(map(...))``."""
    return operator.itemgetter(*keys) if keys else _no_values


_RESULTS_LIMIT = 10_000
"""Result objects remembered per knowledge base (see :func:`_shared`)."""


_T = TypeVar("_T")


def _remember(cache: dict[Any, Any], key: Any, made: _T) -> _T:
    """Remember the result object ``made`` for ``key`` (callers look ``key`` up first) and return it.

    Result objects are shared between assessments: result models are immutable (frozen, and nothing changes their
    lists), and ``key`` holds every value the object is made of besides the knowledge base (whose cache this is),
    so an equal key gives an equal object. Assessing a fact file again, or one that differs in a few practices
    (what-if), rebuilds only what changed."""
    if len(cache) >= _RESULTS_LIMIT:
        cache.clear()
    cache[key] = made
    return made


def build_assessment(
    kb: KnowledgeBase,
    facts: FactFile,
    statuses: dict[str, str],
    assumptions: Mapping[str, str],
    c: Conclusions,
    source: str | None,
    *,
    max_evidence_age: int | None = None,
) -> Assessment:
    """Assemble the result object from conclusions (the same for both evaluators).

    ``max_evidence_age`` (days; default: the knowledge base's) flags practices whose evidence is older as stale.

    The result is made of trusted parts (:func:`results.trusted`): the data comes from the knowledge base, the
    validated fact file and the evaluators, and validating it again cost more than inferring it.
    """
    static = _static(kb)
    shared = static["results"]
    direct = direct_statuses(facts)
    limit = evidence_age_limit(kb, max_evidence_age)
    model: dict[str, ModelPracticeResult] = {}
    alt_status = c.alt_status
    alternatives_of, model_practice_values = static["alternatives"], static["model_practices"]

    # Keys hold the statuses as given (NO for not observed); results show them as public_status() words them.
    def member(pid: str) -> AlternativeMember:  # asked for only by CMMI practices' results not found shared
        key = ("member", pid, statuses[pid])
        return shared.get(key) or _remember(shared, key, trusted(AlternativeMember,
                                                                 {"id": pid, "status": public_status(statuses[pid])}))

    def model_practice(mid: str) -> ModelPracticeResult:
        found = model.get(mid)
        if found is not None:
            return found
        if mid in direct:
            model[mid] = found = make_model_practice(mid)
            return found
        # Everything a CMMI practice's result is made of besides the knowledge base: its class, its alternatives'
        # classes, its practices' statuses, and the class and characterization of the practice it inherits.
        alternative_classes, member_statuses = model_practice_values[mid]
        inherits = kb.model_practices[mid].inherits
        key: tuple[Any, ...] = ("mp", mid, c.mp_status[mid], alternative_classes(alt_status), member_statuses(statuses))
        if inherits is not None:
            key += (c.mp_status[inherits], model_practice(inherits).characterization)
        found = shared.get(key)
        if found is None:
            found = _remember(shared, key, make_model_practice(mid))
        model[mid] = found
        return found

    def make_model_practice(mid: str) -> ModelPracticeResult:
        mp = kb.model_practices[mid]
        klass = c.mp_status[mid]
        decided = deciding_alternative(kb, c, mid, direct)
        if decided == "direct":
            characterization = direct[mid]
        elif decided == "inherited":
            characterization = model_practice(mp.inherits or "").characterization
        elif decided:
            members = mp.alternatives[int(decided.split()[1]) - 1]
            characterization = _weakest(klass, [public_status(statuses[p]) for p in members if statuses[p] != "NA"])
        else:
            characterization = "NA" if klass == NOT_APPLICABLE else "not_observed"
        d = facts.model_practices.get(mid)
        return trusted(ModelPracticeResult, {
            "id": mid, "name": mp.name, "status": klass, "characterization": characterization, "decided_by": decided,
            "direct": trusted(DirectResult, {"status": d.status.value, "rationale": d.rationale,
                                             "evidence": list(d.evidence)}) if d else None,
            "inherited": mp.inherits is not None and not mp.alternatives and mid not in direct,
            "alternatives": [trusted(AlternativeResult, {"number": k, "status": alt_status[key],
                                                         "practices": [member(p) for p in alt]})
                             for k, (key, alt) in enumerate(alternatives_of[mid], 1)],
        })

    def coverage(satisfied: int, total: int) -> Coverage:
        key = ("coverage", satisfied, total)
        return shared.get(key) or _remember(shared, key, trusted(Coverage, {"satisfied": satisfied, "total": total}))

    goal_names, goal_parts = static["goal_names"], static["goals"]
    mp_of = c.mp_status.__getitem__

    def values(parts: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """Everything the results of goals are made of besides the knowledge base (each practice's key in
        model_practice(), flat), by their ``parts`` (see _static); ``None`` when one of their practices is
        characterized directly (its result, made anew, is not shared: neither are theirs)."""
        mids, goal_statuses, classes, alternative_classes, member_statuses, inherited = parts
        if direct and not direct.keys().isdisjoint(mids):
            return None
        return (goal_statuses(c.goal_status), classes(c.mp_status), alternative_classes(alt_status),
                member_statuses(statuses), inherited_part(inherited))

    def goal(gid: str) -> GoalResult:
        # A goal seen before is found without looking at its practices one by one.
        found = shared.get(key := ("goal", gid, values(goal_parts[gid])))
        if found is None:
            found = make_goal(gid)
            if key[-1] is not None:
                _remember(shared, key, found)
        return found

    inherited_parts: dict[tuple[str, ...], tuple[tuple[str, str], ...]] = {}

    def inherited_part(inherited: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        """The class and characterization of each practice inherited, once per assessment (every area's GG2 and
        GG3 inherit the same organization-level practices)."""
        found = inherited_parts.get(inherited)
        if found is None:
            found = inherited_parts[inherited] = tuple((mp_of(i), model_practice(i).characterization)
                                                       for i in inherited)
        return found

    def make_goal(gid: str) -> GoalResult:
        rated = [model_practice(m) for m in goal_parts[gid][0]]
        return trusted(GoalResult, {
            "id": gid, "name": goal_names[gid], "status": c.goal_status[gid],
            "coverage": coverage(sum(r.status == SATISFIED for r in rated), len(rated)), "practices": rated})

    def area(pa: Any) -> ProcessAreaResult:
        specific, generic, parts = static["area_goals"][pa.id]
        # An area seen before is found without looking at its goals one by one.
        key = ("area", pa.id, c.pa_status[pa.id], facts.out_of_scope.get(pa.id), values(parts))
        found = shared.get(key)
        if found is None:
            found = make_area(pa, [goal(g) for g in specific], [goal(g) for g in generic])
            if key[-1] is not None:
                _remember(shared, key, found)
        return found

    def make_area(pa: Any, goals: list[GoalResult], generic: list[GoalResult]) -> ProcessAreaResult:
        rating, capability = c.pa_status[pa.id]
        return trusted(ProcessAreaResult, {
            "id": pa.id, "name": pa.name, "category": pa.category.value, "maturity_level": pa.maturity_level,
            "status": rating,
            "capability_level": None if rating in ("out_of_scope", "not_rated") else capability,
            "out_of_scope_reason": facts.out_of_scope.get(pa.id),
            "coverage": coverage(sum(g.coverage.satisfied for g in goals), sum(g.coverage.total for g in goals)),
            "goals": goals,
            "generic_goals": generic,
        })

    areas = [area(pa) for pa in kb.process_areas]

    def make_profiles() -> list[TargetProfile]:
        # A profile counts the CMMI practices of its areas' specific goals (the area's coverage), GG2's, and GG3's
        # from level 3 on: each area's sums once, then added up per profile.
        counted = []
        for a in areas:
            if a.status != "out_of_scope":
                gg2 = _sums([gg.coverage for gg in a.generic_goals if gg.id.endswith(".GG2")])
                gg3 = _sums([gg.coverage for gg in a.generic_goals if not gg.id.endswith(".GG2")])
                counted.append((a.id, a.maturity_level, c.pa_status[a.id][1], a.coverage, gg2, gg3))
        profiles = []
        for n in range(2, 6):
            needed = satisfied = 0
            short = []
            for aid, level, capability, specific, gg2, gg3 in counted:
                if level > n:
                    continue
                satisfied += specific.satisfied + gg2[0] + (gg3[0] if n >= 3 else 0)
                needed += specific.total + gg2[1] + (gg3[1] if n >= 3 else 0)
                if capability < required_capability(n):
                    short.append(aid)
            profiles.append(trusted(TargetProfile, {"level": n, "met": n in c.levels_met,
                                                    "coverage": coverage(satisfied, needed), "areas_short": short}))
        return profiles

    # Made of the areas' results, by identity (the entry holds them, so no other object can take their ids while
    # it is remembered), their capabilities and the levels met.
    profiles_key = ("profiles", tuple(map(id, areas)), tuple(c.pa_status[a.id][1] for a in areas),
                    tuple(sorted(c.levels_met)))
    held = shared.get(profiles_key)
    if held is None:
        held = _remember(shared, profiles_key, (areas, make_profiles()))
    profiles = held[1]
    met_or_na = (SATISFIED, NOT_APPLICABLE)

    def make_framework(fid: str, fw: Any) -> FrameworkResult:
        level = c.framework_level.get(fid)
        names = {lv.level: lv.name for lv in fw.levels}
        levels: list[FrameworkLevelResult] = []
        for lv in fw.levels:
            status = c.framework_level_status[(fid, lv.level)]
            required, single, optional = static["levels"][(fid, lv.level)]
            missing = [p for p in required if statuses[p] not in SAT + ("NA",)]
            met_groups = 0
            for i, pid in enumerate(single, 1):
                if pid is not None:
                    met_groups += practice_class(statuses[pid]) in met_or_na
                else:
                    met_groups += c.mp_status[f"fw:{fid}:{lv.level}:{i}"] in met_or_na
            levels.append(trusted(FrameworkLevelResult, {
                "level": lv.level, "name": lv.name, "status": status,
                "reached": level is not None and lv.level <= level, "met": status == "met",
                "coverage": coverage(met_groups, len(single)),
                "missing": missing,
                "failed": [p for p in missing if statuses[p] in ("PI", "NI")],
                "unknown": [p for p in missing if statuses[p] not in ("PI", "NI")],
                "optional": list(optional),
            }))
        met_levels = [lv.level for lv in levels if lv.status == "met"]
        above = [lv for lv in levels if level is None or lv.level > level]
        return trusted(FrameworkResult, {
            "id": fid, "name": fw.name, "provenance": fw.provenance, "level": level,
            "level_name": names.get(level) if level is not None else None,
            "highest_met": max(met_levels) if met_levels else None,
            "next_level": above[0].level if above else None,
            "next_level_status": above[0].status if above else None,
            "levels": levels,
        })

    frameworks = []
    for fid, fw in kb.frameworks.items():
        practice_statuses, group_classes, level_statuses = static["frameworks"][fid]
        # Everything it is made of besides the knowledge base.
        key = ("framework", fid, c.framework_level.get(fid), practice_statuses(statuses), group_classes(c.mp_status),
               level_statuses(c.framework_level_status))
        found = shared.get(key)
        if found is None:
            found = _remember(shared, key, make_framework(fid, fw))
        frameworks.append(found)

    def make_practice(pid: str, practice: Any, o: Observation | None) -> PracticeResult:
        return trusted(PracticeResult, {
            "id": pid, "name": practice.name, "status": public_status(statuses[pid]), "satisfied": statuses[pid] in SAT,
            "ready": pid in c.ready, "blocked_by": list(c.blocked_by.get(pid, [])),
            "evidence": o.evidence_texts if o is not None else [],
            "note": o.note if o is not None else None,
            "observed_on": o.observed_on if o is not None else None,
            "reason": o.reason if o is not None and statuses[pid] == "NA" else None,
            "assumed": pid in assumptions,
            "implements": list(kb.practice_implements.get(pid, [])),
            "evidence_items": [_evidence(e) for e in o.evidence] if o is not None else [],
            "answers": [_answer(a) for a in o.answers] if o is not None else [],
            "conflict": o is not None and o.conflict and pid not in assumptions,
            "stale": o is not None and pid not in assumptions and staleness(o, facts.assessed_on, limit) is not None,
        })

    practices = []
    for pid, practice in kb.practices.items():
        o = facts.practices.get(pid)
        if o is not None and o.answers:  # answers hold lists, which do not hash: made anew
            practices.append(make_practice(pid, practice, o))
            continue
        # Everything it is made of besides the knowledge base's practice, its observation by its fields with what
        # decides whether it is stale (a fact file assessed again, or another with the same observation, finds it).
        pkey = ("practice", pid, statuses[pid], pid in c.ready, tuple(c.blocked_by.get(pid, ())), pid in assumptions,
                None if o is None else (o.status, tuple(o.evidence), o.note, o.observed_on, o.reason,
                                        facts.assessed_on, limit))
        found = shared.get(pkey)
        if found is None:
            found = _remember(shared, pkey, make_practice(pid, practice, o))
        practices.append(found)
    # The stale practices, as their results say: their dates are worked out again for the warnings alone.
    stale = {p.id: found for p in practices
             if p.stale and (found := staleness(facts.practices[p.id], facts.assessed_on, limit)) is not None}
    conflicts = {p.id for p in practices if p.conflict}  # (not assumed) as their results say
    rules = {r.id: r for r in kb.insights}
    findings = [worded_finding(kb, rules[r], c, statuses, facts, assumptions) for r in c.findings]
    removed = [mid for mid, klass in c.mp_status.items()
               if klass == NOT_APPLICABLE and mid in kb.model_practices and kb.model_practices[mid].kind != "generic"
               and kb.model_practices[mid].process_area not in facts.out_of_scope]
    if removed:
        na = sorted({p for mid in removed for alt in kb.model_practices[mid].alternatives for p in alt
                     if statuses[p] == "NA"})
        scopable = ", ".join(kb.scopable_areas) or "none"
        findings.append({
            "rule": NA_FINDING, "name": "Not-applicable practices cannot remove a CMMI practice", "severity": "medium",
            "message": f"Every alternative of {', '.join(removed)} is not applicable, so these CMMI practices are not "
                       f"rated and their goals cannot be satisfied. NA removes a practice from an alternative, never a "
                       f"required CMMI practice.",
            "recommendation": "Characterize the practices marked NA (" + ", ".join(na) + ") as they are, or "
                              "characterize the CMMI practice directly with the alternative practice observed "
                              "(model_practices). Only a process area the model allows may be declared out of scope "
                              f"(out_of_scope: {scopable}, with a reason).",
            "practices": na, "source": "CMMI-DEV v1.3, required and expected components; SCAMPI A v1.3 scoping"})
    findings.sort(key=lambda f: (_SEVERITY_RANK[f["severity"]], f["rule"]))

    def derivation(d: Any) -> Derivation:
        found = shared.get(("derivation", d))
        if found is None:
            found = _remember(shared, ("derivation", d), trusted(
                Derivation, {"fact": d.fact, "rule": d.rule, "premises": list(d.premises)}))
        return found

    # The whole trace is shared too (a list inside a result, never changed): one look-up, by the derivations as
    # concluded (sorted only when not found), for a trace seen before.
    trace_key = ("derivations", tuple(c.derivations), tuple(c.derivations.values()))
    derivations = shared.get(trace_key)
    if derivations is None:
        derivations = _remember(shared, trace_key, [derivation(c.derivations[fid]) for fid in sorted(c.derivations)])
    return trusted(Assessment, {
        "schema_version": SCHEMA_VERSION,
        "organization": facts.organization,
        "assessed_on": facts.assessed_on,
        "assessor": facts.assessor,
        "scope": facts.scope,
        "context": dict(sorted(facts.context.items())),
        "source": source,
        "knowledge_base": kb.fingerprint,
        "maturity_level": c.maturity_level,
        "maturity_level_name": kb.level_name(c.maturity_level),
        "process_areas": areas,
        "generic_goals": [goal(gg.id) for gg in kb.generic_goals],
        "target_profiles": profiles,
        "frameworks": frameworks,
        "practices": practices,
        "findings": [Finding.model_validate(f) for f in findings],  # a few, with nested basis: validated
        "assumptions": [trusted(Assumption, {"practice": p, "status": s}) for p, s in assumptions.items()],
        "warnings": facts.warnings + [
            f"{pid}: respondents disagree ({', '.join(f'{a.respondent}: {a.status.value}' for a in o.answers)}); "
            "not rated until the assessor decides its status"
            for pid, o in facts.practices.items() if pid in conflicts] + [
            f"{pid}: stale evidence: last dated {seen.isoformat()}, {age} days before the assessment "
            f"({facts.assessed_on.isoformat()}), more than the maximum evidence age of {limit} days; see it again "
            "before relying on its characterization"
            for pid, (seen, age) in sorted(stale.items())],
        "derivations": derivations,
    })


def _evidence(item: Any) -> EvidenceResult:
    """A fact file's evidence (text, or a validated typed item) as a result: the same fields."""
    if isinstance(item, str):
        return trusted(EvidenceResult, {"text": item, "type": None, "source": None, "by": None, "on": None})
    return trusted(EvidenceResult, {"text": item.text, "type": item.type, "source": item.source, "by": item.by,
                                    "on": item.on})


def _answer(answer: Any) -> AnswerResult:
    """A respondent's validated answer as a result: the same fields, typed evidence as results."""
    return trusted(AnswerResult, {
        "respondent": answer.respondent, "role": answer.role, "status": answer.status.value,
        "evidence": [e if isinstance(e, str) else _evidence(e) for e in answer.evidence],
        "note": answer.note, "on": answer.on, "reason": answer.reason})
