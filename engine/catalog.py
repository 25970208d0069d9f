"""Browsing the knowledge base: the whole base as a document, one entry, filtered lists, a blank fact file."""

from __future__ import annotations

import textwrap
from typing import Any

from mlops_maturity.engine import documents
from mlops_maturity.engine.errors import Problem, UserInputError
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.levels import check_framework_level


def practice_document(kb: KnowledgeBase, pid: str) -> dict[str, Any]:
    """One practice with what the engine derives about it (serving level, dependents, frameworks)."""
    p = kb.practices[pid]
    doc = p.model_dump(mode="json")
    doc["serving_level"] = kb.serving_level[pid] if kb.serving_level[pid] <= 5 else None
    doc["implements"] = kb.practice_implements.get(pid, [])
    doc["required_by"] = kb.dependents[pid]
    doc["frameworks"] = [{"framework": f, "level": lv} for f, lv in kb.framework_practices.get(pid, [])]
    doc["problem_areas"] = [a.id for a in kb.problem_areas if pid in a.practices]
    return doc


def kb_document(kb: KnowledgeBase) -> dict[str, Any]:
    """The whole knowledge base, with the practices evidencing every goal resolved."""
    return {
        "fingerprint": kb.fingerprint,
        "maturity_levels": [lv.model_dump(mode="json") for lv in kb.maturity_levels],
        "process_areas": [pa.model_dump(mode="json") for pa in kb.process_areas],
        "generic_goals": [gg.model_dump(mode="json") for gg in kb.generic_goals],
        "practices": [practice_document(kb, pid) for pid in kb.practices],
        "frameworks": [fw.model_dump(mode="json") for fw in kb.frameworks.values()],
        "problem_areas": [a.model_dump(mode="json") for a in kb.problem_areas],
        "insights": [r.model_dump(mode="json", by_alias=True) for r in kb.insights],
        "attributes": [a.model_dump(mode="json") for a in kb.attributes.values()],
        "assessment_policy": kb.assessment_policy.model_dump(mode="json") if kb.assessment_policy else None,
    }


def entry_document(kb: KnowledgeBase, ident: str) -> dict[str, Any]:
    """One entry by id: a practice, process area, goal, framework, insight rule, problem area or attribute.

    Raises:
        UserInputError: no entry has that id (with the closest ids suggested).
    """
    if ident in kb.practices:
        return {"type": "practice", **practice_document(kb, ident)}
    if ident in kb.process_area:
        return {"type": "process_area", **kb.process_area[ident].model_dump(mode="json")}
    if ident in kb.goals:
        info = kb.goals[ident]
        return {"type": "goal", "id": ident, "name": info.name, "process_area": info.process_area,
                "maturity_level": info.level, "practices": kb.goal_model_practices[ident]}
    if ident in kb.model_practices:
        mp = kb.model_practices[ident]
        return {"type": "cmmi_practice", "id": mp.id, "name": mp.name, "kind": mp.kind, "goal": mp.goal,
                "process_area": mp.process_area, "interpretation": mp.interpretation, "inherits": mp.inherits,
                "maturity_level": kb.model_practice_level(ident),
                "implemented_by": [list(alt) for alt in mp.alternatives]}
    if ident in kb.frameworks:
        return {"type": "framework", **kb.frameworks[ident].model_dump(mode="json")}
    for rule in kb.insights:
        if rule.id == ident:
            return {"type": "insight", **rule.model_dump(mode="json", by_alias=True)}
    for area in kb.problem_areas:
        if area.id == ident:
            return {"type": "problem_area", **area.model_dump(mode="json")}
    if ident in kb.attributes:
        return {"type": "attribute", **kb.attributes[ident].model_dump(mode="json")}
    known = (list(kb.practices) + list(kb.process_area) + list(kb.goals) + list(kb.model_practices)
             + list(kb.frameworks)
             + [r.id for r in kb.insights] + [a.id for a in kb.problem_areas] + list(kb.attributes))
    raise UserInputError(f"no knowledge-base entry with id {ident!r}{documents.suggest(ident, known)}")


