"""Findings worded and rated by their basis: the practices an insight rule rests on, as the fact file gives them.

An insight rule fires on classes (``not_satisfied`` is PI, NI, NY or not observed), but what it may say depends on
which: a practice assessed NI is absent, one assessed PI is partially in place (the finding cites its evidence), one
with no evidence recorded is unknown (the finding says so and asks to verify). The rules engine decides whether a
rule fires; this module only words what fired (after inference, for both evaluators alike).

The policy (documented in ``docs/rating.md``, "Findings"):

- no practice basis (context attributes, levels): the rule's ``finding`` and ``severity`` as stated;
- every practice of the basis NI: the rule's ``finding`` and ``severity`` (``wording: absent``);
- some PI, none unassessed: each PI practice "is partially in place (evidence: ...)", each NI one "is not in place",
  then the rule's ``risk``; severity ``partial_severity`` or one step lower (``wording: partial``);
- some NY or not observed: "No evidence of <practice> was recorded (verify)" (NY: "is marked 'not yet' (verify)"),
  the others as above, then the rule's ``risk``; severity two steps lower (``wording: to_verify``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.inference import public_status
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.knowledge import FrameworkCondition, InsightRule, PracticeCondition
from mlops_maturity.engine.rating import NOT_APPLICABLE, SAT, SATISFIED, Conclusions, practice_class

SEVERITIES = ("info", "low", "medium", "high")
"""Severities, lowest first."""

UNASSESSED = ("NY", "not_observed")


def lower(severity: str, steps: int) -> str:
    """``severity`` lowered by ``steps`` (never below info)."""
    return SEVERITIES[max(0, SEVERITIES.index(severity) - steps)]


def _first_lower(name: str) -> str:
    """A practice name inside a sentence: "Independent model validation" -> "independent model validation"; an
    acronym ("ML project plan") stays."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def _names(items: list[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def _unmet_requirements(kb: KnowledgeBase, c: Conclusions, statuses: Mapping[str, str], condition: FrameworkCondition
                        ) -> tuple[int | None, list[str]]:
    """What "the framework's level is below k" rests on: the first level not reached (k or below) and the
    practices of its requirements that are not met."""
    fw = kb.frameworks[condition.framework]
    reached = c.framework_level.get(condition.framework)
    bound = condition.level.below
    first = next((lv for lv in fw.levels if reached is None or lv.level > reached), None)
    if first is None or bound is None or first.level > bound:
        return None, []
    out: list[str] = []
    for i, group in enumerate(first.requirement_groups, 1):
        if len(group) == 1 and len(group[0]) == 1:
            met = practice_class(statuses[group[0][0]]) in (SATISFIED, NOT_APPLICABLE)
        else:
            met = c.mp_status[f"fw:{fw.id}:{first.level}:{i}"] in (SATISFIED, NOT_APPLICABLE)
        if not met:
            out += [p for alt in group for p in alt if statuses[p] not in (*SAT, "NA") and p not in out]
    return first.level, out


def basis(kb: KnowledgeBase, rule: InsightRule, c: Conclusions, statuses: Mapping[str, str], facts: FactFile,
          assumptions: Mapping[str, str]) -> list[dict[str, Any]]:
    """The practices a fired rule rests on: its ``not_satisfied``/``not_implemented`` conditions' practices, and the
    unmet requirements of a framework level its ``below`` condition rests on; each once, in the rule's order."""
    wanted: dict[str, str] = {}
    for condition in rule.when:
        if isinstance(condition, PracticeCondition) and condition.is_ in ("not_satisfied", "not_implemented"):
            wanted.setdefault(condition.practice, condition.is_)
        elif isinstance(condition, FrameworkCondition) and condition.level.below is not None:
            level, unmet = _unmet_requirements(kb, c, statuses, condition)
            for pid in unmet:
                wanted.setdefault(pid, f"required by {condition.framework} level {level}")
    out = []
    for pid, condition_name in wanted.items():
        observation = facts.practices.get(pid)
        assumed = pid in assumptions
        out.append({
            "practice": pid, "name": kb.practices[pid].name, "condition": condition_name,
            "status": public_status(statuses[pid]),
            "evidence": list(observation.evidence_texts) if observation and not assumed else [],
            "note": observation.note if observation and not assumed else None,
            "assumed": assumed,
        })
    return out


def _cite(b: Mapping[str, Any]) -> str:
    parts = []
    if b["evidence"]:
        parts.append("evidence: " + "; ".join(b["evidence"]))
    if b["note"]:
        parts.append("note: " + b["note"].strip().rstrip("."))
    if b["assumed"]:
        parts.append("assumed for this what-if")
    return f" ({'; '.join(parts)})" if parts else ""


def finding(kb: KnowledgeBase, rule: InsightRule, c: Conclusions, statuses: Mapping[str, str], facts: FactFile,
            assumptions: Mapping[str, str]) -> dict[str, Any]:
    """A fired rule as a finding (plain data for :class:`~mlops_maturity.engine.results.Finding`)."""
    rested = basis(kb, rule, c, statuses, facts, assumptions)
    severity = rule.severity.value
    out = {"rule": rule.id, "name": rule.name, "severity": severity, "message": rule.finding,
           "recommendation": rule.recommendation, "practices": list(rule.practices), "source": rule.source,
           "basis": rested, "wording": "absent" if rested else "as_stated", "rule_severity": severity}
    unassessed = [b for b in rested if b["status"] in UNASSESSED]
    partial = [b for b in rested if b["status"] == "PI"]
    if not unassessed and not partial:
        return out
    leads = []
    unseen = [b for b in unassessed if b["status"] == "not_observed"]
    if unseen:
        leads.append(f"No evidence of {_names([_first_lower(b['name']) for b in unseen], 'or')} was recorded "
                     "(verify).")
    for b in rested:
        if b["status"] == "NY":
            leads.append(f"{b['name']} is marked 'not yet'{_cite(b)} (verify).")
        elif b["status"] == "PI":
            leads.append(f"{b['name']} is partially in place{_cite(b)}.")
        elif b["status"] == "NI":
            leads.append(f"{b['name']} is not in place{_cite(b)}.")
    # A rule without a risk text (a firm's overlay): its finding, made conditional, never asserted.
    out["message"] = " ".join([*leads, rule.risk or f"Where it is missing: {rule.finding}"])
    if unassessed:
        out.update(wording="to_verify", severity=lower(severity, 2))
    else:
        out.update(wording="partial",
                   severity=rule.partial_severity.value if rule.partial_severity else lower(severity, 1))
    return out
