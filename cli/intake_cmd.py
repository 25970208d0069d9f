"""``maturity questionnaire`` and ``maturity import``: the questionnaire round trip (``docs/intake.md``).

``questionnaire`` writes the interview questions of one role (or all) as an xlsx workbook or a CSV file;
``import`` merges filled questionnaires into a fact file, listing on stderr what it merged and every conflict.
Files are written atomically; an existing file is replaced only with ``--force``, except the fact file given to
``import --into``, which is updated in place (that is the point of the command).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from mlops_maturity.cli.common import KbOption, app, err, handle_errors
from mlops_maturity.cli.output import check_destination, to_stdout, write_output
from mlops_maturity.engine.errors import UserInputError


class QuestionnaireFormat(str, Enum):
    """File formats of a questionnaire."""

    xlsx = "xlsx"
    csv = "csv"


@app.command("questionnaire")
def questionnaire_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write (.xlsx or .csv); '-' for CSV on stdout.")],
    role: Annotated[
        str | None,
        typer.Option("--role", help="Only the questions for this role (those it answers first or also answers), "
                     "e.g. ml-platform-lead; all roles when omitted."),
    ] = None,
    format: Annotated[
        QuestionnaireFormat | None,
        typer.Option("--format", "-f", help="xlsx (drop-down answer cells) or csv; default: from --out's suffix, "
                     "else xlsx."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    kb: KbOption = None,
) -> None:
    """Write the interview questions, with each practice's FI/LI/PI/NI rubric and cells for the answer, evidence
    and notes, for respondents to fill in (read back with maturity import)."""
    with handle_errors():
        from mlops_maturity.engine import api, questionnaire

        chosen = format or (QuestionnaireFormat.csv if out.suffix.lower() == ".csv" else QuestionnaireFormat.xlsx)
        if chosen is QuestionnaireFormat.xlsx and to_stdout(out):
            raise UserInputError("an xlsx questionnaire needs --out FILE.xlsx (it cannot go to stdout)")
        if not to_stdout(out):
            check_destination(out, force=force)
        questionnaire.check_role(role)
        knowledge = api.load_kb(kb)
        if chosen is QuestionnaireFormat.xlsx:
            data: str | bytes = questionnaire.questionnaire_xlsx(knowledge, role)
        else:
            text = questionnaire.questionnaire_csv(knowledge, role)
            data = text if to_stdout(out) else text.encode("utf-8")
        write_output(data, out, force=force)
        if not to_stdout(out):
            count = len(questionnaire.questionnaire_rows(knowledge, role))
            err(f"wrote {out} ({chosen.value}, {count} practices" + (f" for the {role})" if role else ")"))
            expected = "." + chosen.value
            if out.suffix.lower() != expected:
                err(f"warning: {out} holds a {chosen.value} questionnaire; the usual name ends in {expected}")


@app.command("import")
def import_command(
    into: Annotated[
        Path,
        typer.Option("--into", help="Fact file to update in place (comments and layout kept; only the practices "
                     "the questionnaires answer change; an assessor's status is never replaced), or to create."),
    ],
    answers: Annotated[
        list[Path] | None,
        typer.Argument(metavar="ANSWERS", help="Filled questionnaires (.xlsx or .csv), one respondent each."),
    ] = None,
    resolve: Annotated[
        list[str] | None,
        typer.Option("--resolve", help="Decide a conflicting practice: PRACTICE=STATUS, e.g. "
                     "ml.model-registry=LI. Repeatable; an error for a practice without a conflict."),
    ] = None,
    organization: Annotated[
        str | None,
        typer.Option("--organization", help="Organization of a new fact file (default: the questionnaires')."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the merged fact file here instead of updating --into in place."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing --out file.")] = False,
    kb: KbOption = None,
) -> None:
    """Merge filled questionnaires into a fact file: answers per respondent, combined by the documented rule;
    disagreements across classes are listed as conflicts and left unrated until --resolve or an edit decides them.
    An existing --into file is updated in place (no --force needed); --out writes elsewhere (--force to replace)."""
    with handle_errors():
        from mlops_maturity.engine import api, questionnaire

        if not answers and not resolve:
            raise UserInputError("give one or more filled questionnaires (or --resolve for conflicts already in "
                                 "the fact file)")
        destination = out if out is not None else into
        if to_stdout(destination):
            raise UserInputError("--into needs a fact file name (the merged file is written there)")
        in_place = out is None or (into.exists() and destination.exists() and destination.resolve() == into.resolve())
        if not in_place:
            check_destination(destination, force=force)
        elif into.is_dir():
            raise UserInputError(f"{into}: is a directory; give a fact file name")
        knowledge = api.load_kb(kb)
        result = questionnaire.import_questionnaires(knowledge, answers or [], into, organization=organization,
                                                     resolve=resolve or [])
        for warning in result.warnings:
            err(f"warning: {warning}")
        for q in result.questionnaires:
            r = q.respondent
            err(f"read {q.source}: {r.name} ({r.role or 'no role given'}, {r.on.isoformat()}): "
                f"{len(q.answers)} answer(s)")
        rated = sum(1 for s in result.merged.values() if s is not None)
        if result.questionnaires:
            err(f"merged {len(result.merged)} practice(s): {rated} with a status, "
                f"{len(result.merged) - rated} conflict(s)")
        for pid, status in result.kept.items():
            err(f"kept {pid}: the assessor's status {status} stays; the answers differ ("
                + _answers(result, pid) + ")")
        for pid, status in result.resolved.items():
            err(f"resolved {pid}: {status}")
        if result.conflicts:
            err(f"{len(result.conflicts)} conflict(s), not rated until decided (--resolve PRACTICE=STATUS or edit "
                "the fact file):")
            for conflict in result.conflicts:
                err(f"  conflict {conflict}")
        if result.unchanged and in_place:
            err(f"{into}: unchanged")
            return
        existed = destination.exists()
        write_output(result.text, destination, force=force or in_place)
        err(f"{'updated' if existed else 'created'} {destination}")


def _answers(result: object, pid: str) -> str:
    from mlops_maturity.engine.questionnaire import ImportResult

    assert isinstance(result, ImportResult)
    return ", ".join(f"{q.respondent.name} {a.status}" for q in result.questionnaires for a in q.answers
                     if a.practice == pid)
