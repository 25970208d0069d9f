"""``maturity crosswalk``: every framework against CMMI, two answers side by side (strict rating; achievement
profile and characterization), beside the article's verdict, with the achievement-profile chart on request."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from mlops_maturity.cli.common import CrosswalkFormat, CrosswalkFormatOption, KbOption, app, emit, err, handle_errors
from mlops_maturity.cli.output import check_destination, write_output
from mlops_maturity.engine.errors import UserInputError
from typer import Option

if TYPE_CHECKING:
    from mlops_maturity.engine.charts import ChartFormat

_CHART_FORMATS: dict[str, ChartFormat] = {".svg": "svg", ".png": "png"}


@app.command("crosswalk")
def crosswalk_command(
    format: CrosswalkFormatOption = CrosswalkFormat.table,  # type: ignore[attr-defined]
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
        emit(result, format)
        if chart is not None and fmt is not None:  # fmt is set with chart, above
            from mlops_maturity.engine.charts import render_crosswalk_chart

            write_output(render_crosswalk_chart(result, fmt), chart, force=force)
            err(f"wrote {chart} ({fmt})")
