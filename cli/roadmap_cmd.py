"""``maturity roadmap``: an ordered, prerequisite-aware improvement plan toward a target level."""

from pathlib import Path
from typing import Annotated

import typer
from mlops_maturity.cli.common import (
    AssumeOption,
    KbOption,
    MaxEvidenceAgeOption,
    RoadmapFormat,
    RoadmapFormatOption,
    TargetOption,
    app,
    emit,
    handle_errors,
)


@app.command()
def roadmap(
    facts: Annotated[Path, typer.Argument(help="Fact file (YAML or JSON).")],
    target: TargetOption = None,
    capacity: Annotated[
        float | None,
        typer.Option("--capacity", metavar="PERSON_WEEKS",
                     help="Person-weeks available per quarter (13 weeks); bounds each wave. Default: calendar time "
                          "at 6.5 per ML team (ml_team_count), waves unbounded."),
    ] = None,
    assume: AssumeOption = None,
    format: RoadmapFormatOption = RoadmapFormat.table,  # type: ignore[attr-defined]
    kb: KbOption = None,
    plan_unobserved: Annotated[
        bool,
        typer.Option("--plan-unobserved",
                     help="Plan NY and not-observed practices as items instead of listing them under 'assess first'."),
    ] = False,
    no_verify: Annotated[
        bool,
        typer.Option("--no-verify", help="Skip the cross-check against the reference evaluator: every state is "
                                         "inferred by the rules engine alone."),
    ] = False,
    max_evidence_age: MaxEvidenceAgeOption = None,
    brief: Annotated[
        bool, typer.Option("--brief", help="Leave out each item's guidance and evidence of done."),
    ] = False,
) -> None:
    """Plan the way to a target level: prerequisites first, in waves whose levels the engine re-infers."""
    with handle_errors():
        from mlops_maturity.engine.roadmap import roadmap_file

        result = roadmap_file(facts, kb_dir=kb, target=target, capacity=capacity, assume=assume or [],
                              verify=not no_verify, plan_unobserved=plan_unobserved,
                              max_evidence_age=max_evidence_age)
        emit(result, format, brief=brief, extra={"capacity_hint": "set --capacity to change it",
                                                 "brief_hint": "--brief hides guidance and evidence"})
