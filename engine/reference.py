"""The reference evaluator: the same semantics as the rules, written as plain Python.

It is the test oracle for the durable_rules inference (both must agree exactly on every fact file), the
cross-check run on every real assessment, and the performance baseline. It is deliberately written
straight from DESIGN.md, not from the rules, so that a mistake in one is unlikely to be repeated in the other.
"""

from __future__ import annotations

from typing import Any

from mlops_maturity.engine.inference import (
    FAILED,
    PRACTICE_CLASSES,
    SAT,
    Conclusions,
    required_capability,
)
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.knowledge import (
    AttributeCondition,
    Comparison,
    FrameworkCondition,
    MaturityCondition,
    PracticeCondition,
)


def rate_goal(statuses: list[str]) -> str:
    """SCAMPI goal rating over the characterizations of the practices evidencing a goal."""
    applicable = [s for s in statuses if s != "NA"]
    if statuses and not applicable:
        return "not_applicable"
    if statuses and all(s in SAT for s in applicable):
        return "satisfied"
    if any(s in FAILED for s in applicable):
        return "unsatisfied"
    return "not_rated"


def rate_area(goal_ratings: list[str]) -> str:
    """A process area's rating from its specific goals' ratings."""
    if all(r == "not_applicable" for r in goal_ratings):
        return "not_applicable"
    if all(r in ("satisfied", "not_applicable") for r in goal_ratings):
        return "satisfied"
    if "unsatisfied" in goal_ratings:
        return "unsatisfied"
    return "not_rated"


def _compare(value: int, comparison: Comparison) -> bool:
    if comparison.below is not None:
        return value < comparison.below
    if comparison.at_least is not None:
        return value >= comparison.at_least
    return value == comparison.equals


def evaluate(kb: KnowledgeBase, statuses: dict[str, str], context: dict[str, Any]) -> Conclusions:
    """Evaluate the knowledge base over effective practice statuses (``NO`` = not observed)."""
    out = Conclusions()
    for gid in kb.goals:
        out.goal_status[gid] = rate_goal([statuses[p] for p in kb.goal_practices[gid]])
    gg2 = out.goal_status.get("GG2") == "satisfied"
    gg3 = out.goal_status.get("GG3") == "satisfied"
    for pa in kb.process_areas:
        rating = rate_area([out.goal_status[g.id] for g in pa.goals])
        if rating == "not_applicable":
            capability = -1
        elif rating != "satisfied":
            capability = 0
        else:
            capability = 3 if gg2 and gg3 else 2 if gg2 else 1
        out.pa_status[pa.id] = (rating, capability)
    for n in range(2, 6):
        if all(
            out.pa_status[pa.id][0] == "not_applicable" or out.pa_status[pa.id][1] >= required_capability(n)
            for pa in kb.process_areas
            if pa.maturity_level <= n
        ):
            out.levels_met.add(n)
    level = 1
    while level + 1 in out.levels_met:
        level += 1
    out.maturity_level = level
    for fid, fw in kb.frameworks.items():
        reached: int | None = None
        for lv in fw.levels:
            met = all(statuses[p] in SAT or statuses[p] == "NA" for p in lv.practices)
            if met:
                out.framework_levels_met.add((fid, lv.level))
        for lv in fw.levels:
            if (fid, lv.level) not in out.framework_levels_met:
                break
            reached = lv.level
        out.framework_level[fid] = reached
    unsat = set(PRACTICE_CLASSES["not_satisfied"])
    for pid, practice in kb.practices.items():
        blockers = sorted(q for q in practice.requires if statuses[pid] in unsat and statuses[q] in unsat)
        out.blocked_by[pid] = blockers
        if statuses[pid] in unsat and not blockers:
            out.ready.add(pid)
    for rule in kb.insights:
        if all(_holds(c, statuses, context, out) for c in rule.when):
            out.findings.append(rule.id)
    out.findings.sort()
    return out


def _holds(cond: Any, statuses: dict[str, str], context: dict[str, Any], out: Conclusions) -> bool:
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
