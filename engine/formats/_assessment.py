"""An assessment for the terminal (rich), fitted to the width: a one-screen summary by default, every table with
``details``, the parts ``sections`` names. No computation happens here.

Options this part reads beside width and colour: ``details`` (the full tables), ``sections`` (names of
:data:`SECTIONS`, in the order given), ``extra["summary"]`` (an :class:`~mlops_maturity.engine.summary.Summary` of
the same assessment: the reason for the level and the next steps; without it the summary says the level only and the
next steps are the practices ready to adopt) and ``extra["footer"]`` (a line printed under the one-screen view, e.g.
how to see more).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from mlops_maturity.engine import words
from mlops_maturity.engine.formats import RenderOptions
from mlops_maturity.engine.formats._terminal import console as make_console
from mlops_maturity.engine.formats._terminal import id_column, longest
from mlops_maturity.engine.kb import Issue, KnowledgeBase
from mlops_maturity.engine.results import (
    Assessment,
    Coverage,
    Finding,
    FrameworkLevelResult,
    FrameworkResult,
    GoalResult,
    ModelPracticeResult,
)

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

SECTIONS = {
    "summary": "the CMMI maturity level and why",
    "profile": "the capability profile: each process area's capability level and specific practices satisfied",
    "areas": "process areas with their goals (full tables)",
    "generic": "the organization-level generic goals every area inherits",
    "targets": "the target profile of each maturity level",
    "frameworks": "the ML Ops maturity models: level reached and what the next level needs",
    "direct": "CMMI practices the assessor characterized directly",
    "findings": "findings (the three most severe in the one-screen view)",
    "practices": "the practices observed, with evidence",
    "next": "next steps: what the next maturity level needs most",
}
"""The parts of an assessment a terminal view can show, by name."""

ONE_SCREEN = ("summary", "profile", "frameworks", "findings", "next")
"""The default view."""

DETAILED = ("summary", "areas", "generic", "targets", "frameworks", "direct", "findings", "practices", "next")
"""The view with ``details`` (every table)."""

NEEDS_SUMMARY = frozenset({"summary", "next"})
"""Sections that say more when ``extra["summary"]`` is given."""

DEFAULT_WIDTH = 100
"""Width when the output is not a terminal."""

WIDE = 160
"""From this width on, tables show the columns a narrower terminal leaves out."""

TOP_FINDINGS = 3
"""Findings in the one-screen view."""

MAX_IDS = 3
"""Ids listed per framework level in the one-screen view (the rest counted)."""

STYLES = {
    "satisfied": "green", "met": "green",
    "unsatisfied": "red", "failed": "red",
    "not_rated": "yellow", "undetermined": "yellow", "unknown": "yellow",
    "high": "bold red", "medium": "yellow", "low": "cyan",
}
"""Colours of status words (used only when the terminal shows colour)."""

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "info": 3}


def sections_of(options: RenderOptions) -> tuple[str, ...]:
    """The sections a view shows: those named, else the detailed or one-screen default."""
    if options.sections:
        return tuple(options.sections)
    return DETAILED if options.details else ONE_SCREEN


def wants_summary(options: RenderOptions) -> bool:
    """Whether the view shows a section that uses ``extra["summary"]`` (so a caller makes one only then)."""
    return bool(NEEDS_SUMMARY & set(sections_of(options)))


def _styled(text: str, status: str | None, options: RenderOptions) -> Text:
    from rich.text import Text

    style = STYLES.get(status or "") if options.color else None
    return Text(text, style=style or "")


def coverage(c: Coverage) -> str:
    """``7/9``: CMMI practices satisfied of those in question."""
    return words.coverage(c.satisfied, c.total)


def practice_mark(p: ModelPracticeResult) -> str:
    """A CMMI practice's id, class and what decides it when that is not the practices' alternatives:
    ``CM.SP1.2 failed (direct: PI)``, ``PP.GP2.3 undetermined (inherited)``."""
    text = f"{p.id} {words.practice_class(p.status)}"
    if p.direct is not None:
        text += f" (direct: {p.direct.status})"
    elif p.inherited:
        text += " (inherited)"
    return text


def open_practices(g: GoalResult) -> str:
    """The CMMI practices of a goal that are not satisfied, marked; ``-`` for none."""
    return ", ".join(practice_mark(p) for p in g.practices if p.status != "satisfied") or "-"


def generic_goal(goals: list[GoalResult], generic: str) -> GoalResult | None:
    """An area's own GG2 or GG3, if the knowledge base gives it."""
    return next((g for g in goals if g.id.endswith("." + generic) or g.id == generic), None)


