"""The reference evaluator: the rating semantics (``engine/rating.py``, ``docs/rating.md``) as plain Python.

It is the test oracle for the durable_rules inference (both must agree exactly on every fact file), the
cross-check run on every real assessment, and the performance baseline. It is written straight from the
semantics, not from the rules, so that a mistake in one is unlikely to be repeated in the other.

:func:`reevaluate` is its fast path for searches (one seam, held equal to :func:`evaluate` by
``tests/test_reference_reevaluate.py``): the same conclusions, worked out from those of a nearby input.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.knowledge import (
    AttributeCondition,
    Comparison,
    FrameworkCondition,
    MaturityCondition,
    PracticeCondition,
)
from mlops_maturity.engine.rating import (
    NOT_APPLICABLE,
    UNSAT,
    Conclusions,
    any_of,
    capability,
    framework_group_id,
    practice_class,
    rate_alternative,
    rate_area,
    rate_framework_level,
    rate_goal,
    required_capability,
)

PRACTICE_CLASSES: dict[str, tuple[str, ...]] = {
    "satisfied": ("FI", "LI"),
    "not_satisfied": UNSAT,
    "not_implemented": ("PI", "NI"),
    "not_observed": ("NY", "NO"),
    "not_applicable": ("NA",),
}
"""The practice classes insight rules test (``knowledge.PracticeCondition``)."""


def _compare(value: int, comparison: Comparison) -> bool:
    if comparison.below is not None:
        return value < comparison.below
    if comparison.at_least is not None:
        return value >= comparison.at_least
    return value == comparison.equals


def evaluate(
    kb: KnowledgeBase,
    statuses: Mapping[str, str],
    context: Mapping[str, Any],
    direct: Mapping[str, str] | None = None,
    out_of_scope: Collection[str] = (),
) -> Conclusions:
    """Evaluate the knowledge base.

    Args:
        kb: the knowledge base.
        statuses: every practice's status (``NO`` = not observed).
        context: the fact file's context attributes.
        direct: CMMI practices the assessor characterized directly (id -> FI/LI/PI/NI/NY).
        out_of_scope: process areas declared out of scope.
    """
    direct = direct or {}
    out = Conclusions()
    cls = {pid: practice_class(s) for pid, s in statuses.items()}
    rate = _rater(out, direct, cls.__getitem__)
    for mp in kb.model_practices.values():
        inherited = out.mp_status[mp.inherits] if mp.inherits else None
        out.mp_status[mp.id] = rate(mp.id, mp.alternatives, inherited)
    for gg in kb.generic_goals:
        out.goal_status[gg.id] = rate_goal(out.mp_status[gp.id] for gp in gg.practices)
    for gid in kb.goals:
        out.goal_status[gid] = rate_goal(out.mp_status[m] for m in kb.goal_model_practices[gid])
    _rate_areas_and_levels(kb, out, out_of_scope)
    for fid, fw in kb.frameworks.items():
        _rate_framework(fid, fw, None, out, cls.__getitem__, rate)
    _rate_readiness(kb, statuses, kb.practices, out)
    _rate_findings(kb, statuses, context, out)
    return out


def reevaluate(
    kb: KnowledgeBase,
    statuses: Mapping[str, str],
    context: Mapping[str, Any],
    direct: Mapping[str, str] | None,
    out_of_scope: Collection[str],
    base_statuses: Mapping[str, str],
    base: Conclusions,
) -> Conclusions:
    """:func:`evaluate` of ``statuses``, worked out from ``base``, the conclusions of ``base_statuses`` (the same
    knowledge base, context, direct characterizations and scope): only what a practice whose status differs can
    change is rated again (its CMMI practices and those inheriting them, their goals, every area and level, its
    framework levels, its own and its dependents' prerequisites, the insight rules). The result equals
    :func:`evaluate`'s, dict order included; for searches that try many what-ifs one practice apart.
    """
    direct = direct or {}
    changed = [pid for pid in kb.practices if statuses[pid] != base_statuses[pid]]
    out = Conclusions(alt_status=dict(base.alt_status), mp_status=dict(base.mp_status),
                      goal_status=dict(base.goal_status), pa_status=dict(base.pa_status),
                      framework_level_status=dict(base.framework_level_status),
                      framework_level=dict(base.framework_level), blocked_by=dict(base.blocked_by),
                      ready=set(base.ready))

    def class_of(pid: str) -> str:
        return practice_class(statuses[pid])

    rate = _rater(out, direct, class_of)
    moved: set[str] = set()

    def rerate(mp_ids: Collection[str]) -> None:
        for mp_id in mp_ids:
            mp = kb.model_practices[mp_id]
            status = rate(mp_id, mp.alternatives, out.mp_status[mp.inherits] if mp.inherits else None)
            if status != out.mp_status[mp_id]:
                out.mp_status[mp_id] = status
                moved.add(mp_id)

    touched = {m for pid in changed for m in kb.practice_implements[pid]}
    # Only an area's generic practice inherits, and only an organization-level one: those first, then the rest.
    organization = {m for m in touched if kb.model_practices[m].kind == "generic"}
    rerate(sorted(organization))
    heirs = {mp.id for mp in kb.model_practices.values() if mp.inherits in moved} if moved else set()
    rerate(sorted((touched - organization) | heirs))
    for gg in kb.generic_goals:
        if any(gp.id in moved for gp in gg.practices):
            out.goal_status[gg.id] = rate_goal(out.mp_status[gp.id] for gp in gg.practices)
    for gid in {kb.model_practices[m].goal for m in moved} & kb.goals.keys():
        out.goal_status[gid] = rate_goal(out.mp_status[m] for m in kb.goal_model_practices[gid])
    _rate_areas_and_levels(kb, out, out_of_scope)
    levels = {key for pid in changed for key in kb.framework_practices.get(pid, [])}
    for fid, fw in kb.frameworks.items():
        if any((fid, lv.level) in levels for lv in fw.levels):
            _rate_framework(fid, fw, levels, out, class_of, rate)
    # blocked_by holds every practice already (copied from base): setting some keeps its order.
    _rate_readiness(kb, statuses, {q for p in changed for q in (p, *kb.dependents[p])}, out)
    _rate_findings(kb, statuses, context, out)
    return out


def _rater(out: Conclusions, direct: Mapping[str, str],
           class_of: Callable[[str], str]) -> Callable[..., str]:
    """The rating of one CMMI practice (or framework any-of requirement) from its alternatives, recording each
    alternative's class in ``out``; ``class_of`` gives a practice's class."""

    def rate(mp_id: str, alternatives: Any, inherited: str | None = None) -> str:
        classes = []
        for k, alt in enumerate(alternatives, 1):
            out.alt_status[f"{mp_id}#{k}"] = status = rate_alternative(class_of(p) for p in alt)
            classes.append(status)
        if inherited is not None:
            classes.append(inherited)
        if mp_id in direct:
            return practice_class(direct[mp_id])
        return any_of(classes)[0]

    return rate


def _rate_areas_and_levels(kb: KnowledgeBase, out: Conclusions, out_of_scope: Collection[str]) -> None:
    """Every process area from its goals (in the knowledge base's order), then the maturity levels met and the
    maturity level."""
    for pa in kb.process_areas:
        if pa.id in out_of_scope:
            out.pa_status[pa.id] = ("out_of_scope", -1)
            continue
        rating = rate_area(out.goal_status[g.id] for g in pa.goals)
        out.pa_status[pa.id] = (rating, capability(rating, out.goal_status[f"{pa.id}.GG2"],
                                                   out.goal_status[f"{pa.id}.GG3"]))
    for n in range(2, 6):
        if all(out.pa_status[pa.id][0] == "out_of_scope" or out.pa_status[pa.id][1] >= required_capability(n)
               for pa in kb.process_areas if pa.maturity_level <= n):
            out.levels_met.add(n)
    level = 1
    while level + 1 in out.levels_met:
        level += 1
    out.maturity_level = level


def _rate_framework(fid: str, fw: Any, levels: Collection[tuple[str, int]] | None, out: Conclusions,
                    class_of: Callable[[str], str], rate: Callable[..., str]) -> None:
    """The levels of framework ``fid`` (only those in ``levels`` when given; the others keep their status in
    ``out``), then the level it reaches."""
    for lv in fw.levels:
        if levels is not None and (fid, lv.level) not in levels:
            continue
        classes = []
        for i, group in enumerate(lv.requirement_groups, 1):
            if len(group) == 1 and len(group[0]) == 1:
                classes.append(class_of(group[0][0]))
            else:
                gid = framework_group_id(fid, lv.level, i)
                out.mp_status[gid] = rate(gid, group)
                classes.append(out.mp_status[gid])
        out.framework_level_status[(fid, lv.level)] = rate_framework_level(classes)
    reached: int | None = None
    for lv in fw.levels:
        if out.framework_level_status[(fid, lv.level)] != "met":
            break
        reached = lv.level
    out.framework_level[fid] = reached


def _rate_readiness(kb: KnowledgeBase, statuses: Mapping[str, str], practices: Iterable[str],
                    out: Conclusions) -> None:
    """Each of ``practices``: its unsatisfied prerequisites (``blocked_by``), and ready when it is unsatisfied and
    has none."""
    for pid in practices:
        waiting = statuses[pid] in UNSAT
        out.blocked_by[pid] = sorted(q for q in kb.practices[pid].requires if waiting and statuses[q] in UNSAT)
        if waiting and not out.blocked_by[pid]:
            out.ready.add(pid)
        else:
            out.ready.discard(pid)


def _rate_findings(kb: KnowledgeBase, statuses: Mapping[str, str], context: Mapping[str, Any],
                   out: Conclusions) -> None:
    """The insight rules that hold, by id."""
    for rule in kb.insights:
        if all(_holds(c, statuses, context, out) for c in rule.when):
            out.findings.append(rule.id)
    out.findings.sort()


def _holds(cond: Any, statuses: Mapping[str, str], context: Mapping[str, Any], out: Conclusions) -> bool:
    if isinstance(cond, PracticeCondition):
        return statuses[cond.practice] in PRACTICE_CLASSES[cond.is_]
    if isinstance(cond, MaturityCondition):
        return _compare(out.maturity_level, cond.maturity_level)
    if isinstance(cond, FrameworkCondition):
        level = out.framework_level.get(cond.framework)
        return _compare(-1 if level is None else level, cond.level)
    if isinstance(cond, AttributeCondition):
        present = cond.attribute in context
        if cond.missing is not None:
            return present != cond.missing
        if not present:
            return False
        value = context[cond.attribute]
        if cond.at_least is not None:
            return isinstance(value, int) and not isinstance(value, bool) and value >= cond.at_least
        return type(value) is type(cond.equals) and value == cond.equals
    raise TypeError(f"unknown condition {cond!r}")


__all__ = ["NOT_APPLICABLE", "PRACTICE_CLASSES", "evaluate", "reevaluate"]
