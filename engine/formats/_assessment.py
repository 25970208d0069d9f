"""Rendering results for the terminal (rich tables) and as Markdown. No computation happens here."""

from __future__ import annotations

from mlops_maturity.engine.formats import RenderOptions
from mlops_maturity.engine.formats._terminal import console as make_console
from mlops_maturity.engine.formats._terminal import text_console, width_of
from mlops_maturity.engine.kb import Issue, KnowledgeBase
from mlops_maturity.engine.results import (
    Assessment,
    Coverage,
    FrameworkLevelResult,
    FrameworkResult,
    GoalResult,
    ModelPracticeResult,
    ProcessAreaResult,
)
from rich.table import Table

STATUS_WORDS = {
    "satisfied": "satisfied",
    "unsatisfied": "UNSATISFIED",
    "not_rated": "not rated",
    "out_of_scope": "out of scope",
    "not_applicable": "n/a",
}
"""Goal and process-area ratings in words (an unsatisfied one stands out)."""

CLASS_WORDS = {"satisfied": "satisfied", "failed": "failed", "unknown": "undetermined", "not_applicable": "n/a"}
"""CMMI-practice classes in words."""


def capability(value: int | None, status: str | None = None) -> str:
    """A capability level for display: ``out of scope`` or ``not rated`` when there is none (never a bare 0)."""
    if value is not None:
        return str(value)
    return "out of scope" if status == "out_of_scope" else "not rated"


def coverage(c: Coverage) -> str:
    """``7/9``: CMMI practices satisfied of those in question."""
    return f"{c.satisfied}/{c.total}"


def practice_mark(p: ModelPracticeResult) -> str:
    """A CMMI practice's id, class and what decides it when that is not the practices' alternatives:
    ``CM.SP1.2 failed (direct: PI)``, ``PP.GP2.3 not observed (inherited)``."""
    text = f"{p.id} {CLASS_WORDS[p.status]}"
    if p.direct is not None:
        text += f" (direct: {p.direct.status})"
    elif p.inherited:
        text += " (inherited)"
    return text


def goal_summary(g: GoalResult) -> str:
    """``SG1 2/3 UNSATISFIED: CM.SP1.2 failed``: a goal's coverage, rating and the practices holding it back."""
    short = g.id.split(".", 1)[-1]
    text = f"{short} {coverage(g.coverage)}"
    if g.status != "satisfied":
        text += f" {STATUS_WORDS[g.status]}"
        open_ = [practice_mark(p) for p in g.practices if p.status != "satisfied"]
        if open_:
            text += ": " + ", ".join(open_)
    return text


def generic_goal_cell(goals: list[GoalResult], generic: str) -> str:
    """An area's own GG2 or GG3: its rating and coverage, or ``-`` when the knowledge base gives none."""
    for g in goals:
        if g.id.endswith("." + generic) or g.id == generic:
            return f"{STATUS_WORDS[g.status]} {coverage(g.coverage)}"
    return "-"


def area_goals(pa: ProcessAreaResult) -> str:
    """The specific goals of an area, one summary each (nothing for an area out of scope)."""
    if pa.status == "out_of_scope":
        return pa.out_of_scope_reason or "-"
    return "; ".join(goal_summary(g) for g in pa.goals) or "-"


def direct_practices(a: Assessment) -> list[tuple[ModelPracticeResult, str]]:
    """Every CMMI practice the assessor characterized directly, with the goal it belongs to."""
    found: list[tuple[ModelPracticeResult, str]] = []
    goals = [g for pa in a.process_areas for g in (*pa.goals, *pa.generic_goals)] + list(a.generic_goals)
    for g in goals:
        for p in g.practices:
            if p.direct is not None:
                found.append((p, g.id))
    return found


def level_needs(lv: FrameworkLevelResult) -> str:
    """What a framework level's own requirements say: ``met``, ``not reached (missing: a, b)`` when one failed,
    or ``undetermined (assess: c)`` when nothing failed but something is not observed."""
    if lv.status == "met":
        return "met"
    if lv.status == "failed":
        return "not reached (missing: " + ", ".join(lv.missing) + ")"
    return "undetermined (assess: " + ", ".join(lv.unknown) + ")"


def framework_next(f: FrameworkResult) -> str:
    """The framework's next level: not reached (failed) or undetermined, with what is missing."""
    if f.next_level is None:
        return "top level reached"
    lv = next((x for x in f.levels if x.level == f.next_level), None)
    if lv is None:  # pragma: no cover - the engine always lists its next level
        return f"L{f.next_level}"
    return f"L{lv.level} {level_needs(lv)}"


def framework_reached(f: FrameworkResult) -> str:
    """``2 (name)`` or ``below the lowest level``."""
    return f"{f.level} ({f.level_name})" if f.level is not None else "below the lowest level"


