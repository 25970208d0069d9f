"""The core commands: ``assess``, ``kb validate|list|show``, ``init`` and ``schema``.

Engine modules, rich (tables) and ruamel.yaml (YAML output) are imported inside the commands that use them: a
command line starts a fresh process, and every module imported at start-up is paid for by every command.
"""

import io
import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from mlops_maturity.cli.common import (
    EXIT_INPUT,
    EXIT_THRESHOLD,
    AssumeOption,
    EntryFormat,
    Format,
    FormatOption,
    KbOption,
    MaxEvidenceAgeOption,
    ShowFormat,
    app,
    emit,
    err,
    handle_errors,
    kb_app,
    render_options,
)
from mlops_maturity.cli.output import write_text
from mlops_maturity.engine.errors import UserInputError

FOOTER = "More: --details (every table); --section NAME (only that part, repeatable; see --help)."
"""Under the one-screen view: how to see more."""


@app.command()
def assess(
    facts: Annotated[Path, typer.Argument(help="Fact file (YAML or JSON).")],
    format: FormatOption = Format.table,  # type: ignore[attr-defined]
    details: Annotated[
        bool, typer.Option("--details", help="Every table (process areas with goals, generic goals, target profiles, "
                                             "frameworks, direct characterizations, findings, practices), not the "
                                             "one-screen summary.")
    ] = False,
    section: Annotated[
        list[str] | None,
        typer.Option("--section", "-s", metavar="NAME",
                     help="Show only this part (repeatable, in the order given): summary, profile, areas, generic, "
                          "targets, frameworks, direct, findings, practices, next."),
    ] = None,
    assume: AssumeOption = None,
    kb: KbOption = None,
    fail_under: Annotated[
        str | None,
        typer.Option("--fail-under", metavar="N|FRAMEWORK:LEVEL",
                     help="Exit 1 when the CMMI maturity level is below N (1-5), or the framework's level below "
                          "LEVEL (e.g. google:1)."),
    ] = None,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Skip the cross-check against the reference evaluator.")
    ] = False,
    trace: Annotated[bool, typer.Option("--trace", help="Include the inference trace in JSON output.")] = False,
    max_evidence_age: MaxEvidenceAgeOption = None,
) -> None:
    """Infer the CMMI maturity level, capability profile, framework levels and findings of a fact file.

    The terminal view is one screen: the level and why, the capability profile, the frameworks, the top findings
    and the next steps; --details shows every table, --section picks parts."""
    with handle_errors():
        if trace and str(getattr(format, "value", format)) != "json":
            raise UserInputError("--trace: the inference trace is part of the JSON output; add --format json")
        from mlops_maturity.engine import api
        from mlops_maturity.engine.formats import RenderOptions
        from mlops_maturity.engine.formats._assessment import SECTIONS, wants_summary

        sections = tuple(section or ())
        for name in sections:
            if name not in SECTIONS:
                from mlops_maturity.engine.documents import suggest

                raise UserInputError(f"--section: unknown section {name!r}{suggest(name, SECTIONS)} "
                                     f"(valid: {', '.join(SECTIONS)})")
        if (sections or details) and str(getattr(format, "value", format)) == "json":
            raise UserInputError("--details and --section choose parts of the table and markdown views; "
                                 "JSON is always the whole assessment")
        knowledge = api.load_kb(kb)  # once: the threshold and the assessment read the same knowledge base
        threshold = None
        if fail_under is not None:
            from mlops_maturity.engine.roadmap import parse_target

            threshold = parse_target(fail_under, knowledge, parameter="fail_under")
        views = RenderOptions(details=details, sections=sections)
        result, summary = api.assess_file_summarized(
            facts, kb=knowledge, assume=assume or [], verify=not no_verify, max_evidence_age=max_evidence_age,
            summary=str(getattr(format, "value", format)) != "json" and wants_summary(views))
        for warning in result.warnings:  # stdout carries only the document
            err(f"warning: {warning}")
        emit(result, format, trace=trace, details=details, sections=sections,
             extra={"summary": summary, "footer": FOOTER})
        if isinstance(threshold, int) and result.maturity_level < threshold:
            err(f"maturity level {result.maturity_level} is below --fail-under {threshold}")
            raise typer.Exit(EXIT_THRESHOLD)
        if isinstance(threshold, tuple):
            framework, level = threshold
            found = next(f for f in result.frameworks if f.id == framework)
            if found.level is None or found.level < level:
                reached = f"{framework} is below its lowest level, so" if found.level is None else \
                    f"{framework} level {found.level} ({found.level_name}) is"
                err(f"{reached} below --fail-under {framework}:{level}")
                raise typer.Exit(EXIT_THRESHOLD)


