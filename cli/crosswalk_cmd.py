"""``maturity crosswalk``: every framework against CMMI, two answers side by side (strict rating; achievement
profile and characterization), beside the article's verdict, with the achievement-profile chart on request."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from mlops_maturity.cli.common import Format, FormatOption, KbOption, app, err, handle_errors
from mlops_maturity.cli.output import check_destination, write_output, write_text
from mlops_maturity.engine.errors import UserInputError
from typer import Option

if TYPE_CHECKING:
    from mlops_maturity.engine.charts import ChartFormat
    from mlops_maturity.engine.crosswalk import ArticleVerdict, Crosswalk, CrosswalkRow

_CHART_FORMATS: dict[str, ChartFormat] = {".svg": "svg", ".png": "png"}


def verdict_words(verdict: ArticleVerdict | None) -> str:
    """``2 (potential 3)``, ``2 (near miss of 3)``, ``2`` or ``-``."""
    if verdict is None:
        return "-"
    if verdict.potential_level is not None:
        return f"{verdict.maturity_level} (potential {verdict.potential_level})"
    if verdict.near_miss:
        return f"{verdict.maturity_level} (near miss of {verdict.maturity_level + 1})"
    return str(verdict.maturity_level)


def _fraction(covered: int, total: int) -> str:
    return f"{covered}/{total} {round(100 * covered / total) if total else 0}%"


def _unaddressed(row: CrosswalkRow, level: int) -> str:
    return ", ".join(row.strict.unaddressed_by_level.get(level, [])) or "none"


def _touched(row: CrosswalkRow, level: int) -> str:
    target = next(t for t in row.profile.target_profiles if t.level == level)
    return f"{target.areas_touched}/{target.areas_total}"


def _target(row: CrosswalkRow, level: int) -> str:
    target = next(t for t in row.profile.target_profiles if t.level == level)
    return _fraction(target.covered, target.total)


def _generic(row: CrosswalkRow) -> str:
    return " ".join(f"{len(g.covered)}/{g.total}" for g in row.profile.generic)


def _characterization(row: CrosswalkRow) -> str:
    return row.profile.characterization.label if row.profile.characterization else "-"


def _rank(row: CrosswalkRow, total: int) -> str:
    return f"{row.rank} of {total}"


def _areas(result: Crosswalk) -> list[tuple[str, int]]:
    first = result.rows[0].profile.areas if result.rows else []
    return [(a.id, a.maturity_level) for a in first]


def crosswalk_table(result: Crosswalk) -> str:
    """The crosswalk as terminal tables: (a) strict rating, (b) achievement profile and agreement, the per-area
    profile, then each disagreement's reason and the characterization rules."""
    # Names, notes and rule texts come from the (possibly overlaid) knowledge base and are printed verbatim.
    from mlops_maturity.cli.render import text_console
    from rich.table import Table
    from rich.text import Text

    console, buffer = text_console(160)
    n = len(result.rows)
    strict = Table(title="(a) Strict rating: the framework's practice set adopted alone (SCAMPI rules)",
                   title_justify="left")
    for column in ("Framework", "Provenance", "Practices", "Strict ML", "ML2 areas unaddressed",
                   "ML3 areas unaddressed"):
        strict.add_column(column, no_wrap=column in ("Framework", "Strict ML"))
    for row in result.rows:
        strict.add_row(Text(row.framework), row.provenance, str(len(row.practices)),
                       Text(f"{row.strict.maturity_level} ({row.strict.maturity_level_name})"),
                       _unaddressed(row, 2), _unaddressed(row, 3))
    console.print(strict)
    console.print(Text(result.method_strict))
    console.print()
    profile = Table(title="(b) Achievement profile and level characterization, beside the article's verdict",
                    title_justify="left")
    for column in ("Framework", "Provenance", "ML2 areas", "T2 (ML2 SPs)", "T3 (ML2+3 SPs)", "GP2 GP3",
                   "Characterization", "Rank", "Article", "Agreement"):
        profile.add_column(column, no_wrap=column not in ("Article", "Agreement", "Characterization"))
    for row in sorted(result.rows, key=lambda r: (r.rank, r.framework)):
        profile.add_row(Text(row.framework), row.provenance, _touched(row, 2), _target(row, 2), _target(row, 3),
                        _generic(row), Text(_characterization(row)), _rank(row, n),
                        verdict_words(row.article_verdict), Text(row.agreement.label))
    console.print(profile)
    console.print(Text(result.method_profile))
    article = " > ".join("{" + ", ".join(tier) + "}" for tier in result.article_ordering) or "-"
    agrees = "-" if result.ordering_agrees is None else "agrees" if result.ordering_agrees else "disagrees"
    console.print(Text(f"Computed ordering: {' > '.join(result.ordering)}. Article's ordering: {article}. "
                       f"Ordering {agrees}."))
    console.print()
    areas = Table(title="Specific practices covered per process area (ML 2 and ML 3 target profiles: all of them)",
                  title_justify="left")
    areas.add_column("Area", no_wrap=True)
    for row in result.rows:
        areas.add_column(Text(row.framework), justify="right")
    for pa_id, level in _areas(result):
        cells = []
        for row in result.rows:
            a = next(x for x in row.profile.areas if x.id == pa_id)
            cells.append(f"{a.covered}/{a.total}" if a.covered else "-")
        areas.add_row(f"{pa_id} (ML{level})", *cells)
    console.print(areas)
    for row in result.rows:
        console.print()
        console.print(Text(f"{row.framework} ({row.provenance}): {row.strict.statement}"))
        console.print(Text(f"  Provenance: {row.provenance_note}"))
        if row.article_verdict is not None:
            console.print(Text(f"  Article: {row.article_verdict.text}"))
        for reason in row.agreement.reasons:
            console.print(Text(f"  Disagreement: {reason}"))
        if not row.agreement.evidential and row.article_verdict is not None:
            console.print(Text("  Agreement not evidential: the level contents are our reconstruction from the "
                               "article's own description."))
    if result.rules:
        console.print()
        console.print("Level characterizations (knowledge base, highest level first):")
        for rule in result.rules:
            when = " and ".join(rule.when) or "otherwise"
            console.print(Text(f"  {rule.label}: {when}. Follows: {rule.follows}"))
    return buffer.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def crosswalk_markdown(result: Crosswalk) -> str:
    """The crosswalk as Markdown, the same content as the terminal tables."""
    n = len(result.rows)
    out = ["# Crosswalk: the ML Ops frameworks against CMMI", "",
           "Two answers that answer different questions: (a) the rating the framework's practice set gets adopted "
           "alone; (b) what of CMMI it covers, and the level description it matches.", "",
           "## (a) Strict rating, adopted alone", "",
           "| Framework | Provenance | Practices | Strict ML | ML2 areas unaddressed | ML3 areas unaddressed |",
           "|---|---|---|---|---|---|"]
    for row in result.rows:
        out.append(f"| {_md(row.framework)} | {row.provenance} | {len(row.practices)} | "
                   f"{row.strict.maturity_level} ({row.strict.maturity_level_name}) | {_unaddressed(row, 2)} | "
                   f"{_unaddressed(row, 3)} |")
    out += ["", result.method_strict, "", "## (b) Achievement profile and characterization", "",
            "| Framework | Provenance | ML2 areas touched | T2 (ML2 SPs) | T3 (ML2+3 SPs) | GP2 / GP3 | "
            "Characterization | Rank | Article | Agreement |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for row in sorted(result.rows, key=lambda r: (r.rank, r.framework)):
        out.append(f"| {_md(row.framework)} | {row.provenance} | {_touched(row, 2)} | {_target(row, 2)} | "
                   f"{_target(row, 3)} | {_generic(row)} | {_md(_characterization(row))} | {_rank(row, n)} | "
                   f"{verdict_words(row.article_verdict)} | {_md(row.agreement.label)} |")
    article = " > ".join("{" + ", ".join(tier) + "}" for tier in result.article_ordering) or "-"
    agrees = "-" if result.ordering_agrees is None else "agrees" if result.ordering_agrees else "disagrees"
    out += ["", result.method_profile, "",
            f"Computed ordering: {' > '.join(result.ordering)}. Article's ordering: {article}. Ordering {agrees}.",
            "", "### Specific practices covered per process area", "",
            "| Area | " + " | ".join(_md(r.framework) for r in result.rows) + " |",
            "|---|" + "---:|" * len(result.rows)]
    for pa_id, level in _areas(result):
        cells = []
        for row in result.rows:
            a = next(x for x in row.profile.areas if x.id == pa_id)
            cells.append(f"{a.covered}/{a.total}" if a.covered else "-")
        out.append(f"| {pa_id} (ML{level}) | " + " | ".join(cells) + " |")
    out += ["", "## Per framework", ""]
    for row in result.rows:
        out.append(f"- **{_md(row.name)}** (`{row.framework}`, {row.provenance}): {_md(row.strict.statement)} "
                   f"Provenance: {_md(row.provenance_note)}")
        if row.article_verdict is not None:
            out.append(f"  - Article: {_md(row.article_verdict.text)}")
        for reason in row.agreement.reasons:
            out.append(f"  - Disagreement: {_md(reason)}")
        if not row.agreement.evidential and row.article_verdict is not None:
            out.append("  - Agreement not evidential: the level contents are our reconstruction from the article's "
                       "own description.")
    if result.rules:
        out += ["", "## Level characterizations (knowledge base)", ""]
        for rule in result.rules:
            when = " and ".join(rule.when) or "otherwise"
            out.append(f"- **{_md(rule.label)}**: {_md(when)}. Follows: {_md(rule.follows)} ({_md(rule.source)})")
    return "\n".join(out) + "\n"


@app.command("crosswalk")
def crosswalk_command(
    format: FormatOption = Format.table,
    chart: Annotated[
        Path | None,
        Option("--chart", metavar="FILE.svg|FILE.png",
               help="Also write the achievement-profile chart against the ML 2 and ML 3 target profiles."),
    ] = None,
    force: Annotated[bool, Option("--force", help="Replace an existing chart file.")] = False,
    kb: KbOption = None,
    no_verify: Annotated[
        bool, Option("--no-verify", help="Skip the cross-check against the reference evaluator.")
    ] = False,
) -> None:
    """Place every framework against CMMI: its strict rating adopted alone, and its achievement profile and level
    characterization beside the article's verdict.

    JSON output is the whole crosswalk: rules, orderings and one row per framework (strict, profile,
    article_verdict, agreement).
    """
    with handle_errors():
        fmt = None
        if chart is not None:
            fmt = _CHART_FORMATS.get(chart.suffix.lower())
            if fmt is None:
                raise UserInputError(f"{chart}: --chart writes .svg or .png, not {chart.suffix or 'no suffix'}")
            check_destination(chart, force=force)
        from mlops_maturity.engine import api
        from mlops_maturity.engine.crosswalk import crosswalk

        result = crosswalk(api.load_kb(kb), verify=not no_verify)
        if format is Format.json:
            write_text(api.to_json(result), None, force=False)
        elif format is Format.markdown:
            write_text(crosswalk_markdown(result), None, force=False)
        else:
            write_text(crosswalk_table(result), None, force=False)
        if chart is not None and fmt is not None:  # fmt is set with chart, above
            from mlops_maturity.engine.charts import render_crosswalk_chart

            write_output(render_crosswalk_chart(result, fmt), chart, force=force)
            err(f"wrote {chart} ({fmt})")
