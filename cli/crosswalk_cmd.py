"""``maturity crosswalk``: the CMMI level each framework's practice set reaches, beside the article's verdict."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

from mlops_maturity.cli.common import KbOption, ShowFormat, app, handle_errors
from mlops_maturity.cli.output import write_text
from typer import Option

if TYPE_CHECKING:
    from mlops_maturity.engine.crosswalk import Crosswalk, CrosswalkArticleVerdict


def _verdict(verdict: CrosswalkArticleVerdict | None) -> str:
    if verdict is None:
        return "-"
    potential = f" (potential {verdict.potential_level})" if verdict.potential_level is not None else ""
    return f"{verdict.maturity_level}{potential}"


def _agrees(value: bool | None) -> str:
    return "-" if value is None else "yes" if value else "no"


def _words(status: str) -> str:
    return status.replace("_", " ")


def crosswalk_table(result: Crosswalk) -> str:
    """The crosswalk as a terminal table, followed by each framework's note on a disagreement."""
    # Names and notes come from the (possibly overlaid) knowledge base and are printed verbatim.
    from mlops_maturity.cli.render import text_console
    from rich.table import Table

    console, buffer = text_console(140)
    table = Table(title="Crosswalk: CMMI maturity level of each framework's full practice set", title_justify="left")
    for column in ("Framework", "Practices", "Computed ML", "Article verdict", "Agrees", "Covers ML2 / ML3 practices",
                   "Process areas satisfied (CL)", "GG2 / GG3", "Blocking the next level"):
        table.add_column(column, no_wrap=column in ("Framework", "Computed ML"))
    for row in result.rows:
        satisfied = ", ".join(f"{pa.id}:{pa.capability_level}" for pa in row.process_areas_satisfied) or "none"
        blocking = ", ".join(pa.id for pa in row.blocking_process_areas) or "-"
        coverage = " / ".join(f"{c.covered}/{c.required}" for c in row.coverage if c.level in (2, 3))
        table.add_row(
            row.framework, str(len(row.practices)),
            f"{row.computed_maturity_level} ({row.computed_maturity_level_name})",
            _verdict(row.article_verdict), _agrees(row.agrees), coverage, satisfied,
            f"{_words(row.generic_goals.get('GG2', '-'))} / {_words(row.generic_goals.get('GG3', '-'))}", blocking,
        )
    console.print(table)
    console.print(result.method)
    for row in result.rows:
        if row.crosswalk_note and row.agrees is not True:
            console.print(f"\n{row.framework}: {row.crosswalk_note}")
    return buffer.getvalue()


@app.command("crosswalk")
def crosswalk_command(
    format: Annotated[ShowFormat, Option("--format", "-f", help="Output format.")] = ShowFormat.table,
    kb: KbOption = None,
) -> None:
    """Compute the CMMI maturity level each framework's complete practice set reaches, beside the article's verdict.

    JSON output is a list with one row per framework (framework, computed_maturity_level, article_verdict, ...).
    """
    with handle_errors():
        from mlops_maturity.engine import api
        from mlops_maturity.engine.crosswalk import crosswalk

        result = crosswalk(api.load_kb(kb))
        if format is ShowFormat.json:
            rows = [row.model_dump(mode="json") for row in result.rows]
            write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", None, force=False)
        else:
            write_text(crosswalk_table(result), None, force=False)
