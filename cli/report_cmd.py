"""``maturity report``: render a report (Markdown, HTML, Word, or a firm's own template) from a fact file.

The command parses its options, makes one engine call (:func:`report.report_file`) and writes the result: text
formats to stdout or a file, Word documents to a file only. A file is written atomically (a temporary file in the
same directory, then renamed) and an existing one is replaced only with ``--force``; when rendering fails nothing
is written.
"""

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from mlops_maturity.cli.common import (
    AssumeOption,
    KbOption,
    MaxEvidenceAgeOption,
    app,
    err,
    handle_errors,
)
from mlops_maturity.cli.output import check_destination, to_stdout, write_output
from mlops_maturity.engine.errors import UserInputError


class Layout(str, Enum):
    """Layouts of the built-in templates."""

    full = "full"
    one_pager = "one-pager"


_SUFFIXES = {"markdown": (".md", ".markdown"), "html": (".html", ".htm"), "docx": (".docx",)}


@app.command("report")
def report_command(
    facts: Annotated[Path, typer.Argument(help="Fact file (YAML or JSON).")],
    template: Annotated[
        str,
        typer.Option("--template", "-t", help="markdown, html, docx, or the path of a template file or directory "
                     "(a directory holds one report.<format>.j2 or report.docx)."),
    ] = "markdown",
    target: Annotated[
        str | None,
        typer.Option("--target", metavar="N|FRAMEWORK:LEVEL",  # -t is --template here
                     help="CMMI maturity level (1-5) or a framework level such as google:2 that the roadmap and the "
                          "explanation aim at. Default: the next maturity level."),
    ] = None,
    layout: Annotated[
        Layout,
        typer.Option("--layout", help="Built-in templates: full (every section) or one-pager (summary, heat map, "
                     "main gaps, first wave)."),
    ] = Layout.full,
    appendix: Annotated[
        bool,
        typer.Option("--appendix", help="Add the appendix: the evidence table and the crosswalk of the models "
                     "against CMMI."),
    ] = False,
    capacity: Annotated[
        float | None,
        typer.Option("--capacity", help="Person-weeks available per quarter: bounds the roadmap's waves."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write; '-' or omitted: stdout (not for docx)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    assume: AssumeOption = None,
    kb: KbOption = None,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Skip the cross-check against the reference evaluator.")
    ] = False,
    max_evidence_age: MaxEvidenceAgeOption = None,
) -> None:
    """Render a report of a fact file through a built-in template or a firm's own (run in a sandbox)."""
    with handle_errors():
        from mlops_maturity.engine import report

        ref = report.resolve_template(template)  # once: a built-in name, else a path
        if ref.format == "docx" and to_stdout(out):
            raise UserInputError("a Word report needs --out FILE.docx (it cannot go to stdout)")
        if out is not None and not to_stdout(out):
            check_destination(out, force=force)  # fail before the (slow) rendering
        rendered = report.report_file(facts, template=ref, target=target, capacity=capacity, kb_dir=kb,
                                      assume=assume or [], verify=not no_verify, max_evidence_age=max_evidence_age,
                                      layout=layout.value, appendix=appendix)
        for warning in rendered.warnings:  # stdout carries only the document
            err(f"warning: {warning}")
        write_output(rendered.content if rendered.format == "docx" else rendered.text, out, force=force)
        if not to_stdout(out):
            err(f"wrote {out} ({rendered.format})")
            expected = _SUFFIXES.get(rendered.format, ())
            if expected and out is not None and out.suffix.lower() not in expected:
                err(f"warning: {out} holds a {rendered.format} report; the usual name ends in {expected[0]}")
