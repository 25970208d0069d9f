"""Assessing a fact file: effective statuses, inference, cross-check, and the result object."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from mlops_maturity.engine import documents, reference
from mlops_maturity.engine.errors import Problem, UserInputError, VerificationError
from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.inference import NOT_OBSERVED, SAT, Conclusions, infer, public_status
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.results import Assessment

ASSUMABLE = ("FI", "LI", "PI", "NI", "NY")


def parse_assumptions(items: list[str], kb: KnowledgeBase) -> dict[str, str]:
    """``["ml.model-registry=FI", ...]`` -> ``{"ml.model-registry": "FI"}``, checked against the KB.

    Raises:
        UserInputError: malformed items, unknown practices or statuses, one practice assumed twice differently.
    """
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for item in items:
        pid, sep, status = item.partition("=")
        pid, status = pid.strip(), status.strip()
        if not sep or not pid or not status:
            problems.append(Problem("--assume", item, "expected PRACTICE=STATUS, e.g. ml.model-registry=FI"))
            continue
        if pid in out and out[pid] != status:
            problems.append(Problem("--assume", item, f"{pid} is already assumed {out[pid]}; assume it once"))
            continue
        out[pid] = status
    problems.extend(assumption_problems(out, kb))
    if problems:
        raise UserInputError(problems)
    return out


def assumption_problems(assumptions: Mapping[str, str], kb: KnowledgeBase) -> list[Problem]:
    """What is wrong with what-if assumptions (practice id -> FI/LI/PI/NI/NY); empty when they are valid."""
    problems = []
    for pid, status in assumptions.items():
        item = f"{pid}={status}"
        if pid not in kb.practices:
            problems.append(Problem("--assume", item, "unknown practice id" + documents.suggest(pid, kb.practices)))
        if status not in ASSUMABLE:
            problems.append(Problem("--assume", item, f"unknown status {status!r}; valid: {', '.join(ASSUMABLE)}"
                                    + documents.suggest(status, ASSUMABLE)))
    return problems


def effective_statuses(kb: KnowledgeBase, facts: FactFile, assumptions: Mapping[str, str]) -> dict[str, str]:
    """Every practice's status: assumed, else observed, else ``NO`` (not observed)."""
    out = {}
    for pid in kb.practices:
        if pid in assumptions:
            out[pid] = assumptions[pid]
        elif pid in facts.practices:
            out[pid] = facts.practices[pid].status.value
        else:
            out[pid] = NOT_OBSERVED
    return out


def assess(
    kb: KnowledgeBase,
    facts: FactFile,
    assumptions: Mapping[str, str] | None = None,
    *,
    verify: bool = True,
    source: str | None = None,
    evaluator: str = "rules",
) -> Assessment:
    """Assess a fact file.

    Args:
        kb: the knowledge base.
        facts: the validated fact file.
        assumptions: what-if statuses that override the fact file (practice id -> FI/LI/PI/NI/NY).
        verify: cross-check the rules engine against the reference evaluator.
        source: the fact file's name, recorded in the result.
        evaluator: ``rules`` (durable_rules, the default) or ``reference`` (plain Python, no trace).

    Raises:
        UserInputError: an assumption names an unknown practice or status.
        VerificationError: the two evaluators disagree (an internal error).
        InferenceError: the rules engine failed.
    """
    assumptions = dict(sorted((assumptions or {}).items()))
    problems = assumption_problems(assumptions, kb)
    if problems:
        raise UserInputError(problems)
    statuses = effective_statuses(kb, facts, assumptions)
    context = dict(facts.context)
    if evaluator == "reference":
        conclusions = reference.evaluate(kb, statuses, context)
    elif evaluator == "rules":
        conclusions = infer(kb, statuses, context)
        if verify:
            expected = reference.evaluate(kb, statuses, context)
            differences = compare(conclusions, expected)
            if differences:
                raise VerificationError(
                    differences,
                    json.dumps(conclusions.comparable(), indent=2),
                    json.dumps(expected.comparable(), indent=2),
                )
    else:
        raise ValueError(f"unknown evaluator {evaluator!r}")
    return build_assessment(kb, facts, statuses, assumptions, conclusions, source)


def compare(got: Conclusions, expected: Conclusions) -> list[str]:
    """Differences between two evaluators' conclusions, one line each (empty when they agree)."""
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


def build_assessment(
    kb: KnowledgeBase,
    facts: FactFile,
    statuses: dict[str, str],
    assumptions: Mapping[str, str],
    c: Conclusions,
    source: str | None,
) -> Assessment:
    """Assemble the result object from conclusions (the same for both evaluators).

    The result is built as plain data and validated once (pydantic validates a whole tree in one call several
    times faster than model by model).
    """
    shown = {pid: public_status(status) for pid, status in statuses.items()}

    def goal(gid: str) -> dict[str, Any]:
        return {"id": gid, "name": kb.goals[gid].name, "status": c.goal_status[gid],
                "practices": [{"id": p, "status": shown[p]} for p in kb.goal_practices[gid]]}

    areas = []
    for pa in kb.process_areas:
        rating, capability = c.pa_status[pa.id]
        areas.append({
            "id": pa.id, "name": pa.name, "category": pa.category.value, "maturity_level": pa.maturity_level,
            "status": rating, "capability_level": None if capability < 0 else capability,
            "goals": [goal(g.id) for g in pa.goals],
        })
    frameworks = []
    for fid, fw in kb.frameworks.items():
        level = c.framework_level.get(fid)
        names = {lv.level: lv.name for lv in fw.levels}
        frameworks.append({
            "id": fid, "name": fw.name, "level": level, "level_name": names.get(level) if level is not None else None,
            "levels": [
                {"level": lv.level, "name": lv.name, "met": (fid, lv.level) in c.framework_levels_met,
                 "missing": [p for p in lv.practices if not (statuses[p] in SAT or statuses[p] == "NA")]}
                for lv in fw.levels
            ],
        })
    practices = []
    for pid, practice in kb.practices.items():
        observation = facts.practices.get(pid)
        practices.append({
            "id": pid, "name": practice.name, "status": shown[pid], "satisfied": statuses[pid] in SAT,
            "ready": pid in c.ready, "blocked_by": c.blocked_by.get(pid, []),
            "evidence": list(observation.evidence) if observation else [],
            "note": observation.note if observation else None,
            "observed_on": observation.observed_on if observation else None,
            "reason": observation.reason if observation and statuses[pid] == "NA" else None,
            "assumed": pid in assumptions,
        })
    rules = {r.id: r for r in kb.insights}
    severity_rank = {"high": 0, "medium": 1, "low": 2, "info": 3}
    findings = sorted(
        ({"rule": r, "name": rules[r].name, "severity": rules[r].severity.value, "message": rules[r].finding,
          "recommendation": rules[r].recommendation, "practices": list(rules[r].practices),
          "source": rules[r].source} for r in c.findings),
        key=lambda f: (severity_rank[f["severity"]], f["rule"]),
    )
    derivations = [
        {"fact": d.fact, "rule": d.rule, "premises": list(d.premises)}
        for d in sorted(c.derivations.values(), key=lambda d: d.fact)
    ]
    return Assessment.model_validate({
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
        "frameworks": frameworks,
        "practices": practices,
        "findings": findings,
        "assumptions": [{"practice": p, "status": s} for p, s in assumptions.items()],
        "derivations": derivations,
    })
