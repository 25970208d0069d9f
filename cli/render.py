"""Rendering results for the terminal (rich tables) and as Markdown. No computation happens here."""

from __future__ import annotations

import io

from mlops_maturity.engine.kb import Issue, KnowledgeBase
from mlops_maturity.engine.results import Assessment
from rich.console import Console
from rich.table import Table

STATUS_WORDS = {
    "satisfied": "satisfied",
    "unsatisfied": "UNSATISFIED",
    "not_rated": "not rated",
    "not_applicable": "n/a",
}


def text_console(width: int = 120) -> tuple[Console, io.StringIO]:
    """A plain-text rich console writing into a buffer (no colour, markup, emoji or highlighting)."""
    buffer = io.StringIO()
    # markup=False: an assessor's "[bold]" or "[/x]" is printed as written, never interpreted (or crashing).
    return Console(file=buffer, width=width, force_terminal=False, color_system=None, highlight=False,
                   markup=False, emoji=False), buffer


def capability(value: int | None) -> str:
    """A capability level for display."""
    return "n/a" if value is None else str(value)


def assessment_table(a: Assessment) -> str:
    """The assessment as terminal tables."""
    console, buffer = text_console()
    console.print(f"{a.organization} (assessed {a.assessed_on.isoformat()})")
    console.print(f"CMMI maturity level: {a.maturity_level} ({a.maturity_level_name})")
    if a.assumptions:
        console.print("Assuming: " + ", ".join(f"{x.practice}={x.status}" for x in a.assumptions))
    table = Table(title="Process areas", title_justify="left")
    for column in ("ML", "Process area", "Category", "Status", "CL", "Goals not satisfied"):
        table.add_column(column)
    for pa in a.process_areas:
        failing = ", ".join(f"{g.id} ({STATUS_WORDS[g.status]})" for g in pa.goals if g.status != "satisfied"
                            and g.status != "not_applicable")
        table.add_row(str(pa.maturity_level), f"{pa.id} {pa.name}", pa.category, STATUS_WORDS[pa.status],
                      capability(pa.capability_level), failing or "-")
    console.print(table)
    gg = Table(title="Generic goals (organization-wide)", title_justify="left")
    for column in ("Goal", "Status", "Practices not satisfied"):
        gg.add_column(column)
    for goal in a.generic_goals:
        missing = ", ".join(f"{p.id} ({p.status})" for p in goal.practices if p.status not in ("FI", "LI", "NA"))
        gg.add_row(f"{goal.id} {goal.name}", STATUS_WORDS[goal.status], missing or "-")
    console.print(gg)
    fw = Table(title="ML Ops maturity models", title_justify="left")
    for column in ("Model", "Level reached", "Next level needs"):
        fw.add_column(column)
    for f in a.frameworks:
        nxt = next((lv for lv in f.levels if not lv.met or (f.level is not None and lv.level > f.level)), None)
        needs = f"L{nxt.level}: " + ", ".join(nxt.missing) if nxt and nxt.missing else "-"
        reached = f"{f.level} ({f.level_name})" if f.level is not None else "below the lowest level"
        fw.add_row(f.name, reached, needs)
    console.print(fw)
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
            practices.add_row(f"{p.id}\n{p.name}", p.status + (" (assumed)" if p.assumed else ""),
                              "\n".join(p.evidence) or "-", p.note or p.reason or "-")
        console.print(practices)
    observed = len(observed_rows)
    ready = [p.id for p in a.practices if p.ready]
    console.print(f"Practices: {observed} of {len(a.practices)} observed, "
                  f"{sum(p.satisfied for p in a.practices)} satisfied, {len(ready)} ready to adopt.")
    return buffer.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def assessment_markdown(a: Assessment) -> str:
    """The assessment as Markdown."""
    lines = [
        f"# ML Ops maturity assessment: {_md_escape(a.organization)}",
        "",
        f"- Assessed on: {a.assessed_on.isoformat()}",
        f"- **CMMI maturity level: {a.maturity_level} ({a.maturity_level_name})**",
    ]
    if a.assumptions:
        lines.append("- Assumptions: " + ", ".join(f"`{x.practice}={x.status}`" for x in a.assumptions))
    lines += ["", "## Process areas", "", "| ML | Process area | Status | Capability level | Goals not satisfied |",
              "|---|---|---|---|---|"]
    for pa in a.process_areas:
        failing = ", ".join(f"{g.id} ({STATUS_WORDS[g.status]})" for g in pa.goals
                            if g.status not in ("satisfied", "not_applicable"))
        lines.append(f"| {pa.maturity_level} | {pa.id} {_md_escape(pa.name)} | {STATUS_WORDS[pa.status]} | "
                     f"{capability(pa.capability_level)} | {failing or '-'} |")
    lines += ["", "## Generic goals", "", "| Goal | Status |", "|---|---|"]
    for goal in a.generic_goals:
        lines.append(f"| {goal.id} {_md_escape(goal.name)} | {STATUS_WORDS[goal.status]} |")
    lines += ["", "## ML Ops maturity models", "", "| Model | Level reached |", "|---|---|"]
    for f in a.frameworks:
        reached = f"{f.level} ({_md_escape(f.level_name or '')})" if f.level is not None else "below the lowest level"
        lines.append(f"| {_md_escape(f.name)} | {reached} |")
    if a.findings:
        lines += ["", "## Findings", ""]
        for x in a.findings:
            lines.append(f"- **{x.severity}: {_md_escape(x.name)}.** {_md_escape(x.message)} "
                         f"*Recommendation:* {_md_escape(x.recommendation)}")
    lines += ["", "## Practices", "", "| Practice | Status | Ready | Blocked by | Evidence | Note |",
              "|---|---|---|---|---|---|"]
    for p in a.practices:
        if p.status == "not_observed" and not p.ready:
            continue
        lines.append(f"| {p.id} {_md_escape(p.name)} | {p.status}{' (assumed)' if p.assumed else ''} | "
                     f"{'yes' if p.ready else '-'} | {', '.join(p.blocked_by) or '-'} | "
                     f"{_md_escape('; '.join(p.evidence)) or '-'} | {_md_escape(p.note or p.reason or '') or '-'} |")
    return "\n".join(lines) + "\n"


def issues_text(issues: list[Issue]) -> str:
    """``kb validate`` output."""
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity == "warning"]
    lines = [str(i) for i in errors + warnings]
    lines.append(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    return "\n".join(lines) + "\n"


def kb_list_table(kb: KnowledgeBase, practice_ids: list[str]) -> str:
    """A table of practices."""
    console, buffer = text_console(140)
    table = Table(title=f"{len(practice_ids)} practice(s)", title_justify="left")
    for column in ("Id", "Name", "Serves ML", "Goals", "Frameworks", "Requires"):
        table.add_column(column)
    for pid in practice_ids:
        p = kb.practices[pid]
        frameworks = ", ".join(f"{f}:{lv}" for f, lv in kb.framework_practices.get(pid, []))
        table.add_row(pid, p.name, str(kb.serving_level[pid]), ", ".join(kb.practice_goals(p)),
                      frameworks or "-", ", ".join(p.requires) or "-")
    console.print(table)
    return buffer.getvalue()