def direct_practices(a: Assessment) -> list[tuple[ModelPracticeResult, str]]:
    """Every CMMI practice the assessor characterized directly, with the goal it belongs to."""
    found: list[tuple[ModelPracticeResult, str]] = []
    goals = [g for pa in a.process_areas for g in (*pa.goals, *pa.generic_goals)] + list(a.generic_goals)
    for g in goals:
        for p in g.practices:
            if p.direct is not None:
                found.append((p, g.id))
    return found


def _ids(ids: list[str], limit: int | None) -> str:
    if limit is None or len(ids) <= limit:
        return words.listing(ids)
    return ", ".join(ids[:limit]) + f" and {len(ids) - limit} more"


def level_needs(lv: FrameworkLevelResult, limit: int | None = None) -> str:
    """What a framework level needs: ``met``; ``met except a, b; assess c`` when something failed (with ``limit``:
    at most that many ids, the practices to assess counted); ``undetermined: assess c`` when nothing failed but
    something is not observed."""
    if lv.status == "met":
        return "met"
    if lv.status == "failed":
        text = "met except " + _ids(list(lv.failed) or list(lv.missing), limit)
        if lv.failed and lv.unknown:
            text += ("; assess " + _ids(list(lv.unknown), None) if limit is None else
                     "; " + words.plural(len(lv.unknown), "more practice") + " to assess")
        return text
    return "undetermined: assess " + _ids(list(lv.unknown), limit)


def framework_reached(f: FrameworkResult) -> str:
    """``level 2 (name)`` or ``below level 0 (name)``."""
    if f.level is not None:
        return f"level {f.level} ({f.level_name})"
    lowest = f.levels[0] if f.levels else None
    return f"below level {lowest.level} ({lowest.name})" if lowest is not None else "no level"


def framework_next(f: FrameworkResult, limit: int | None = None) -> str:
    """``level 2 met except a, b`` / ``level 2 undetermined: assess c`` / ``top level reached``."""
    if f.next_level is None:
        return "top level reached"
    lv = next((x for x in f.levels if x.level == f.next_level), None)
    if lv is None:  # pragma: no cover - the engine always lists its next level
        return f"level {f.next_level}"
    return f"level {lv.level} {level_needs(lv, limit)}"


def top_findings(a: Assessment, count: int | None = TOP_FINDINGS) -> list[Finding]:
    """The findings, most severe first (the knowledge base's order among equals); the first ``count``."""
    ordered = sorted(enumerate(a.findings), key=lambda x: (SEVERITY_ORDER.get(x[1].severity, 9), x[0]))
    found = [f for _, f in ordered]
    return found if count is None else found[:count]


# --- sections ---------------------------------------------------------------------------------------------------


def _grid(width_of_first: int) -> Table:
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, min_width=width_of_first)
    grid.add_column(overflow="fold")
    return grid


def _title(text: str) -> Text:
    from rich.text import Text

    return Text(text, style="bold")


def _table(title: str) -> Table:
    from rich import box
    from rich.table import Table

    return Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, pad_edge=False,
                 show_edge=False)


ID_WORD = re.compile(r"[a-z]{2,5}\.[a-z0-9][a-z0-9.-]*|[A-Z]{2,5}\.(?:SP|GP|SG|GG)[0-9.]*")
"""A practice, CMMI-practice or goal id inside a text."""


