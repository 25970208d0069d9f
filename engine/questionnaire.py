"""The questionnaire round trip: questions for respondents as a workbook or CSV, and their answers back into a fact
file.

:func:`questionnaire_xlsx` and :func:`questionnaire_csv` write the interview questions of one role (or all), grouped
as an interview goes (by role, then by the process area of the practice's lowest-level CMMI practice, then by
practice id), each with its rubric beside it and cells for the answer, the evidence and a note. The same knowledge
base and arguments give the same bytes.

:func:`read_questionnaire` reads one filled questionnaire (one respondent) back, every bad cell a located
:class:`Problem` (``answers.xlsx: Questionnaire!J17: ...``); :func:`import_questionnaires` merges several into a fact
file, new or existing, by the combining rule of :func:`combine` (``docs/intake.md``):

- all answers the same -> that status;
- answers in the same class (FI and LI satisfied, PI and NI failed) -> the lower one;
- anything else (different classes, NA against anything else) -> a conflict: no status, not rated, until the assessor
  decides (``resolve``, or by editing the file).

An existing fact file keeps its comments, order and layout (a ruamel.yaml round trip; JSON stays JSON); only the
practices the questionnaires answer change, and a status the assessor decided is never replaced by answers. Nothing
here writes a file: the caller writes :attr:`ImportResult.text`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from mlops_maturity.engine import documents
from mlops_maturity.engine.errors import Problem, UserInputError
from mlops_maturity.engine.facts import parse_fact_text
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.knowledge import Role

ANSWERS = ("FI", "LI", "PI", "NI", "NY", "NA")
"""What a respondent may answer (the answer cell's drop-down)."""

EVIDENCE_TYPES = ("artifact", "affirmation")
"""The evidence type cell's drop-down; a blank type with evidence is read as ``affirmation``."""

ROLES: tuple[str, ...] = get_args(Role)
"""Interview roles, in the order a full questionnaire lists them."""

SHEET = "Questionnaire"
INSTRUCTIONS_SHEET = "Instructions"

COLUMNS = ("Role", "Process area", "Practice", "Practice name", "Questions", "FI looks like", "LI looks like",
           "PI looks like", "NI looks like", "Answer", "Evidence", "Evidence type", "Note", "NA reason")
"""The header row of the questionnaire (xlsx and CSV alike); :data:`HEADER_ROW` is its row."""

RESPONDENT_FIELDS = (("organization", "Organization"), ("name", "Respondent name"), ("role", "Respondent role"),
                     ("date", "Date (YYYY-MM-DD)"))
"""The respondent area at the top of the sheet: label in column A, value in column B, from row 2."""

HEADER_ROW = 7
FIXED_TIMESTAMP = dt.datetime(2000, 1, 1, 0, 0, 0)
"""Creation and modification time written into every workbook (and its zip entries): same input, same bytes."""

MAX_QUESTIONNAIRE_BYTES = 20_000_000
MAX_ROWS = 5_000

_GENERIC_AREA = "generic"
"""The process-area column of a practice whose lowest-level CMMI practice is an organization-level generic one."""


# ---------------------------------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class QuestionRow:
    """One practice as the questionnaire asks it."""

    role: str
    area: str
    practice: str
    name: str
    questions: tuple[str, ...]
    rubric: dict[str, str]

    @property
    def questions_text(self) -> str:
        """The questions, numbered, one a line."""
        if len(self.questions) == 1:
            return self.questions[0]
        return "\n".join(f"{i}. {q}" for i, q in enumerate(self.questions, 1))

    def cells(self) -> list[str]:
        """The row's cells in :data:`COLUMNS` order, answer cells blank."""
        return [self.role, self.area, self.practice, self.name, self.questions_text, self.rubric["FI"],
                self.rubric["LI"], self.rubric["PI"], self.rubric["NI"], "", "", "", "", ""]


def check_role(role: str | None) -> str | None:
    """``role`` when it is a known interview role (or ``None``).

    Raises:
        UserInputError: an unknown role, with the valid ones and a suggestion.
    """
    if role is None or role in ROLES:
        return role
    raise UserInputError([Problem.of_parameter("role", "", f"unknown role {role!r}; valid: {', '.join(ROLES)}"
                                               + documents.suggest(role, ROLES))])


def practice_area(kb: KnowledgeBase, pid: str) -> str:
    """The process area of the lowest-level CMMI practice ``pid`` implements (ties: model order); ``generic`` for an
    organization-level generic practice; empty when it implements none."""
    implemented = kb.practice_implements.get(pid, [])
    if not implemented:
        return ""
    lowest = min(implemented, key=lambda m: (kb.model_practice_level(m), implemented.index(m)))
    return kb.model_practices[lowest].process_area or _GENERIC_AREA


def questionnaire_rows(kb: KnowledgeBase, role: str | None = None) -> list[QuestionRow]:
    """The questions for ``role`` (practices whose ``role`` or ``also_ask`` names it) or for every role (each
    practice once, under its ``role``), in interview order: role, process area (in the knowledge base's order of
    areas, then generic practices, then practices that implement no CMMI practice), practice id.

    Raises:
        UserInputError: an unknown role.
    """
    check_role(role)
    area_rank = {pa.id: i for i, pa in enumerate(kb.process_areas)}
    area_rank[_GENERIC_AREA] = len(area_rank)
    area_rank[""] = len(area_rank)
    rows = []
    for pid, entry in kb.interview.items():
        if pid not in kb.practices:
            continue
        if role is not None and role != entry.role and role not in entry.also_ask:
            continue
        group = role or entry.role
        rows.append(QuestionRow(group, practice_area(kb, pid), pid, kb.practices[pid].name, tuple(entry.questions),
                                entry.rubric.model_dump()))
    role_rank = {r: i for i, r in enumerate(ROLES)}
    rows.sort(key=lambda r: (role_rank.get(r.role, len(role_rank)), r.role, area_rank.get(r.area, len(area_rank)),
                             r.practice))
    return rows


def _title(role: str | None) -> str:
    return "ML Ops maturity questionnaire" + (f" for the {role}" if role else " (all roles)")


def _preamble(role: str | None) -> list[list[str]]:
    """Rows 1 to 6: the title, the respondent area, a blank row."""
    rows = [[_title(role)]]
    for key, label in RESPONDENT_FIELDS:
        rows.append([label, role or "" if key == "role" else ""])
    rows.append([])
    return rows


def questionnaire_csv(kb: KnowledgeBase, role: str | None = None) -> str:
    """The questionnaire as CSV (RFC 4180, CRLF line ends; the caller writes it as UTF-8 with a byte-order mark so
    that spreadsheet programs read it as UTF-8): the rows of the xlsx sheet, one row per practice."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in _preamble(role):
        writer.writerow(row)
    writer.writerow(COLUMNS)
    for q in questionnaire_rows(kb, role):
        writer.writerow(q.cells())
    return "\ufeff" + buffer.getvalue()


_INSTRUCTIONS = [
    "How to answer",
    "",
    "1. Fill in the respondent area at the top of the Questionnaire sheet: your name, your role and the date "
    "(YYYY-MM-DD). One questionnaire is one respondent.",
    "2. For each practice you can speak to, read the questions and the four descriptions beside them (what fully, "
    "largely, partially and not implemented look like for this practice), and choose the answer that fits what is "
    "done today, not what is planned.",
    "3. Answer with the drop-down: FI fully implemented, LI largely implemented, PI partially implemented, NI not "
    "implemented, NY not yet (the work has not reached the point where the practice applies), NA not applicable "
    "(say why in NA reason). Leave the answer blank for a practice you cannot speak to: it is not counted.",
    "4. Evidence: what shows it (a document, a system, a record, a meeting); one item a line. Evidence type: "
    "artifact (something that can be opened and checked) or affirmation (what you say from experience; the "
    "default).",
    "5. Note: anything the assessor should know (exceptions, plans, who else to ask).",
    "",
    "Do not change the practice ids, the column headings or the respondent labels: the answers are read back by "
    "them. Rows may be sorted or deleted.",
    "",
    "The assessor combines the answers of several respondents: the same answer is taken as it is; FI with LI, or PI "
    "with NI, gives the lower one; any other disagreement is a conflict the assessor decides.",
]


def questionnaire_xlsx(kb: KnowledgeBase, role: str | None = None) -> bytes:
    """The questionnaire as an xlsx workbook (a Questionnaire sheet and an Instructions sheet), with drop-downs on
    the answer and evidence-type cells; the same input gives the same bytes (fixed timestamps and zip entries)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = questionnaire_rows(kb, role)
    book = Workbook()
    sheet = book.worksheets[0]  # the one sheet a new workbook has
    sheet.title = SHEET
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="FFF2CC")  # the cells to fill in
    for r, row in enumerate(_preamble(role), 1):
        for c, value in enumerate(row, 1):
            if value:
                sheet.cell(r, c, value)
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    for r in range(2, 2 + len(RESPONDENT_FIELDS)):
        sheet.cell(r, 1).font = bold
        sheet.cell(r, 2).fill = fill
    for c, heading in enumerate(COLUMNS, 1):
        cell = sheet.cell(HEADER_ROW, c, heading)
        cell.font = bold
        cell.alignment = wrap
    answer_col = COLUMNS.index("Answer") + 1
    fillable = {answer_col, *(COLUMNS.index(h) + 1 for h in ("Evidence", "Evidence type", "Note", "NA reason"))}
    for r, q in enumerate(rows, HEADER_ROW + 1):
        for c, value in enumerate(q.cells(), 1):
            cell = sheet.cell(r, c, value or None)
            cell.alignment = wrap
            if c in fillable:
                cell.fill = fill
    widths = {"Role": 18, "Process area": 10, "Practice": 30, "Practice name": 28, "Questions": 60, "Answer": 9,
              "Evidence": 40, "Evidence type": 13, "Note": 30, "NA reason": 24}
    for c, heading in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(c)].width = widths.get(heading, 40)
    last = HEADER_ROW + max(len(rows), 1)
    answers = DataValidation(type="list", formula1='"' + ",".join(ANSWERS) + '"', allow_blank=True,
                             showErrorMessage=True, errorTitle="Answer", error="Choose FI, LI, PI, NI, NY or NA.")
    kinds = DataValidation(type="list", formula1='"' + ",".join(EVIDENCE_TYPES) + '"', allow_blank=True,
                           showErrorMessage=True, errorTitle="Evidence type", error="Choose artifact or affirmation.")
    letter = get_column_letter
    answers.add(f"{letter(answer_col)}{HEADER_ROW + 1}:{letter(answer_col)}{last}")
    kind_col = COLUMNS.index("Evidence type") + 1
    kinds.add(f"{letter(kind_col)}{HEADER_ROW + 1}:{letter(kind_col)}{last}")
    sheet.add_data_validation(answers)
    sheet.add_data_validation(kinds)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, COLUMNS.index("Questions") + 1).coordinate
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{letter(len(COLUMNS))}{last}"

    notes = book.create_sheet(INSTRUCTIONS_SHEET)
    notes.column_dimensions["A"].width = 110
    for r, line in enumerate([*_INSTRUCTIONS, "", f"Knowledge base: {kb.fingerprint}",
                              f"Questions: {len(rows)}" + (f" for the {role}" if role else "")], 1):
        cell = notes.cell(r, 1, line or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.cell(1, 1).font = Font(bold=True, size=14)

    props = book.properties
    props.creator = "mlops-maturity"
    props.title = _title(role)
    props.created = FIXED_TIMESTAMP
    props.lastModifiedBy = None
    buffer = io.BytesIO()
    book.save(buffer)  # sets ``modified`` to now, and the zip entries' times: both are fixed below
    return _deterministic_zip(buffer.getvalue())


_CORE_TIME = re.compile(r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _deterministic_zip(data: bytes) -> bytes:
    """The same workbook with fixed times: the core properties' created/modified and every zip entry's date."""
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                core = _CORE_TIME.sub(lambda m: m.group(1) + stamp + m.group(3), content.decode("utf-8"))
                content = core.encode("utf-8")
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Respondent:
    """Who filled a questionnaire (from its respondent area)."""

    name: str
    role: str | None
    on: dt.date
    organization: str | None


@dataclass(frozen=True)
class SheetAnswer:
    """One answered row."""

    practice: str
    status: str
    evidence: tuple[str, ...]
    evidence_type: str
    note: str | None
    reason: str | None
    cell: str
    """Where the answer is (``Questionnaire!J17``, or ``J17`` in a CSV)."""


@dataclass(frozen=True)
class Questionnaire:
    """One filled questionnaire: one respondent's answers."""

    source: str
    respondent: Respondent
    answers: tuple[SheetAnswer, ...]
    warnings: tuple[str, ...] = ()


def _letter(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


class _Grid:
    """A sheet's cells as text, with their locations (``sheet!A1`` for a workbook, ``A1`` for a CSV)."""

    def __init__(self, name: str, rows: list[list[Any]], sheet: str | None) -> None:
        self.name = name
        self.rows = rows
        self.sheet = sheet

    def where(self, row: int, column: int) -> str:
        coordinate = f"{_letter(column)}{row}"
        return f"{self.sheet}!{coordinate}" if self.sheet else coordinate

    def value(self, row: int, column: int) -> Any:
        if row - 1 < len(self.rows) and column - 1 < len(self.rows[row - 1]):
            return self.rows[row - 1][column - 1]
        return None

    def text(self, row: int, column: int) -> str:
        value = self.value(row, column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def problem(self, row: int, column: int, message: str) -> Problem:
        return Problem(self.name, self.where(row, column), message)


def _read_grid(path: Path) -> _Grid:
    name = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            head = stream.read(4)
    except FileNotFoundError:
        raise UserInputError([Problem(name, "", "file not found")]) from None
    except IsADirectoryError:
        raise UserInputError([Problem(name, "", "is a directory, expected a questionnaire (.xlsx or .csv)")]) from None
    except OSError as exc:
        raise UserInputError([Problem(name, "", f"cannot be read: {exc.strerror}")]) from None
    if size > MAX_QUESTIONNAIRE_BYTES:
        raise UserInputError([Problem(name, "", f"is {size:,} bytes; a questionnaire may have at most "
                                      f"{MAX_QUESTIONNAIRE_BYTES:,}")])
    if head.startswith(b"PK"):
        return _read_xlsx(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise UserInputError([Problem(name, "", "not an xlsx workbook (not a zip file); save it as .xlsx or .csv")])
    return _read_csv(path)


def _read_xlsx(path: Path) -> _Grid:
    import warnings

    from openpyxl import load_workbook

    name = str(path)
    try:
        with warnings.catch_warnings():  # openpyxl warns about extensions it drops (data validation, ...)
            warnings.simplefilter("ignore")
            book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise UserInputError([Problem(name, "", f"not a readable xlsx workbook ({type(exc).__name__}: {exc})")]) \
            from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file; all are input errors
        raise UserInputError([Problem(name, "", f"not a readable xlsx workbook ({type(exc).__name__})")]) from None
    try:
        names = book.sheetnames
        chosen = SHEET if SHEET in names else next((n for n in names if n != INSTRUCTIONS_SHEET), None)
        if chosen is None:
            raise UserInputError([Problem(name, "", f"no {SHEET} sheet")])
        rows = []
        for row in book[chosen].iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + HEADER_ROW:
                raise UserInputError([Problem(name, chosen, f"more than {MAX_ROWS:,} rows")])
    finally:
        book.close()
    return _Grid(name, rows, chosen)


def _read_csv(path: Path) -> _Grid:
    name = str(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserInputError([Problem(name, "", f"not UTF-8 text ({exc.reason}); save the CSV as UTF-8")]) from None
    if "\x00" in text:
        raise UserInputError([Problem(name, "", "not a CSV file (it holds NUL characters)")])
    try:
        rows: list[list[Any]] = []
        for row in csv.reader(io.StringIO(text, newline="")):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + HEADER_ROW:
                raise UserInputError([Problem(name, "", f"more than {MAX_ROWS:,} rows")])
    except csv.Error as exc:
        raise UserInputError([Problem(name, "", f"not valid CSV: {exc}")]) from None
    return _Grid(name, rows, None)


def _find_header(grid: _Grid) -> int:
    for r, row in enumerate(grid.rows[:50], 1):
        if {"Practice", "Answer"} <= {str(v).strip() for v in row if v is not None}:
            return r
    raise UserInputError([Problem(grid.name, grid.sheet or "", "no header row with Practice and Answer columns (is "
                                  "this a questionnaire written by maturity questionnaire?)")])


def _parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?", text)
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


_LOOKALIKE = str.maketrans({"L": "I", "1": "I", "|": "I", "!": "I", "0": "N"})


def suggest_answer(text: str) -> str:
    """``; did you mean FI?`` for a mistyped answer (``Fl``, ``F1``, ``fi.``), or an empty string."""
    upper = text.strip().upper()
    for candidate in (upper.translate(_LOOKALIKE), re.sub(r"[^A-Z]", "", upper)):
        if candidate in ANSWERS:
            return f"; did you mean {candidate}?"
    close = [a for a in ANSWERS if len(a) == len(upper) and sum(x != y for x, y in zip(a, upper, strict=True)) == 1]
    if len(close) == 1:
        return f"; did you mean {close[0]}?"
    return documents.suggest(upper, ANSWERS)


def read_questionnaire(path: Path, kb: KnowledgeBase) -> Questionnaire:
    """Read one filled questionnaire (xlsx or CSV, as :func:`questionnaire_xlsx` / :func:`questionnaire_csv` write
    it; columns are found by their headings, so they may be moved, and rows may be sorted or deleted).

    Raises:
        UserInputError: every bad cell, located (``answers.xlsx: Questionnaire!J17: unknown answer 'Fl'; ...``).
    """
    grid = _read_grid(path)
    header = _find_header(grid)
    problems: list[Problem] = []
    warnings: list[str] = []
    columns: dict[str, int] = {}
    for c, value in enumerate(grid.rows[header - 1], 1):
        heading = str(value).strip() if value is not None else ""
        if heading in COLUMNS and heading not in columns:
            columns[heading] = c
    labels: dict[str, tuple[int, int]] = {}
    wanted = {label.lower(): key for key, label in RESPONDENT_FIELDS}
    for r in range(1, header):
        for c, value in enumerate(grid.rows[r - 1], 1):
            key = wanted.get(str(value).strip().lower()) if value is not None else None
            if key and key not in labels:
                labels[key] = (r, c + 1)
    respondent: dict[str, Any] = {}
    for key, label in RESPONDENT_FIELDS:
        if key not in labels:
            if key in ("name", "date"):
                problems.append(Problem(grid.name, grid.sheet or "", f"no {label!r} in the respondent area above "
                                        "the header row"))
            continue
        r, c = labels[key]
        respondent[key] = grid.text(r, c)
        if key == "name" and not respondent[key]:
            problems.append(grid.problem(r, c, "the respondent's name is missing (one questionnaire is one "
                                         "respondent)"))
        if key == "date":
            on = _parse_date(grid.value(r, c)) if respondent[key] else None
            if not respondent[key]:
                problems.append(grid.problem(r, c, "the date of the answers is missing (YYYY-MM-DD)"))
            elif on is None:
                problems.append(grid.problem(r, c, f"expected a date as YYYY-MM-DD, got {respondent[key]!r}"))
            respondent["on"] = on
    answers: list[SheetAnswer] = []
    seen: dict[str, str] = {}
    col = columns.get
    for r in range(header + 1, len(grid.rows) + 1):
        pid = grid.text(r, columns["Practice"])
        answer = grid.text(r, columns["Answer"])
        extras = {h: grid.text(r, columns[h]) if h in columns else "" for h in ("Evidence", "Evidence type", "Note",
                                                                       "NA reason")}
        if not pid:
            if answer or any(extras.values()):
                problems.append(grid.problem(r, columns["Practice"], "an answered row without a practice id"))
            continue
        where = grid.where(r, columns["Answer"])
        if pid not in kb.practices:
            if pid in kb.aliases:
                warnings.append(f"{grid.name}: {grid.where(r, columns['Practice'])}: {pid} was merged into "
                                f"{kb.aliases[pid]}: read as {kb.aliases[pid]}")
                pid = kb.aliases[pid]
            else:
                problems.append(grid.problem(r, columns["Practice"], f"unknown practice id {pid!r}"
                                             + documents.suggest(pid, kb.practices)))
                continue
        if pid in seen:
            problems.append(grid.problem(r, columns["Practice"], f"{pid} appears twice (also at {seen[pid]})"))
            continue
        seen[pid] = grid.where(r, columns["Practice"])
        if not answer:
            if any(extras.values()):
                filled = ", ".join(h.lower() for h, v in extras.items() if v)
                warnings.append(f"{grid.name}: {where}: {pid} has {filled} but no answer: not imported")
            continue
        status = answer.upper()
        if status not in ANSWERS:
            problems.append(grid.problem(r, columns["Answer"], f"unknown answer {answer!r}; valid: "
                                         f"{', '.join(ANSWERS)}" + suggest_answer(answer)))
            continue
        kind = extras["Evidence type"].lower()
        if kind and kind not in EVIDENCE_TYPES:
            problems.append(grid.problem(r, columns["Evidence type"], f"unknown evidence type "
                                         f"{extras['Evidence type']!r}; valid: {', '.join(EVIDENCE_TYPES)}"
                                         + documents.suggest(kind, EVIDENCE_TYPES)))
            continue
        reason = extras["NA reason"] or None
        if status == "NA" and not reason:
            column = col("NA reason") or columns["Answer"]
            problems.append(grid.problem(r, column, f"{pid}: answer NA needs a reason (why the practice does not "
                                         "apply) in NA reason"))
            continue
        if reason and status != "NA":
            warnings.append(f"{grid.name}: {grid.where(r, col('NA reason') or 1)}: {pid}: an NA reason with "
                            f"answer {status}: the reason is not imported")
            reason = None
        evidence = tuple(line.strip() for line in extras["Evidence"].splitlines() if line.strip())
        answers.append(SheetAnswer(pid, status, evidence, kind or "affirmation", extras["Note"] or None, reason,
                                   where))
    if problems:
        raise UserInputError(problems)
    return Questionnaire(grid.name, Respondent(respondent["name"], respondent.get("role") or None, respondent["on"],
                                               respondent.get("organization") or None),
                         tuple(answers), tuple(warnings))


# ---------------------------------------------------------------------------------------------------- combining


_ORDER = {s: i for i, s in enumerate(("FI", "LI", "PI", "NI"))}


def status_class(status: str) -> str:
    """``FI``/``LI`` satisfied, ``PI``/``NI`` failed, ``NY`` unknown, ``NA`` not applicable."""
    return {"FI": "satisfied", "LI": "satisfied", "PI": "failed", "NI": "failed", "NY": "unknown"}.get(
        status, "not_applicable")


def combine(statuses: Iterable[str]) -> str | None:
    """The combining rule: all the same -> that status; all in one class (FI/LI, PI/NI) -> the lower one; else
    ``None`` (a conflict). No answers -> ``None``."""
    given = list(statuses)
    if not given:
        return None
    if len(set(given)) == 1:
        return given[0]
    if len({status_class(s) for s in given}) == 1 and all(s in _ORDER for s in given):
        return max(given, key=_ORDER.__getitem__)
    return None


@dataclass(frozen=True)
class Conflict:
    """A practice whose answers disagree across classes and that has no status."""

    practice: str
    answers: tuple[tuple[str, str], ...]
    """(respondent, status) pairs."""

    def __str__(self) -> str:
        return f"{self.practice}: " + ", ".join(f"{who} {status}" for who, status in self.answers)


@dataclass
class ImportResult:
    """What :func:`import_questionnaires` produced: the new text of the fact file and what it did."""

    text: str
    created: bool
    questionnaires: list[Questionnaire]
    merged: dict[str, str | None] = field(default_factory=dict)
    """Practice -> its status after the merge (``None``: a conflict), for every practice the questionnaires answer."""
    conflicts: list[Conflict] = field(default_factory=list)
    """Practices left without a status (also earlier conflicts the questionnaires did not touch)."""
    kept: dict[str, str] = field(default_factory=dict)
    """Practice -> the assessor's status, kept although some answer's class differs from it."""
    resolved: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    unchanged: bool = False


def parse_resolutions(items: Sequence[str]) -> dict[str, str]:
    """``["ml.x=FI", ...]`` -> ``{"ml.x": "FI"}``.

    Raises:
        UserInputError: an item is not ``PRACTICE=STATUS``, a status is unknown, or a practice is given twice.
    """
    out: dict[str, str] = {}
    problems = []
    for item in items:
        pid, sep, status = item.partition("=")
        pid, status = pid.strip(), status.strip()
        if not sep or not pid or not status:
            problems.append(Problem.of_parameter("resolve", "", "expected PRACTICE=STATUS (e.g. "
                                                 f"ml.model-registry=LI), got {item!r}"))
        elif status.upper() not in ANSWERS:
            problems.append(Problem.of_parameter("resolve", "", f"{item}: unknown status {status!r}; valid: "
                                                 f"{', '.join(ANSWERS)}" + suggest_answer(status)))
        elif pid in out:
            problems.append(Problem.of_parameter("resolve", "", f"{pid} is resolved twice"))
        else:
            out[pid] = status.upper()
    if problems:
        raise UserInputError(problems)
    return out


def _answer_entry(q: Questionnaire, a: SheetAnswer) -> dict[str, Any]:
    entry: dict[str, Any] = {"respondent": q.respondent.name}
    if q.respondent.role:
        entry["role"] = q.respondent.role
    entry["status"] = a.status
    if a.evidence:
        entry["evidence"] = [_Flow({"text": text, "type": a.evidence_type, "by": q.respondent.name,
                                    "on": q.respondent.on}) for text in a.evidence]
    if a.note:
        entry["note"] = a.note
    entry["on"] = q.respondent.on
    if a.reason:
        entry["reason"] = a.reason
    return entry


def import_questionnaires(
    kb: KnowledgeBase,
    questionnaires: Sequence[Path],
    facts: Path,
    *,
    organization: str | None = None,
    resolve: Sequence[str] = (),
) -> ImportResult:
    """Merge filled questionnaires into the fact file ``facts`` (updated when it exists, else created).

    Each questionnaire is one respondent; a respondent's answer replaces an earlier answer by the same respondent
    (re-importing a questionnaire changes nothing). A practice's status is recomputed from all its answers by
    :func:`combine`, except a status the assessor decided: one set in the file before any answer was recorded, or
    one that differs from what the rule gives for the answers already recorded (a resolved conflict, an edit). Such
    a status is kept, and answers whose class differs from it are reported in :attr:`ImportResult.kept`.

    Args:
        kb: the knowledge base.
        questionnaires: the filled questionnaires (xlsx or CSV), one respondent each; may be empty with ``resolve``.
        facts: the fact file to update or create (YAML, or JSON by its ``.json`` name).
        organization: the organization of a new fact file (default: the one the questionnaires name).
        resolve: ``PRACTICE=STATUS`` items deciding conflicting practices.

    Raises:
        UserInputError: a bad questionnaire cell, fact file or resolution; two questionnaires of one respondent;
            a resolution for a practice without a conflict; a new fact file without an organization.
    """
    resolutions = parse_resolutions(resolve)
    read = [read_questionnaire(path, kb) for path in questionnaires]
    problems = []
    by_name: dict[str, str] = {}
    for q in read:
        if q.respondent.name in by_name:
            problems.append(Problem(q.source, "", f"respondent {q.respondent.name!r} also answered "
                                    f"{by_name[q.respondent.name]}: one questionnaire per respondent"))
        by_name[q.respondent.name] = q.source
    if problems:
        raise UserInputError(problems)
    warnings = [w for q in read for w in q.warnings]
    exists = facts.exists()
    is_json = facts.suffix.lower() == ".json"
    if exists:
        text = documents.read_text(facts)
        current = parse_fact_text(text, str(facts), kb)  # its own problems first, located in it
        warnings.extend(current.warnings)
        named = {q.respondent.organization for q in read} - {None, current.organization}
        for other in sorted(named):  # type: ignore[type-var]
            warnings.append(f"the questionnaires name the organization {other!r}; {facts} is for "
                            f"{current.organization!r} (kept)")
        data, dump = _load_round_trip(text, str(facts), is_json)
    else:
        if not read:
            raise UserInputError([Problem(str(facts), "", "file not found (nothing to resolve)")])
        named_list = sorted({q.respondent.organization for q in read if q.respondent.organization})
        if organization is None:
            if not named_list:
                raise UserInputError([Problem(str(facts), "", "a new fact file needs the organization, and no "
                                              "questionnaire names one", parameter="organization")])
            if len(named_list) > 1:
                raise UserInputError([Problem(str(facts), "", "the questionnaires name different "
                                              f"organizations ({', '.join(map(repr, named_list))}); give the "
                                              "organization", parameter="organization")])
            organization = named_list[0]
        assessed_on = max(q.respondent.on for q in read)
        data, dump = _new_document(organization, assessed_on, read, is_json)
    practices = data.get("practices")
    if practices is None:
        practices = _mapping(is_json)
        data["practices"] = practices

    result = ImportResult(text="", created=not exists, questionnaires=read, warnings=warnings)
    touched = [pid for pid in kb.practices if any(a.practice == pid for q in read for a in q.answers)]
    # Full-line comments after a node belong to what follows it: taken off before anything is appended after the
    # node, and put back after what was appended.
    tail = _detach_trailing(practices) if touched and not is_json else ""
    for pid in touched:
        new = [(q, a) for q in read for a in q.answers if a.practice == pid]
        value = practices.get(pid)
        following = ""
        before_answers: list[Any]
        if not is_json and pid in practices:
            from ruamel.yaml.comments import CommentedMap

            if isinstance(value, CommentedMap) and not value.fa.flow_style():
                following = _detach_trailing(value)
            else:
                following = _split_comment(practices, pid, 2)
        if isinstance(value, str):
            before_status, before_answers = value, []
            value = _mapping(is_json)
            value["status"] = before_status
            practices[pid] = value
        elif value is None:
            before_status, before_answers = None, []
            value = _mapping(is_json)
            practices[pid] = value
        else:
            before_status = value.get("status")
            before_answers = list(value.get("answers") or [])
            if hasattr(value, "fa") and value.fa.flow_style():
                value.fa.set_block_style()  # answers are a block of entries: the observation becomes a block too
        decided = before_status is not None and (
            not before_answers or before_status != combine(str(a.get("status")) for a in before_answers))
        entries = value.get("answers")
        if entries is None:
            entries = _sequence(is_json)
            value["answers"] = entries
        for q, a in new:
            entry = _to_document(_answer_entry(q, a), is_json)
            position = next((i for i, old in enumerate(entries) if old.get("respondent") == q.respondent.name), None)
            if position is None:
                entries.append(entry)
            else:
                entries[position] = entry
        statuses = [str(e.get("status")) for e in entries]
        if decided:
            status = before_status
            if any(status_class(s) != status_class(str(status)) for s in statuses):
                result.kept[pid] = str(status)
        else:
            status = combine(statuses)
            if status is None:
                value.pop("status", None)
            else:
                _set_first(value, "status", status)
                if status == "NA" and not value.get("reason"):
                    reasons = dict.fromkeys(str(e["reason"]) for e in entries if e.get("reason"))
                    _set_after(value, "reason", "; ".join(reasons), "status")
        result.merged[pid] = None if status is None else str(status)
        if following:
            _attach_trailing(value, following)
    if tail:
        _attach_trailing(practices, tail)

    conflicts = {pid: v for pid, v in practices.items()
                 if isinstance(v, dict) and v.get("answers") and v.get("status") is None}
    problems = []
    for pid, status in resolutions.items():
        if pid not in conflicts:
            if pid not in kb.practices:
                reason = "not a practice of the knowledge base"
            elif pid not in practices:
                reason = f"{pid} has no conflict to resolve (the fact file does not characterize it)"
            else:
                current_value = practices[pid]
                shown = current_value if isinstance(current_value, str) else current_value.get("status")
                reason = f"{pid} has no conflict to resolve (its status is {shown})"
            hint = (documents.suggest(pid, conflicts) or f"; the conflicts are: {', '.join(conflicts)}") if conflicts \
                else "; no practice has a conflict"
            problems.append(Problem.of_parameter("resolve", "", f"{pid}={status}: {reason}{hint}"))
            continue
        value = conflicts[pid]
        if status == "NA" and not value.get("reason"):
            reasons = dict.fromkeys(str(e["reason"]) for e in value["answers"] if e.get("reason"))
            if not reasons:
                problems.append(Problem.of_parameter("resolve", "", f"{pid}=NA: NA needs a reason and no answer "
                                                     "gives one; write the status and the reason in the fact file"))
                continue
            _set_first(value, "status", status)
            _set_after(value, "reason", "; ".join(reasons), "status")
        else:
            _set_first(value, "status", status)
        result.resolved[pid] = status
        if pid in result.merged:
            result.merged[pid] = status
    if problems:
        raise UserInputError(problems)
    for pid, value in practices.items():
        if isinstance(value, dict) and value.get("answers") and value.get("status") is None:
            result.conflicts.append(Conflict(pid, tuple((str(e.get("respondent")), str(e.get("status")))
                                                        for e in value["answers"])))
    result.text = dump(data)
    parse_fact_text(result.text, str(facts), kb)  # what is written reads back (a bug here must not write a file)
    result.unchanged = exists and result.text == text
    return result


# ---------------------------------------------------------------------------------------------------- documents


def _mapping(is_json: bool) -> Any:
    if is_json:
        return {}
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap()


def _sequence(is_json: bool) -> Any:
    if is_json:
        return []
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq()


class _Flow(dict[str, Any]):
    """A mapping written on one line (an evidence item)."""


def _to_document(value: Any, is_json: bool) -> Any:
    if isinstance(value, dict):
        out = _mapping(is_json)
        for k, v in value.items():
            out[k] = _to_document(v, is_json)
        if isinstance(value, _Flow) and not is_json:
            out.fa.set_flow_style()
        return out
    if isinstance(value, list):
        seq = _sequence(is_json)
        seq.extend(_to_document(v, is_json) for v in value)
        return seq
    if isinstance(value, dt.date) and is_json:
        return value.isoformat()
    return value


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where ruamel.yaml keeps the comment after the last line of ``node``: (container, key or index, position)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap) and len(node):
        key, position = list(node)[-1], 2
    elif isinstance(node, CommentedSeq) and len(node):
        key, position = len(node) - 1, 0
    else:
        return None
    child = node[key]
    if isinstance(child, (CommentedMap, CommentedSeq)) and len(child) and not child.fa.flow_style():
        return _last_slot(child)
    return node, key, position


def _split_comment(container: Any, key: Any, position: int) -> str:
    """Take the full-line comments off a comment slot, leaving its end-of-line comment; return them."""
    slot = container.ca.items.get(key)
    if not slot or len(slot) <= position or slot[position] is None:
        return ""
    token = slot[position]
    eol, _, rest = token.value.partition("\n")
    if not rest:
        return ""
    if eol.strip():
        token.value = eol + "\n"
    else:
        slot[position] = None
    return rest


def _detach_trailing(node: Any) -> str:
    where = _last_slot(node)
    return _split_comment(*where) if where else ""


def _attach_trailing(node: Any, lines: str) -> None:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    where = _last_slot(node)
    if where is None:
        return
    container, key, position = where
    slot = container.ca.items.setdefault(key, [None, None, None, None])
    while len(slot) <= position:
        slot.append(None)
    if slot[position] is None:
        slot[position] = CommentToken("\n" + lines, CommentMark(0), None)
    else:
        slot[position].value = slot[position].value.rstrip("\n") + "\n" + lines


def _set_first(mapping: Any, key: str, value: Any) -> None:
    """Set ``key``, first in the mapping when it is new (status leads an observation)."""
    if key in mapping:
        mapping[key] = value
    elif hasattr(mapping, "insert"):
        mapping.insert(0, key, value)
    else:
        items = list(mapping.items())
        mapping.clear()
        mapping[key] = value
        mapping.update(items)


def _set_after(mapping: Any, key: str, value: Any, after: str) -> None:
    if key in mapping or after not in mapping:
        mapping[key] = value
        return
    position = list(mapping).index(after) + 1
    if hasattr(mapping, "insert"):
        mapping.insert(position, key, value)
    else:
        items = list(mapping.items())
        mapping.clear()
        mapping.update(items[:position])
        mapping[key] = value
        mapping.update(items[position:])


def _yaml(text: str | None) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a line the file did not fold
    sequence, offset = 4, 2
    if text:
        from ruamel.yaml.util import load_yaml_guess_indent

        try:
            _, guessed, guessed_offset = load_yaml_guess_indent(text)
        except Exception:  # noqa: BLE001 - a guess only; the document itself was read already
            guessed = guessed_offset = None
        if guessed and guessed_offset is not None and guessed > guessed_offset:
            sequence, offset = guessed, guessed_offset
    yaml.indent(mapping=2, sequence=sequence, offset=offset)
    plain = yaml.representer.ignore_aliases
    # One date used by many answers is written out each time, never as an anchor and aliases.
    yaml.representer.ignore_aliases = lambda data: isinstance(data, dt.date) or plain(data)
    return yaml


def _load_round_trip(text: str, name: str, is_json: bool) -> tuple[Any, Any]:
    """The document to update, and the function that dumps it back as text in its own layout."""
    if is_json:
        data = json.loads(text)

        def dump_json(doc: Any) -> str:
            return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

        return data, dump_json
    yaml = _yaml(text)
    data = yaml.load(text)

    def dump_yaml(doc: Any) -> str:
        buffer = io.StringIO()
        yaml.dump(doc, buffer)
        return buffer.getvalue()

    return data, dump_yaml


def _new_document(organization: str, assessed_on: dt.date, read: list[Questionnaire],
                  is_json: bool) -> tuple[Any, Any]:
    data = _to_document({"organization": organization,
                         "assessed_on": assessed_on.isoformat() if is_json else assessed_on}, is_json)
    data["practices"] = _mapping(is_json)
    if is_json:
        return data, lambda doc: json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    respondents = ", ".join(f"{q.respondent.name} ({q.respondent.role or 'no role given'}, "
                            f"{q.respondent.on.isoformat()})" for q in read)
    data.yaml_set_start_comment(
        "Fact file made from questionnaires; respondents: " + respondents + ".\n"
        "Each practice keeps every respondent's answer under answers:. Its status follows the combining rule\n"
        "(docs/intake.md); a practice with answers and no status is a conflict: not rated until you decide it.")
    yaml = _yaml(None)

    def dump_yaml(doc: Any) -> str:
        buffer = io.StringIO()
        yaml.dump(doc, buffer)
        return buffer.getvalue()

    return data, dump_yaml


__all__ = ["ANSWERS", "COLUMNS", "Conflict", "EVIDENCE_TYPES", "ImportResult", "Questionnaire",
           "ROLES", "combine", "import_questionnaires", "parse_resolutions", "questionnaire_csv", "questionnaire_rows",
           "questionnaire_xlsx", "read_questionnaire"]