def list_practices(
    kb: KnowledgeBase,
    *,
    framework: str | None = None,
    process_area: str | None = None,
    search: str | None = None,
) -> list[str]:
    """Practice ids, filtered by framework, process area (or goal) and a case-insensitive text search.

    Raises:
        UserInputError: an unknown framework or process area (the problem names the parameter).
    """
    ids = list(kb.practices)
    if framework is not None:
        check_framework_level(kb, framework, None, parameter="framework")
        wanted = {p for lv in kb.frameworks[framework].levels for p in lv.practices}
        ids = [p for p in ids if p in wanted]
    if process_area is not None:
        if process_area in kb.process_area:
            def wanted_practice(mid: str) -> bool:
                return kb.model_practices[mid].process_area == process_area
        elif process_area in kb.goals or process_area in kb.model_practices:
            def wanted_practice(mid: str) -> bool:
                return process_area in (mid, kb.model_practices[mid].goal)
        else:
            known = list(kb.process_area) + list(kb.goals) + list(kb.model_practices)
            raise UserInputError([Problem.of_parameter(
                "process_area", process_area,
                f"unknown process area, goal or CMMI practice {process_area!r}"
                f"{documents.suggest(process_area, known)}")])
        ids = [p for p in ids if any(wanted_practice(m) for m in kb.practice_implements.get(p, []))]
    if search:
        needle = search.lower()
        ids = [p for p in ids if needle in " ".join(
            [p, kb.practices[p].name, kb.practices[p].description, kb.practices[p].guidance]).lower()]
    return ids


INIT_ORDERS = ("area", "role")
"""How ``blank_fact_file`` orders the practices: by process area, or by the role to interview."""

_WIDTH = 116
"""Width of the blank file's comment lines."""


def blank_fact_file(kb: KnowledgeBase, by: str = "area") -> str:
    """A fact file listing every practice with an empty value, ready to fill in; valid YAML as it is.

    Every practice is listed uncommented with no value (YAML null), which the reader takes as "not filled in":
    not observed, so the file assessed as it is rates nothing (no placeholder is a valid rating). Each practice is
    preceded by comments: its name, whom to ask, the interview questions, what evidence to look for, and what FI,
    LI, PI and NI look like for it. ``by`` orders the practices: ``area`` (the process area of the lowest-level
    CMMI practice each implements; organization-level generic practices next, then those implementing none) or
    ``role`` (the interview role, then the practice id).

    Raises:
        UserInputError: ``by`` is neither ``area`` nor ``role``.
    """
    if by not in INIT_ORDERS:
        raise UserInputError([Problem.of_parameter("by", str(by), f"expected one of {', '.join(INIT_ORDERS)}"
                                                   + documents.suggest(str(by), INIT_ORDERS))])
    out = _header(kb)
    out.append("practices:")
    for title, pids in _sections(kb, by):
        out += ["", f"  # === {title}: {len(pids)} practice{'s' if len(pids) != 1 else ''} ==="]
        for pid in pids:
            out += [""] + _practice_lines(kb, pid)
    return "\n".join(out) + "\n"


def _header(kb: KnowledgeBase) -> list[str]:
    policy = kb.assessment_policy
    lines = [
        "# mlops-maturity fact file. Characterize each practice the way a SCAMPI appraisal does:",
        "#   FI fully implemented, LI largely implemented, PI partially implemented, NI not implemented,",
        "#   NY not yet (the work has not reached the point where it applies), NA not applicable (give a reason).",
        "# Every practice is listed with an empty value: an empty practice is NOT FILLED IN and is read as 'not",
        "# observed' (reported as 'assess it first', never as 'not implemented'). Fill in the ones you assessed:",
        "#   short form:  ml.model-registry: FI",
        '#   full form:   ml.model-registry: {status: PI, evidence: ["..."], note: "...", observed_on: 2026-01-31}',
        "# The comments above each practice say whom to ask, what to ask, what to look for and what each",
        "# characterization looks like for that practice. Set assessed_on to the date of the assessment.",
    ]
    if policy is not None:
        lines += _wrap(f"An observation dated more than {policy.max_evidence_age_days} days before assessed_on "
                       "(observed_on, else its evidence's dates) is flagged stale in the assessment.", "# ")
    lines += [
        "organization: Your organization",
        "assessed_on: 2026-01-01",
        "# assessor: Your name",
        "# scope: the units, products or model portfolio assessed",
    ]
    if kb.attributes:
        lines.append("# context:")
        for attr in kb.attributes.values():
            kinds = {"boolean": "true/false", "integer": "a whole number", "string": " | ".join(attr.values or [])}
            lines.append(f"#   {attr.id}: {kinds[attr.type] or 'text'}")
            lines += _wrap(attr.description, "#       ")
    return lines


