"""``maturity report``: render a report (Markdown, HTML, Word, or a firm's own template) from a fact file.

The command parses its options, makes one engine call (:func:`report.report_file`) and writes the result: text
formats to stdout or a file, Word documents to a file only. A file is written atomically (a temporary file in the
same directory, then renamed) and an existing one is replaced only with ``--force``; when rendering fails nothing
is written.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from mlops_maturity.cli.common import AssumeOption, KbOption, app, err, handle_errors
from mlops_maturity.cli.output import write_text
from mlops_maturity.engine import report
from mlops_maturity.engine.errors import UserInputError


def _to_stdout(out: Path | None) -> bool:
    return out is None or str(out) == "-"


def _check_destination(out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise UserInputError(f"{out}: file exists; use --force to replace it")
    directory = out.parent if str(out.parent) else Path(".")
    if not directory.is_dir():
        raise UserInputError(f"{out}: directory {directory} does not exist")


def write_bytes(data: bytes, out: Path, *, force: bool) -> None:
    """Write ``data`` to ``out`` atomically (temporary file in the same directory, then ``os.replace``).

    Raises:
        UserInputError: the file exists and ``force`` is false, or its directory does not exist.
    """
    _check_destination(out, force)
    directory = out.parent if str(out.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command("report")
def report_command(
    facts: Annotated[Path, typer.Argument(help="Fact file (YAML or JSON).")],
    template: Annotated[
        str,
        typer.Option("--template", "-t", help="markdown, html, docx, or the path of a template file or directory "
                     "(a directory holds one report.<format>.j2 or report.docx)."),
    ] = "markdown",
    target: Annotated[
        int | None,
        typer.Option("--target", min=1, max=5, help="Maturity level the roadmap and the explanation aim at "
                     "(default: the next level)."),
    ] = None,
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
) -> None:
    """Render a report of a fact file through a built-in template or a firm's own (run in a sandbox)."""
    with handle_errors():
        ref = report.resolve_template(template if template in report.BUILTIN_TEMPLATES else Path(template))
        if ref.format == "docx" and _to_stdout(out):
            raise UserInputError("a Word report needs --out FILE.docx (it cannot go to stdout)")
        if out is not None and not _to_stdout(out):
            _check_destination(out, force)  # fail before the (slow) rendering
        rendered = report.report_file(facts, template=template if template in report.BUILTIN_TEMPLATES
                                      else Path(template), target=target, capacity=capacity, kb_dir=kb,
                                      assume=assume or [], verify=not no_verify)
        if rendered.format == "docx":
            assert out is not None
            write_bytes(rendered.content, out, force=force)
        else:
            write_text(rendered.text, None if _to_stdout(out) else out, force=force)
        if not _to_stdout(out):
            err(f"wrote {out} ({rendered.format})")
