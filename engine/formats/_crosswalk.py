"""The crosswalk document in the terminal (its Markdown is ``engine/templates/markdown/crosswalk.md.j2``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlops_maturity.engine.formats import RenderOptions

if TYPE_CHECKING:
    from mlops_maturity.engine.crosswalk import ArticleVerdict, Crosswalk, CrosswalkRow


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


def crosswalk_table(result: Crosswalk, options: RenderOptions | None = None) -> str:
    """The crosswalk as terminal tables: (a) strict rating, (b) achievement profile and agreement, the per-area
    profile, then each disagreement's reason and the characterization rules."""
    # Names, notes and rule texts come from the (possibly overlaid) knowledge base and are printed verbatim.
    from mlops_maturity.engine.formats._terminal import console as make_console
    from mlops_maturity.engine.formats._terminal import id_column, width_of
    from rich import box as rich_box
    from rich.table import Table
    from rich.text import Text

    console, buffer = make_console(width_of(options, 160))
    # Narrow terminals: no vertical rules (two columns of width each), tables split rather than squeezed.
    box = rich_box.HEAVY_HEAD if (console.width or 0) >= 180 else rich_box.SIMPLE_HEAD
    n = len(result.rows)
    strict = Table(title="(a) Strict rating: the framework's practice set adopted alone (SCAMPI rules)",
                   title_justify="left", box=box)
    id_column(strict, "Framework", [r.framework for r in result.rows])
    for column in ("Provenance", "Practices", "Strict ML", "ML2 areas unaddressed", "ML3 areas unaddressed"):
        strict.add_column(column, no_wrap=column == "Strict ML")
    for row in result.rows:
        strict.add_row(Text(row.framework), row.provenance, str(len(row.practices)),
                       Text(f"{row.strict.maturity_level} ({row.strict.maturity_level_name})"),
                       _unaddressed(row, 2), _unaddressed(row, 3))
    console.print(strict)
    console.print(Text(result.method_strict))
    console.print()
    ranked = sorted(result.rows, key=lambda r: (r.rank, r.framework))
    framework_ids = [r.framework for r in result.rows]
    title = "(b) Achievement profile and level characterization, beside the article's verdict"
    coverage_columns = ("Provenance", "ML2 areas", "T2 (ML2 SPs)", "T3 (ML2+3 SPs)", "GP2 GP3", "Rank")
    verdict_columns = ("Characterization", "Article", "Agreement")
    wide = (console.width or 0) >= 180
    parts = [coverage_columns + verdict_columns] if wide else [coverage_columns, verdict_columns]
    for k, columns in enumerate(parts):
        profile = Table(title=title if k == 0 else None, title_justify="left", box=box)
        id_column(profile, "Framework", framework_ids)
        rows = [{"Provenance": row.provenance, "ML2 areas": _touched(row, 2), "T2 (ML2 SPs)": _target(row, 2),
                 "T3 (ML2+3 SPs)": _target(row, 3), "GP2 GP3": _generic(row), "Rank": _rank(row, n),
                 "Characterization": _characterization(row), "Article": verdict_words(row.article_verdict),
                 "Agreement": row.agreement.label} for row in ranked]
        for column in columns:
            # A value is never cut: its column is at least as wide as its longest word; the header may wrap.
            profile.add_column(column, min_width=max(len(w) for r in rows for w in r[column].split()))
        for row, values in zip(ranked, rows, strict=True):
            profile.add_row(Text(row.framework), *(Text(values[c]) for c in columns))
        console.print(profile)
    console.print(Text(result.method_profile))
    article = " > ".join("{" + ", ".join(tier) + "}" for tier in result.article_ordering) or "-"
    agrees = "-" if result.ordering_agrees is None else "agrees" if result.ordering_agrees else "disagrees"
    console.print(Text(f"Computed ordering: {' > '.join(result.ordering)}. Article's ordering: {article}. "
                       f"Ordering {agrees}."))
    console.print()
    areas = Table(title="Specific practices covered per process area (ML 2 and ML 3 target profiles: all of them)",
                  title_justify="left", box=box)
    areas.add_column("Area", no_wrap=True)
    for row in result.rows:
        areas.add_column(Text(row.framework), justify="right", no_wrap=True, min_width=len(row.framework))
    for pa_id, level in _areas(result):
        cells: list[str] = []
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