def _sections(kb: KnowledgeBase, by: str) -> list[tuple[str, list[str]]]:
    """The blank file's sections in order: (title, practice ids), empty sections left out."""
    sections: list[tuple[str, list[str]]] = []
    if by == "role":
        from typing import get_args

        from mlops_maturity.engine.knowledge import Role

        for role in get_args(Role):
            sections.append((f"Role {role}", [p for p in kb.practices if p in kb.interview
                                               and kb.interview[p].role == role]))
        sections.append(("No interview entry in the knowledge base", [p for p in kb.practices
                                                                        if p not in kb.interview]))
    else:
        for pa in kb.process_areas:
            sections.append((f"{pa.id} {pa.name}, maturity level {pa.maturity_level}",
                             [p for p in kb.practices if _home(kb, p) == pa.id]))
        sections.append(("Generic practices (GG2 / GG3; every process area inherits them)",
                         [p for p in kb.practices if _home(kb, p) == ""]))
        sections.append(("Practices the ML Ops frameworks call for (no CMMI practice rests on them)",
                         [p for p in kb.practices if _home(kb, p) is None]))
    return [(title, pids) for title, pids in sections if pids]


def _home(kb: KnowledgeBase, pid: str) -> str | None:
    """The process area a practice is listed under in the blank file: that of the lowest-level CMMI practice it
    implements ("" for an organization-level generic practice; None when it implements none)."""
    implemented = sorted(kb.practice_implements.get(pid, []), key=lambda m: (kb.model_practice_level(m), m))
    if not implemented:
        return None
    return kb.model_practices[implemented[0]].process_area or ""


def _wrap(text: str, first: str, rest: str | None = None) -> list[str]:
    """Comment lines of at most ``_WIDTH`` characters (a word longer than the width stays whole)."""
    return textwrap.wrap(" ".join(text.split()), _WIDTH, initial_indent=first,
                         subsequent_indent=first if rest is None else rest,
                         break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def _practice_lines(kb: KnowledgeBase, pid: str) -> list[str]:
    p = kb.practices[pid]
    lines = _wrap(f"{pid}: {p.name}", "  # ", "  #   ")
    entry = kb.interview.get(pid)
    if entry is not None:
        also = f" (also: {', '.join(entry.also_ask)})" if entry.also_ask else ""
        lines.append(f"  #   Ask: {entry.role}{also}")
        for question in entry.questions:
            lines += _wrap(question, "  #   Q: ", "  #      ")
    if p.evidence:
        lines += _wrap(f"Look for: {'; '.join(p.evidence)}", "  #   ", "  #     ")
    if entry is not None:
        for level in ("FI", "LI", "PI", "NI"):
            lines += _wrap(getattr(entry.rubric, level), f"  #   {level}: ", "  #       ")
    lines.append(f"  {pid}:")
    return lines


ENTRY_LEAD = ("type", "id", "name", "description")
"""Fields of an entry that make its title and opening paragraph in :func:`entry_text`."""


def entry_text(doc: dict[str, Any], width: int | None = None) -> str:
    """A knowledge-base entry (:func:`entry_document`) as readable text: a title (``id: name``, its type), the
    description as a paragraph, then every other field as a section, prose wrapped to ``width`` (default 100) on
    words only, so an id is never split; lists one item a line, mappings one ``key: value`` a line."""
    import textwrap

    cols = max(40, width or 100)

    def wrap(text: str, indent: str) -> list[str]:
        return textwrap.wrap(text, cols, initial_indent=indent, subsequent_indent=indent + "  ",
                             break_long_words=False, break_on_hyphens=False) or [indent]

    def inline(value: Any) -> str:
        if isinstance(value, dict):
            if set(value) == {"min", "max"}:
                return f"{value['min']}-{value['max']}"
            return ", ".join(f"{k}: {inline(v)}" for k, v in value.items())
        if isinstance(value, list):
            return ", ".join(inline(v) for v in value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    title = " ".join(str(doc[k]) for k in ("id", "name") if doc.get(k)) or str(doc.get("type", "entry"))
    lines = [title + (f" ({doc['type']})" if doc.get("type") else ""), "=" * min(cols, len(title))]
    if doc.get("description"):
        lines += ["", *textwrap.wrap(" ".join(str(doc["description"]).split()), cols, break_long_words=False,
                                     break_on_hyphens=False)]
    for key, value in doc.items():
        if key in ENTRY_LEAD or value in (None, [], {}, ""):
            continue
        label = key.replace("_", " ").capitalize()
        if isinstance(value, list):
            lines += ["", label + ":"]
            for item in value:
                lines += wrap(inline(item), "  - ")
        elif isinstance(value, dict) and not set(value) == {"min", "max"}:
            lines += ["", label + ":"]
            for k, v in value.items():
                lines += wrap(f"{k}: {inline(v)}", "  ")
        else:
            lines += wrap(f"{label}: {inline(value)}", "")
    return "\n".join(line.rstrip() for line in lines) + "\n"
