"""``maturity why`` and ``maturity how``: explanations of one assessment session.

Each command parses its options, makes one engine call (:func:`explain.explain_file`, one session) and renders the
explanation object: as terminal trees (``table``), as JSON (the bare document), or as Markdown (the engine's
template, the same text the golden files hold). Rule ids appear only with ``--trace``; the
terminal shows the whole tree only with ``--details``. The engine names its parameters in errors (``level``,
``practice``, ``framework``), which the error handler shows as the options; this module checks the option
combinations itself and names the options.
"""

from pathlib import Path
from typing import Annotated

import typer
from mlops_maturity.cli.common import (
    AssumeOption,
    ExplanationFormat,
    ExplanationFormatOption,
    KbOption,
    MaxEvidenceAgeOption,
    app,
    emit,
    handle_errors,
)
from mlops_maturity.engine.errors import Problem, UserInputError

FactsArgument = Annotated[Path, typer.Argument(help="Fact file (YAML or JSON).")]
TraceOption = Annotated[
    bool, typer.Option("--trace", help="Show the rule and the fact behind each step (the engine's trace).")
]
DetailsOption = Annotated[
    bool, typer.Option("--details", help="The whole tree: every alternative, with evidence and prerequisites.")
]
NoVerifyOption = Annotated[
    bool, typer.Option("--no-verify", help="Skip the cross-check against the reference evaluator.")
]

DETAILS_HINT = "--details shows every alternative with its evidence and prerequisites, --trace the rules"
"""How to see what the default (collapsed) terminal view leaves out."""


def _explain(facts: Path, **kwargs: object) -> object:
    from mlops_maturity.engine import explain

    return explain.explain_file(facts, **kwargs)  # type: ignore[arg-type]


@app.command()
def why(
    facts: FactsArgument,
    level: Annotated[
        int | None,
        typer.Option("--level", "-l", help="Maturity level 1-5 (default: the next one), or with --framework a "
                     "level of that model."),
    ] = None,
    practice: Annotated[str | None, typer.Option("--practice", "-p", help="Explain one practice.")] = None,
    framework: Annotated[
        str | None, typer.Option("--framework", help="Explain a level of an ML Ops maturity model (e.g. google).")
    ] = None,
    format: ExplanationFormatOption = ExplanationFormat.table,  # type: ignore[attr-defined]
    assume: AssumeOption = None,
    kb: KbOption = None,
    no_verify: NoVerifyOption = False,
    max_evidence_age: MaxEvidenceAgeOption = None,
    trace: TraceOption = False,
    details: DetailsOption = False,
) -> None:
    """Why a level is not reached (and the smallest set of practices that reaches it), or why a practice or a
    framework level stands where it does."""
    with handle_errors():
        if practice is not None and (level is not None or framework is not None):
            raise UserInputError([Problem("--practice", practice, "use --practice alone, without --level or "
                                          "--framework")])
        result = _explain(facts, kb_dir=kb, assume=assume or [], level=level, practice=practice,
                          framework=framework, verify=not no_verify, max_evidence_age=max_evidence_age)
        emit(result, format, trace=trace, details=details, extra={"details_hint": DETAILS_HINT})


@app.command()
def how(
    facts: FactsArgument,
    level: Annotated[
        int | None, typer.Option("--level", "-l", help="Maturity level 1-5 (default: the level reached).")
    ] = None,
    format: ExplanationFormatOption = ExplanationFormat.table,  # type: ignore[attr-defined]
    assume: AssumeOption = None,
    kb: KbOption = None,
    no_verify: NoVerifyOption = False,
    max_evidence_age: MaxEvidenceAgeOption = None,
    trace: TraceOption = False,
    details: DetailsOption = False,
) -> None:
    """How a maturity level was reached: the process areas, goals, CMMI practices and the practices behind them,
    and the rule that established each. For a level that is not reached, explains why not."""
    with handle_errors():
        result = _explain(facts, kb_dir=kb, assume=assume or [], level=level, how=True, verify=not no_verify,
                          max_evidence_age=max_evidence_age)
        emit(result, format, trace=trace, details=details, extra={"details_hint": DETAILS_HINT})