def _fold(table: Table) -> Table:
    """Text columns wrap on words, are never narrower than an id they hold (so no id is split), and fold a word
    longer than the column rather than cut it with an ellipsis."""
    for column in table.columns:
        if column.no_wrap:
            continue
        column.overflow = "fold"
        ids = [m for cell in column._cells for m in ID_WORD.findall(str(cell))]
        if ids:
            column.min_width = max(column.min_width or 0, longest(ids) + 1)
    return table


def _summary(a: Assessment, summary: Any, options: RenderOptions, out: Console) -> None:
    from rich.text import Text

    where = f" ({a.source})" if a.source else ""
    out.print(f"{a.organization}, assessed {a.assessed_on.isoformat()}{where}")
    headline = Text(words.maturity_level(a.maturity_level, a.maturity_level_name), style="bold")
    reason = summary.reason if summary is not None else ""
    prefix = f"Maturity level {a.maturity_level} ({a.maturity_level_name})"
    if reason.startswith(prefix):  # the level, then why: one sentence
        headline.append(reason[len(prefix):], style="")
    out.print(headline)
    if reason and not reason.startswith(prefix):
        out.print(reason)
    if a.assumptions:
        out.print("Assuming (what-if): " + ", ".join(f"{x.practice}={x.status}" for x in a.assumptions))