@kb_app.command("validate")
def kb_validate(kb: KbOption = None) -> None:
    """Check the knowledge base: ids, references, prerequisite cycles, level inversions, coverage."""
    with handle_errors():
        from mlops_maturity.engine.formats import _assessment as render
        from mlops_maturity.engine.kb import validate_knowledge_base

        _, issues = validate_knowledge_base(kb)
        text = render.issues_text(issues)
        if any(i.severity == "error" for i in issues):
            err(text)
            raise typer.Exit(EXIT_INPUT)
        write_text(text, None, force=False)


@kb_app.command("list")
def kb_list(
    framework: Annotated[
        str | None, typer.Option(help="Only practices this framework names (required or optional).")
    ] = None,
    process_area: Annotated[
        str | None,
        typer.Option("--process-area", help="Only practices that implement a CMMI practice of this process area, "
                                            "goal or CMMI practice (CM, CM.SG1, CM.SP1.2, CM.GP2.6).")
    ] = None,
    search: Annotated[str | None, typer.Option(help="Case-insensitive text search.")] = None,
    format: Annotated[ShowFormat, typer.Option("--format", "-f")] = ShowFormat.table,
    kb: KbOption = None,
) -> None:
    """List practices, optionally filtered."""
    with handle_errors():
        from mlops_maturity.engine import api, catalog

        knowledge = api.load_kb(kb)
        ids = catalog.list_practices(knowledge, framework=framework, process_area=process_area, search=search)
        if format is ShowFormat.json:
            docs = [catalog.practice_document(knowledge, pid) for pid in ids]
            write_text(json.dumps(docs, indent=2, ensure_ascii=False) + "\n", None, force=False)
        else:
            from mlops_maturity.engine.formats import _assessment as render

            write_text(render.kb_list_table(knowledge, ids, render_options()), None, force=False)


@kb_app.command("show")
def kb_show(
    ident: Annotated[
        str | None,
        typer.Argument(metavar="[ID]", help="Practice, process area, goal, CMMI practice (CM.SP1.2, GP2.3, "
                                            "PP.GP2.3), framework, insight, problem area or context attribute."),
    ] = None,
    format: Annotated[
        EntryFormat | None,
        typer.Option("--format", "-f", help="text (one entry; the default) or yaml/json (json: the default for "
                                            "the whole knowledge base)."),
    ] = None,
    kb: KbOption = None,
) -> None:
    """Show one knowledge-base entry (readable text by default), or the whole knowledge base without an id."""
    with handle_errors():
        from mlops_maturity.engine import api, catalog

        knowledge = api.load_kb(kb)
        doc = catalog.kb_document(knowledge) if ident is None else catalog.entry_document(knowledge, ident)
        if format is None:
            format = EntryFormat.json if ident is None else EntryFormat.text
        if format is EntryFormat.text:
            if ident is None:
                raise UserInputError("--format text shows one entry; give an ID, or use --format json|yaml for the "
                                     "whole knowledge base")
            from mlops_maturity.cli.common import terminal_width

            write_text(catalog.entry_text(doc, terminal_width()), None, force=False)
        elif format is EntryFormat.json:
            write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", None, force=False)
        else:
            from ruamel.yaml import YAML

            yaml = YAML()
            yaml.default_flow_style = False
            buffer = io.StringIO()
            yaml.dump(doc, buffer)
            write_text(buffer.getvalue(), None, force=False)


class InitOrder(str, Enum):
    """How ``maturity init`` orders the practices."""

    area = "area"
    role = "role"


@app.command()
def init(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="File to write; stdout when omitted.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    by: Annotated[
        InitOrder, typer.Option("--by", help="Order the practices by process area, or by the role to interview.")
    ] = InitOrder.area,
    kb: KbOption = None,
) -> None:
    """Write a blank fact file: every practice with an empty value (not observed until filled in), each with its
    interview questions, the role to ask and the FI/LI/PI/NI rubric as comments."""
    with handle_errors():
        from mlops_maturity.engine import api, catalog

        write_text(catalog.blank_fact_file(api.load_kb(kb), by=by.value), out, force=force)
        if out is not None and str(out) != "-":
            err(f"wrote {out}")


@app.command()
def schema(
    name: Annotated[str, typer.Argument(help="facts, assessment or report-context")] = "facts",
) -> None:
    """Print the JSON Schema of the fact file or of the assessment result."""
    with handle_errors():
        from mlops_maturity.engine import api

        write_text(json.dumps(api.schema(name), indent=2) + "\n", None, force=False)
