"""What every command shares: the typer apps, the error handler and exit codes, common options.

Exit codes: 0 ok; 1 a requested threshold not met (``--fail-under``); 2 bad input or usage;
3 the rules engine and the reference evaluator disagree (internal error, both results printed);
4 any other internal error of the rules engine.
"""

import dataclasses
import importlib
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from mlops_maturity.engine.errors import InferenceError, Problem, UserInputError, VerificationError

if TYPE_CHECKING:
    from mlops_maturity.engine.formats import RenderOptions

MAX_PROBLEMS = 25
"""Input errors printed at most; the rest are counted."""

EXIT_OK, EXIT_THRESHOLD, EXIT_INPUT, EXIT_MISMATCH, EXIT_INTERNAL = 0, 1, 2, 3, 4

app = typer.Typer(
    name="maturity",
    help="Rate ML Ops / Model Ops process maturity against CMMI and vendor models, explain it, plan the way up.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
kb_app = typer.Typer(help="Browse and validate the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


def _format_enum(kind: str) -> type[Enum]:
    """The ``--format`` choices for documents of ``kind``: every format module that renders it
    (``mlops_maturity.engine.formats``), so a new format appears here without a change."""
    from mlops_maturity.engine import formats

    return Enum(f"{kind.title()}Format", {n: n for n in formats.formats_for(kind)}, type=str)  # type: ignore[return-value]


Format = _format_enum("assessment")
"""Output formats of an assessment (and of every document that has the same set)."""
RoadmapFormat = _format_enum("roadmap")
ExplanationFormat = _format_enum("explanation")
CrosswalkFormat = _format_enum("crosswalk")


class EntryFormat(str, Enum):
    """Output formats of ``kb show``: a knowledge-base entry is a document, not a table (``text``: to read)."""

    text = "text"
    yaml = "yaml"
    json = "json"


class ShowFormat(str, Enum):
    """Output formats of ``kb`` commands."""

    table = "table"
    json = "json"


def err(message: str) -> None:
    """Write a message to stderr (stdout carries only the requested document)."""
    sys.stderr.write(message.rstrip("\n") + "\n")


ENGINE_PARAMETERS = {"kb_dir": "kb", "practice_id": "practice"}
"""Engine parameters that the commands' own parameters call by another name (``--kb`` gives ``kb_dir``)."""


CLICK_MODULES = ("typer._click.globals", "click")
"""Where the click that typer runs on lives: recent typer releases carry their own copy, older ones use click."""


def command_flags() -> dict[str, str]:
    """The running command's options: parameter name -> the long flag that gives it (``fail_under`` ->
    ``--fail-under``); empty outside a command."""
    context = None
    for name in CLICK_MODULES:
        try:
            context = importlib.import_module(name).get_current_context(silent=True)
        except (ImportError, AttributeError):
            continue
        if context is not None:
            break
    if context is None:
        return {}
    flags = {}
    for param in context.command.params:
        if param.param_type_name == "option" and param.name:
            names = [o for o in param.opts if o.startswith("--")] or list(param.opts)
            flags[param.name] = names[0]
    return flags


def flag_problems(problems: list[Problem], flags: dict[str, str]) -> list[Problem]:
    """``problems`` with each engine parameter replaced by the flag of ``flags`` that gave it.

    The engine names its parameters (``kb_dir: x: not a directory``); the user typed a flag (``--kb``), so that is
    what the message names. A parameter no flag of the command gives (an argument, an answer typed in an interview)
    stays as the engine named it.
    """
    out = []
    for problem in problems:
        flag = flags.get(ENGINE_PARAMETERS.get(problem.parameter, problem.parameter)) if problem.parameter else None
        out.append(dataclasses.replace(problem, parameter=flag) if flag else problem)
    return out


@contextmanager
def handle_errors() -> Iterator[None]:
    """The one place where errors become messages and exit codes; no traceback reaches a user. An input problem
    names the flag the user typed, not the engine's parameter (:func:`flag_problems`)."""
    try:
        yield
    except UserInputError as exc:
        for problem in flag_problems(exc.problems, command_flags())[:MAX_PROBLEMS]:
            err(f"error: {str(problem).lstrip(': ')}")
        if len(exc.problems) > MAX_PROBLEMS:
            err(f"... and {len(exc.problems) - MAX_PROBLEMS} more error(s)")
        raise typer.Exit(EXIT_INPUT) from None
    except VerificationError as exc:
        err(f"internal error: {exc}")
        err("rules engine result:\n" + exc.engine_result)
        err("reference evaluator result:\n" + exc.reference_result)
        err("Please report this with the fact file. --no-verify skips the cross-check.")
        raise typer.Exit(EXIT_MISMATCH) from None
    except InferenceError as exc:
        err(f"internal error: {exc}")
        raise typer.Exit(EXIT_INTERNAL) from None
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback, never exit 1
        err(f"internal error: {type(exc).__name__}: {exc}")
        err("This is a bug in mlops-maturity; please report it with the command and the input files.")
        raise typer.Exit(EXIT_INTERNAL) from None


KbOption = Annotated[
    Path | None,
    typer.Option("--kb", help="Directory of YAML files that add to or replace (by path) the shipped knowledge base."),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]  # type: ignore[valid-type]
RoadmapFormatOption = Annotated[RoadmapFormat, typer.Option("--format", "-f", help="Output format.")]  # type: ignore[valid-type]
ExplanationFormatOption = Annotated[ExplanationFormat, typer.Option("--format", "-f", help="Output format.")]  # type: ignore[valid-type]
CrosswalkFormatOption = Annotated[CrosswalkFormat, typer.Option("--format", "-f", help="Output format.")]  # type: ignore[valid-type]


def terminal_width() -> int | None:
    """Columns to render to: ``COLUMNS`` when set to a number, else the terminal's width when stdout is one,
    else ``None`` (not a terminal: each document's own default width)."""
    value = os.environ.get("COLUMNS", "")
    if value.strip().isdigit() and int(value) > 0:
        return int(value)
    if sys.stdout.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    return None


def use_color() -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org) or TERM is dumb."""
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def render_options(**views: object) -> "RenderOptions":
    """Render options for this terminal, with the views a command asked for (``details``, ``brief``, ...)."""
    from mlops_maturity.engine.formats import RenderOptions

    return RenderOptions(width=terminal_width(), color=use_color(), **views)  # type: ignore[arg-type]


def emit(document: object, format: object, **views: object) -> None:
    """Render ``document`` in ``format`` (a ``--format`` choice) for this terminal and write it to stdout."""
    from mlops_maturity.cli.output import write_output
    from mlops_maturity.engine import formats

    name = getattr(format, "value", format)
    write_output(formats.render(str(name), document, render_options(**views)), None, force=False)
TargetOption = Annotated[
    str | None,
    typer.Option("--target", "-t", metavar="N|FRAMEWORK:LEVEL",
                 help="CMMI maturity level (1-5) or a framework level such as google:2. "
                      "Default: the next maturity level."),
]
MaxEvidenceAgeOption = Annotated[
    int | None,
    typer.Option("--max-evidence-age", metavar="DAYS", min=0,
                 help="Flag as stale an observation dated more than DAYS before assessed_on "
                      "(default: the knowledge base's, 365)."),
]
AssumeOption = Annotated[
    list[str] | None,
    typer.Option("--assume", help="What-if: treat PRACTICE as STATUS, e.g. --assume ml.model-registry=FI. Repeatable."),
]