def _profile(a: Assessment, options: RenderOptions, out: Console) -> None:
    from rich.text import Text

    out.print(_title("Capability profile, by CMMI maturity level"))
    out.print(f"CL: {words.HEADERS['CL']}; ? not rated, - out of scope. SPs: {words.HEADERS['SPs']}.")
    cells: list[tuple[int, str, str]] = []
    for pa in a.process_areas:
        scoped = pa.status == "out_of_scope"
        cl = "-" if scoped else ("?" if pa.capability_level is None else str(pa.capability_level))
        sps = "-" if scoped else coverage(pa.coverage)
        cells.append((pa.maturity_level, f"{pa.id:<4} CL {cl} {sps:>5}", pa.status))
    cell_width = longest(c[1] for c in cells)
    label_width = len("Level 5")
    per_row = max(1, (out.width - label_width) // (cell_width + 3))
    for level in sorted({c[0] for c in cells}):
        mine = [c for c in cells if c[0] == level]
        for start in range(0, len(mine), per_row):
            line = Text(f"Level {level}" if start == 0 else "", end="")
            line.pad_right(label_width - len(line))
            for _, text, status in mine[start:start + per_row]:
                line.append("   ")
                line.append_text(_styled(text.ljust(cell_width), status, options))
            line.rstrip()
            out.print(line)
    if options.color:
        out.print("Green: the area's specific goals are satisfied; red: one is not; yellow: not rated.")


def _areas(a: Assessment, options: RenderOptions, out: Console) -> None:
    table = _table("Process areas")
    for column in ("Level", "Process area", "Status", "SPs", "CL", "GG2", "GG3"):
        table.add_column(column)
    for pa in a.process_areas:
        scoped = pa.status == "out_of_scope"
        cells: list[Any] = [str(pa.maturity_level), f"{pa.id} {pa.name}",
                            _styled(words.rating(pa.status), pa.status, options),
                            "-" if scoped else coverage(pa.coverage), words.capability(pa.capability_level, pa.status)]
        for generic in ("GG2", "GG3"):
            g = None if scoped else generic_goal(pa.generic_goals, generic)
            cells.append("-" if g is None else _styled(f"{words.rating(g.status)} {coverage(g.coverage)}", g.status,
                                                       options))
        table.add_row(*cells)
    out.print(_fold(table))
    out.print("; ".join(f"{k}: {v}" for k, v in (("Level", words.HEADERS["ML"]), *(
        (k, words.HEADERS[k]) for k in ("SPs", "CL", "GG2", "GG3")))) + ".")
    out.print()
    goals = _table("Specific goals of the process areas in scope")
    id_column(goals, "Goal", [g.id for pa in a.process_areas for g in pa.goals])
    for column in ("Name", "Status", "SPs", "CMMI practices not satisfied"):
        goals.add_column(column)
    for pa in a.process_areas:
        if pa.status == "out_of_scope":
            continue
        for g in pa.goals:
            goals.add_row(g.id, g.name, _styled(words.rating(g.status), g.status, options), coverage(g.coverage),
                          open_practices(g))
    out.print(_fold(goals))
    out_of_scope = [pa for pa in a.process_areas if pa.status == "out_of_scope"]
    if out_of_scope:
        out.print("Out of scope: " + "; ".join(f"{pa.id} ({pa.out_of_scope_reason or 'no reason given'})"
                                               for pa in out_of_scope))


def _generic(a: Assessment, options: RenderOptions, out: Console) -> None:
    table = _table("Generic goals (organization level; every area inherits them)")
    for column in ("Goal", "Status", "GPs", "Generic practices not satisfied"):
        table.add_column(column)
    for g in a.generic_goals:
        table.add_row(f"{g.id} {g.name}", _styled(words.rating(g.status), g.status, options), coverage(g.coverage),
                      open_practices(g))
    out.print(_fold(table))
    out.print(f"GPs: {words.HEADERS['GPs']}.")


def _targets(a: Assessment, options: RenderOptions, out: Console) -> None:
    if not a.target_profiles:
        return
    table = _table("Target profiles (practices satisfied of those each CMMI maturity level needs)")
    for column in ("Level", "Met", "Practices", "Areas short"):
        table.add_column(column)
    for t in a.target_profiles:
        table.add_row(str(t.level), _styled("yes" if t.met else "no", "met" if t.met else "failed", options),
                      coverage(t.coverage), ", ".join(t.areas_short) or "-")
    out.print(_fold(table))
    out.print(f"Level: {words.HEADERS['ML']}.")


def _frameworks(a: Assessment, options: RenderOptions, out: Console) -> None:
    if options.details:
        wide = out.width >= WIDE
        table = _table("ML Ops maturity models" + ("" if wide else " (names and provenance: a wider terminal)"))
        id_column(table, "Model", [f.id for f in a.frameworks])
        for column in (("Name", "Provenance") if wide else ()) + ("Level reached", "Highest met", "Next level"):
            table.add_column(column)
        for f in a.frameworks:
            named = (f.name, f.provenance) if wide else ()
            table.add_row(f.id, *named, framework_reached(f), "-" if f.highest_met is None else str(f.highest_met),
                          _styled(framework_next(f), f.next_level_status, options))
        out.print(_fold(table))
        return
    out.print(_title("ML Ops maturity models: level reached; what the next level needs"))
    grid = _grid(longest(f.id for f in a.frameworks))
    for f in a.frameworks:
        from rich.text import Text

        line = Text(framework_reached(f) + "; ")
        line.append_text(_styled(framework_next(f, MAX_IDS), f.next_level_status, options))
        grid.add_row(f.id, line)
    out.print(grid)


def _direct(a: Assessment, options: RenderOptions, out: Console) -> None:
    direct = direct_practices(a)
    if not direct:
        return
    table = _table("Direct characterizations (assessor; override the practices' alternatives)")
    id_column(table, "CMMI practice", [p.id for p, _ in direct])
    for column in ("Name", "Status", "Rationale", "Evidence"):
        table.add_column(column)
    for p, _ in direct:
        assert p.direct is not None
        table.add_row(p.id, p.name, p.direct.status, p.direct.rationale, "\n".join(p.direct.evidence) or "-")
    out.print(_fold(table))


def _basis(x: Finding) -> str:
    return ", ".join(f"{b.practice} {b.status if b.status != 'not_observed' else 'not observed'}" for b in x.basis)


def _findings(a: Assessment, options: RenderOptions, out: Console) -> None:
    if not a.findings:
        return
    from rich.text import Text

    if options.details:
        table = _table("Findings")
        for column in ("Severity", "Finding", "Recommendation"):
            table.add_column(column, no_wrap=column == "Severity")
        for x in top_findings(a, None):
            text = f"{x.name}: {x.message}" + (f"\nRests on: {_basis(x)}" if x.basis else "")
            table.add_row(_styled(x.severity, x.severity, options), text, x.recommendation)
        out.print(_fold(table))
        return
    shown = top_findings(a)
    more = len(a.findings) - len(shown)
    out.print(_title(f"Findings (the {len(shown)} most severe of {len(a.findings)})" if more else "Findings"))
    grid = _grid(len("medium"))
    for x in shown:
        grid.add_row(_styled(x.severity, x.severity, options),
                     Text(x.name + (f" (rests on {_basis(x)})" if x.basis else "")))
    out.print(grid)


def _practices(a: Assessment, options: RenderOptions, out: Console) -> None:
    rows = [p for p in a.practices if p.status != "not_observed"]
    if rows:
        table = _table("Practices observed")
        id_column(table, "Practice", [p.id for p in rows])
        for column in ("Name", "Status", "Evidence", "Note"):
            table.add_column(column)
        for p in rows:
            status = p.status + (" (assumed)" if p.assumed else "") + ("\nstale evidence" if p.stale else "")
            table.add_row(p.id, p.name, status, "\n".join(p.evidence) or "-", p.note or p.reason or "-")
        out.print(_fold(table))
    ready = [p.id for p in a.practices if p.ready]
    out.print(f"Practices: {len(rows)} of {len(a.practices)} observed, {sum(p.satisfied for p in a.practices)} "
              f"satisfied, {len(ready)} ready to adopt.")


def _next(a: Assessment, summary: Any, options: RenderOptions, out: Console) -> None:
    if summary is not None:
        if not summary.gaps:
            return
        out.print(_title(f"Next steps: what CMMI maturity level {summary.next_level} needs most"))
        grid = _grid(longest(g.id for g in summary.gaps))
        for g in summary.gaps:
            if options.details or options.sections:
                grid.add_row(g.id, g.text)
            else:
                areas = ", ".join(g.process_areas) if len(g.process_areas) <= 3 else \
                    words.plural(len(g.process_areas), "process area")
                grid.add_row(g.id, f"{g.name} ({areas}): {g.standing}; needed for {words.plural(len(g.goals), 'goal')}")
        out.print(grid)
        return
    ready = [p for p in a.practices if p.ready]
    if ready:
        out.print(_title("Next steps: practices ready to adopt (every prerequisite satisfied)"))
        out.print(", ".join(p.id for p in ready[:10]) + (f" and {len(ready) - 10} more" if len(ready) > 10 else ""))


def assessment_table(a: Assessment, options: RenderOptions | None = None) -> str:
    """The assessment for the terminal: the sections of :func:`sections_of`, each fitted to the width."""
    options = options or RenderOptions()
    if options.width is None:
        from dataclasses import replace

        options = replace(options, width=DEFAULT_WIDTH)
    out, buffer = make_console(options)
    summary = options.extra.get("summary")
    first = True
    for name in sections_of(options):
        before = buffer.tell()
        if not first:
            out.print()
        mark = buffer.tell()
        if name == "summary":
            _summary(a, summary, options, out)
        elif name == "next":
            _next(a, summary, options, out)
        else:
            {"profile": _profile, "areas": _areas, "generic": _generic, "targets": _targets,
             "frameworks": _frameworks, "direct": _direct, "findings": _findings, "practices": _practices}[name](
                a, options, out)
        if buffer.tell() == mark:  # the section had nothing to show: no blank line for it
            buffer.seek(before)
            buffer.truncate()
        else:
            first = False
    footer = options.extra.get("footer")
    if footer and not options.sections and not options.details:
        out.print()
        out.print(footer)
    return "".join(line.rstrip(" ") + "\n" for line in buffer.getvalue().splitlines())


def issues_text(issues: list[Issue]) -> str:
    """``kb validate`` output."""
    errors = [i for i in issues if i.severity == "error"]
    warnings = [i for i in issues if i.severity == "warning"]
    lines = [str(i) for i in errors + warnings]
    lines.append(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    return "\n".join(lines) + "\n"


KB_LIST_DROP = ("Requires", "Frameworks", "Implements", "Level")
"""The columns ``kb list`` leaves out, in this order, when the terminal is too narrow for them (never the id)."""

NAME_MIN = 20
"""The name column of ``kb list`` is at least this wide (it wraps on words)."""


def kb_list_table(kb: KnowledgeBase, practice_ids: list[str], options: RenderOptions | None = None) -> str:
    """A table of practices: the CMMI practices each implements (is part of an alternative of), the lowest maturity
    level among them, the framework levels that require it or name it as optional, its prerequisites.

    An id is never cut or broken: the columns of ids do not wrap (frameworks and prerequisites one per line, CMMI
    practices up to three per line), only the name does. Without a width (not a terminal) the table is as wide as
    that needs (at least 140); in a narrower terminal the CMMI practices go one per line, then the columns of
    :data:`KB_LIST_DROP` are left out in turn, and a line says which."""
    from rich import box
    from rich.table import Table

    def implements_cell(implements: list[str], per_line: int) -> str:
        return ",\n".join(", ".join(implements[k:k + per_line]) for k in range(0, len(implements), per_line)) or "-"

    def rows(per_line: int) -> list[dict[str, str]]:
        out = []
        for pid in practice_ids:
            p = kb.practices[pid]
            frameworks = [f"{f}:{lv}" for f, lv in kb.framework_practices.get(pid, [])]
            frameworks += [f"{f}:{lv} (optional)" for f, lv in kb.optional_practices.get(pid, [])]
            serves = kb.serving_level[pid]
            out.append({"Id": pid, "Name": p.name, "Level": "-" if serves > 5 else str(serves),
                        "Implements": implements_cell(kb.practice_implements.get(pid, []), per_line),
                        "Frameworks": "\n".join(frameworks) or "-", "Requires": "\n".join(p.requires) or "-"})
        return out

    def needed(columns: list[str], table_rows: list[dict[str, str]]) -> int:
        fixed = sum(longest([c, *(r[c] for r in table_rows)]) for c in columns if c != "Name")
        return fixed + NAME_MIN + 3 * (len(columns) - 1)

    columns = ["Id", "Name", "Level", "Implements", "Frameworks", "Requires"]
    table_rows = rows(3)
    width = options.width if options is not None else None
    dropped: list[str] = []
    if width is None:
        width = max(140, needed(columns, table_rows) + 4)
    else:
        if needed(columns, table_rows) > width:
            table_rows = rows(1)
        for column in KB_LIST_DROP:
            if needed(columns, table_rows) <= width:
                break
            columns.remove(column)
            dropped.append(column)
    table = Table(title=f"{len(practice_ids)} practice(s)", title_justify="left", box=box.SIMPLE_HEAD,
                  pad_edge=False, show_edge=False)
    for column in columns:
        if column == "Name":
            table.add_column(column, overflow="fold", min_width=NAME_MIN)
        else:
            id_column(table, column, [r[column] for r in table_rows])
    for row in table_rows:
        table.add_row(*(row[c] for c in columns))
    console, buffer = make_console(RenderOptions(width=width, color=bool(options and options.color)))
    console.print(table)
    notes = []
    if "Level" in columns:
        notes.append("Level: the lowest CMMI maturity level among the CMMI practices it implements (- none).")
    if dropped:
        notes.append(f"Left out at this width: {', '.join(sorted(dropped))} (a wider terminal or kb show ID shows "
                     "them).")
    for note in notes:
        console.print(note)
    return "".join(line.rstrip(" ") + "\n" for line in buffer.getvalue().splitlines())