def assessment_table(a: Assessment, options: RenderOptions | None = None) -> str:
    """The assessment as terminal tables."""
    console, buffer = make_console(width_of(options, 160))
    console.print(f"{a.organization} (assessed {a.assessed_on.isoformat()})")
    console.print(f"CMMI maturity level: {a.maturity_level} ({a.maturity_level_name})")
    if a.assumptions:
        console.print("Assuming: " + ", ".join(f"{x.practice}={x.status}" for x in a.assumptions))
    table = Table(title="Process areas (specific practices satisfied / in scope)", title_justify="left")
    for column in ("ML", "Process area", "Status", "SPs", "CL", "GG2", "GG3", "Specific goals"):
        table.add_column(column)
    for pa in a.process_areas:
        scoped = pa.status == "out_of_scope"
        table.add_row(str(pa.maturity_level), f"{pa.id} {pa.name}", STATUS_WORDS[pa.status],
                      "-" if scoped else coverage(pa.coverage), capability(pa.capability_level, pa.status),
                      "-" if scoped else generic_goal_cell(pa.generic_goals, "GG2"),
                      "-" if scoped else generic_goal_cell(pa.generic_goals, "GG3"), area_goals(pa))
    console.print(table)
    gg = Table(title="Generic goals (organization level; every area inherits them)", title_justify="left")
    for column in ("Goal", "Status", "GPs", "Practices not satisfied"):
        gg.add_column(column)
    for goal in a.generic_goals:
        missing = ", ".join(practice_mark(p) for p in goal.practices if p.status != "satisfied")
        gg.add_row(f"{goal.id} {goal.name}", STATUS_WORDS[goal.status], coverage(goal.coverage), missing or "-")
    console.print(gg)
    if a.target_profiles:
        tp = Table(title="Target profiles (practices satisfied of those the level needs)", title_justify="left")
        for column in ("ML", "Met", "Practices", "Areas short"):
            tp.add_column(column)
        for t in a.target_profiles:
            tp.add_row(str(t.level), "yes" if t.met else "no", coverage(t.coverage), ", ".join(t.areas_short) or "-")
        console.print(tp)
    fw = Table(title="ML Ops maturity models", title_justify="left")
    for column in ("Model", "Provenance", "Level reached", "Highest met", "Next level"):
        fw.add_column(column)
    for f in a.frameworks:
        fw.add_row(f.name, f.provenance, framework_reached(f), "-" if f.highest_met is None else str(f.highest_met),
                   framework_next(f))
    console.print(fw)
    direct = direct_practices(a)
    if direct:
        dt_ = Table(title="Direct characterizations (assessor; override the practices' alternatives)",
                    title_justify="left")
        for column in ("CMMI practice", "Status", "Rationale", "Evidence"):
            dt_.add_column(column)
        for p, _ in direct:
            assert p.direct is not None
            dt_.add_row(f"{p.id} {p.name}", p.direct.status, p.direct.rationale, "\n".join(p.direct.evidence) or "-")
        console.print(dt_)
    if a.findings:
        findings = Table(title="Findings", title_justify="left")
        for column in ("Severity", "Finding", "Recommendation"):
            findings.add_column(column)
        for x in a.findings:
            findings.add_row(x.severity, f"{x.name}: {x.message}", x.recommendation)
        console.print(findings)
    observed_rows = [p for p in a.practices if p.status != "not_observed"]
    if observed_rows:
        practices = Table(title="Observed practices", title_justify="left")
        for column in ("Practice", "Status", "Evidence", "Note"):
            practices.add_column(column)
        for p in observed_rows:
            practices.add_row(f"{p.id}\n{p.name}", p.status + (" (assumed)" if p.assumed else "")
                              + ("\nstale evidence" if p.stale else ""),
                              "\n".join(p.evidence) or "-", p.note or p.reason or "-")
        console.print(practices)
    observed = len(observed_rows)
    ready = [p.id for p in a.practices if p.ready]
    console.print(f"Practices: {observed} of {len(a.practices)} observed, "
                  f"{sum(p.satisfied for p in a.practices)} satisfied, {len(ready)} ready to adopt.")
    return buffer.getvalue()


def issues_text(issues: list[Issue]) -> str:
    """``kb validate`` output."""
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity == "warning"]
    lines = [str(i) for i in errors + warnings]
    lines.append(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    return "\n".join(lines) + "\n"


def kb_list_table(kb: KnowledgeBase, practice_ids: list[str]) -> str:
    """A table of practices: the CMMI practices each implements (is part of an alternative of), the lowest maturity
    level among them, the framework levels that require it or name it as optional, its prerequisites.

    An id is never cut or broken: the columns of ids do not wrap (frameworks and prerequisites one per line, CMMI
    practices three per line), only the name does, and the table is as wide as that needs (at least 140)."""
    rows = []
    for pid in practice_ids:
        p = kb.practices[pid]
        frameworks = [f"{f}:{lv}" for f, lv in kb.framework_practices.get(pid, [])]
        frameworks += [f"{f}:{lv} (optional)" for f, lv in kb.optional_practices.get(pid, [])]
        implements = kb.practice_implements.get(pid, [])
        serves = kb.serving_level[pid]
        rows.append((pid, p.name, "-" if serves > 5 else str(serves),
                     ",\n".join(", ".join(implements[k:k + 3]) for k in range(0, len(implements), 3)) or "-",
                     "\n".join(frameworks) or "-", "\n".join(p.requires) or "-"))
    columns = ("Id", "Name", "Serves ML", "Implements", "Frameworks", "Requires")
    table = Table(title=f"{len(practice_ids)} practice(s)", title_justify="left")
    for column in columns:
        table.add_column(column, no_wrap=column != "Name")
    for row in rows:
        table.add_row(*row)
    fixed = sum(max(len(line) for text in (column, *(row[i] for row in rows)) for line in text.splitlines())
                for i, column in enumerate(columns) if column != "Name")
    console, buffer = text_console(max(140, fixed + 24 + 3 * len(columns) + 1))
    console.print(table)
    return buffer.getvalue()
