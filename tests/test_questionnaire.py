"""The questionnaire round trip (issue 12 item 3): ``maturity questionnaire`` and ``maturity import``."""

from __future__ import annotations

import csv
import difflib
import io
import json
import zipfile
from pathlib import Path

import pytest
from mlops_maturity.cli.app import app
from mlops_maturity.engine import questionnaire
from mlops_maturity.engine.errors import UserInputError
from mlops_maturity.engine.kb import KnowledgeBase
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.conftest import EXAMPLES

COL = {name: i + 1 for i, name in enumerate(questionnaire.COLUMNS)}


def write_questionnaire(runner: CliRunner, out: Path, *args: str) -> Path:
    result = runner.invoke(app, ["questionnaire", "--out", str(out), *args])
    assert result.exit_code == 0, result.stderr
    return out


def fill_xlsx(template: Path, out: Path, name: str, role: str | None, date: str,
              answers: dict[str, str | tuple[str, ...]], organization: str | None = "Acme Analytics") -> Path:
    """Fill a questionnaire as a respondent would, in a spreadsheet program: the respondent area, then answers
    (a status, or (status, evidence, evidence type, note, NA reason))."""
    book = load_workbook(template)
    sheet = book[questionnaire.SHEET]
    sheet["B2"] = organization
    sheet["B3"] = name
    sheet["B4"] = role
    sheet["B5"] = date
    rows = {sheet.cell(r, COL["Practice"]).value: r for r in range(questionnaire.HEADER_ROW + 1, sheet.max_row + 1)}
    for pid, answer in answers.items():
        status, *rest = (answer,) if isinstance(answer, str) else answer
        row = rows[pid]
        sheet.cell(row, COL["Answer"], status)
        for heading, value in zip(("Evidence", "Evidence type", "Note", "NA reason"), rest, strict=False):
            sheet.cell(row, COL[heading], value)
    book.save(out)
    return out


def assess(runner: CliRunner, facts: Path) -> dict:
    result = runner.invoke(app, ["assess", str(facts), "--format", "json"])
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def practice(doc: dict, pid: str) -> dict:
    return next(p for p in doc["practices"] if p["id"] == pid)


@pytest.fixture(scope="module")
def overlap(kb: KnowledgeBase) -> list[str]:
    """Practices both the ML platform lead's and the ML engineer's questionnaires ask."""
    platform = {r.practice for r in questionnaire.questionnaire_rows(kb, "ml-platform-lead")}
    engineer = {r.practice for r in questionnaire.questionnaire_rows(kb, "ml-engineer")}
    shared = sorted(platform & engineer)
    assert len(shared) >= 6
    return shared


# ---------------------------------------------------------------------------------------------------- the questionnaire


def test_rows_for_a_role_are_those_it_answers_in_interview_order(kb: KnowledgeBase) -> None:
    rows = questionnaire.questionnaire_rows(kb, "model-risk")
    expected = {pid for pid, e in kb.interview.items() if e.role == "model-risk" or "model-risk" in e.also_ask}
    assert {r.practice for r in rows} == expected
    assert {r.role for r in rows} == {"model-risk"}
    rank = {pa.id: i for i, pa in enumerate(kb.process_areas)}
    rank.update({"generic": len(rank), "": len(rank) + 1})
    keys = [(rank[r.area], r.practice) for r in rows]
    assert keys == sorted(keys)


def test_all_roles_ask_every_practice_once_grouped_by_role(kb: KnowledgeBase) -> None:
    rows = questionnaire.questionnaire_rows(kb)
    assert sorted(r.practice for r in rows) == sorted(kb.interview)
    roles = [r.role for r in rows]
    order = [r for r in questionnaire.ROLES if r in roles]
    assert list(dict.fromkeys(roles)) == order  # each role one block, in the documented order


def test_workbook_has_drop_downs_rubric_respondent_area_and_instructions(runner: CliRunner, tmp_path: Path,
                                                                        kb: KnowledgeBase) -> None:
    out = write_questionnaire(runner, tmp_path / "q.xlsx", "--role", "ml-platform-lead")
    book = load_workbook(out)
    assert book.sheetnames == [questionnaire.SHEET, questionnaire.INSTRUCTIONS_SHEET]
    sheet = book[questionnaire.SHEET]
    assert [sheet.cell(questionnaire.HEADER_ROW, c).value for c in range(1, len(COL) + 1)] == list(COL)
    assert [sheet.cell(r, 1).value for r in range(2, 6)] == ["Organization", "Respondent name", "Respondent role",
                                                             "Date (YYYY-MM-DD)"]
    assert sheet["B4"].value == "ml-platform-lead"
    first = questionnaire.HEADER_ROW + 1
    pid = sheet.cell(first, COL["Practice"]).value
    assert sheet.cell(first, COL["FI looks like"]).value == kb.interview[pid].rubric.FI
    assert sheet.cell(first, COL["NI looks like"]).value == kb.interview[pid].rubric.NI
    assert kb.interview[pid].questions[0] in sheet.cell(first, COL["Questions"]).value
    lists = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    last = sheet.max_row
    assert lists['"FI,LI,PI,NI,NY,NA"'] == f"J{first}:J{last}"
    assert lists['"artifact,affirmation"'] == f"L{first}:L{last}"


def test_questionnaire_bytes_are_deterministic(runner: CliRunner, tmp_path: Path) -> None:
    for suffix in ("xlsx", "csv"):
        one = write_questionnaire(runner, tmp_path / f"one.{suffix}", "--role", "pmo").read_bytes()
        two = write_questionnaire(runner, tmp_path / f"two.{suffix}", "--role", "pmo").read_bytes()
        assert one == two
    with zipfile.ZipFile(tmp_path / "one.xlsx") as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {i.date_time for i in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    assert "2000-01-01T00:00:00Z" in core and core.count("2000-01-01T00:00:00Z") == 2


def test_csv_has_the_documented_header_one_row_per_practice(runner: CliRunner, tmp_path: Path,
                                                            kb: KnowledgeBase) -> None:
    out = write_questionnaire(runner, tmp_path / "q.csv", "--role", "qa-lead")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[questionnaire.HEADER_ROW - 1] == list(questionnaire.COLUMNS)
    body = rows[questionnaire.HEADER_ROW:]
    assert [r[COL["Practice"] - 1] for r in body] == [r.practice for r in questionnaire.questionnaire_rows(kb, "qa-lead")]


def test_questionnaire_is_not_overwritten_without_force(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "q.xlsx"
    out.write_text("keep me")
    result = runner.invoke(app, ["questionnaire", "--out", str(out)])
    assert result.exit_code == 2 and "use --force" in result.stderr
    assert out.read_text() == "keep me"
    assert runner.invoke(app, ["questionnaire", "--out", str(out), "--force"]).exit_code == 0
    assert zipfile.is_zipfile(out)


def test_unknown_role_is_an_error_with_a_suggestion(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["questionnaire", "--role", "ml-platfrom-lead", "--out", str(tmp_path / "q.xlsx")])
    assert result.exit_code == 2
    assert "did you mean ml-platform-lead?" in result.stderr and "Traceback" not in result.stderr


# ---------------------------------------------------------------------------------------------------- the Done-when


def test_two_respondents_disagreeing_on_three_practices(runner: CliRunner, tmp_path: Path,
                                                        overlap: list[str]) -> None:
    """Done when: a filled questionnaire from two respondents who disagree on three practices imports into a fact
    file that lists the three conflicts and rates nothing on a conflict until it is resolved."""
    platform = write_questionnaire(runner, tmp_path / "platform.xlsx", "--role", "ml-platform-lead")
    engineer = write_questionnaire(runner, tmp_path / "engineer.xlsx", "--role", "ml-engineer")
    c1, c2, c3, same, close, na = overlap[:6]
    ana = fill_xlsx(platform, tmp_path / "ana.xlsx", "Ana Lopez", "ml-platform-lead", "2026-10-01", {
        c1: ("FI", "registry entries for all three models\nstage history", "artifact", "checked on screen"),
        c2: "LI", c3: "NY", same: "FI", close: "FI", na: ("NA", "", "", "", "no models bought in")})
    bob = fill_xlsx(engineer, tmp_path / "bob.xlsx", "Bob Smith", "ml-engineer", "2026-10-03", {
        c1: "PI", c2: ("NI", "we only have notebooks"), c3: "FI", same: "FI", close: "LI",
        na: ("NA", "", "", "", "out of our hands")})
    facts = tmp_path / "acme.yaml"
    result = runner.invoke(app, ["import", str(ana), str(bob), "--into", str(facts)])
    assert result.exit_code == 0, result.stderr
    listed = [line.strip() for line in result.stderr.splitlines() if line.strip().startswith("conflict ")]
    assert listed == [f"conflict {c1}: Ana Lopez FI, Bob Smith PI", f"conflict {c2}: Ana Lopez LI, Bob Smith NI",
                      f"conflict {c3}: Ana Lopez NY, Bob Smith FI"]
    assert "3 conflict(s), not rated until decided" in result.stderr

    doc = assess(runner, facts)
    assert doc["organization"] == "Acme Analytics" and doc["assessed_on"] == "2026-10-03"
    for pid in (c1, c2, c3):
        rated = practice(doc, pid)
        assert rated["status"] == "not_observed" and rated["conflict"] is True and not rated["satisfied"]
        assert [a["respondent"] for a in rated["answers"]] == ["Ana Lopez", "Bob Smith"]
        assert any(w.startswith(f"{pid}: respondents disagree") for w in doc["warnings"])
    assert practice(doc, same)["status"] == "FI" and practice(doc, close)["status"] == "LI"
    assert practice(doc, na)["status"] == "NA" and practice(doc, na)["reason"] == "no models bought in; out of our hands"
    answers = practice(doc, c1)["answers"]
    assert answers[0]["evidence"] == [
        {"text": "registry entries for all three models", "type": "artifact", "source": None, "by": "Ana Lopez",
         "on": "2026-10-01"},
        {"text": "stage history", "type": "artifact", "source": None, "by": "Ana Lopez", "on": "2026-10-01"}]
    assert answers[0]["note"] == "checked on screen" and answers[0]["role"] == "ml-platform-lead"
    assert practice(doc, c2)["answers"][1]["evidence"][0]["type"] == "affirmation"  # the default

    resolved = runner.invoke(app, ["import", "--into", str(facts), "--resolve", f"{c1}=LI"])
    assert resolved.exit_code == 0, resolved.stderr
    assert f"resolved {c1}: LI" in resolved.stderr and "2 conflict(s)" in resolved.stderr
    doc = assess(runner, facts)
    assert practice(doc, c1)["status"] == "LI" and practice(doc, c1)["conflict"] is False
    assert [p["id"] for p in doc["practices"] if p["conflict"]] == sorted([c2, c3], key=list(
        p["id"] for p in doc["practices"]).index)

    # Importing the same questionnaires again changes nothing: the assessor's decision stays.
    again = runner.invoke(app, ["import", str(ana), str(bob), "--into", str(facts)])
    assert again.exit_code == 0 and "unchanged" in again.stderr
    assert f"kept {c1}: the assessor's status LI stays" in again.stderr


def test_combining_rule() -> None:
    combine = questionnaire.combine
    assert combine(["FI", "FI"]) == "FI"
    assert combine(["FI", "LI"]) == "LI" and combine(["LI", "FI", "FI"]) == "LI"
    assert combine(["PI", "NI"]) == "NI" and combine(["NI", "PI"]) == "NI"
    assert combine(["NY", "NY"]) == "NY" and combine(["NA", "NA"]) == "NA"
    for different in (["FI", "PI"], ["LI", "NI"], ["NY", "FI"], ["NA", "NI"], ["NA", "FI"], ["NY", "PI"]):
        assert combine(different) is None, different
    assert combine([]) is None


def test_same_class_answers_combine_to_the_lower(runner: CliRunner, tmp_path: Path, overlap: list[str]) -> None:
    template = write_questionnaire(runner, tmp_path / "all.xlsx")
    a, b, c = overlap[:3]
    one = fill_xlsx(template, tmp_path / "1.xlsx", "One", "pmo", "2026-09-01", {a: "FI", b: "PI", c: "LI"})
    two = fill_xlsx(template, tmp_path / "2.xlsx", "Two", "qa-lead", "2026-09-02", {a: "LI", b: "NI", c: "LI"})
    facts = tmp_path / "f.yaml"
    result = runner.invoke(app, ["import", str(one), str(two), "--into", str(facts), "--organization", "Org"])
    assert result.exit_code == 0, result.stderr
    assert "conflict" not in result.stderr.replace("0 conflict(s)", "")
    doc = assess(runner, facts)
    assert doc["organization"] == "Org"
    assert [practice(doc, p)["status"] for p in (a, b, c)] == ["LI", "NI", "LI"]


# ---------------------------------------------------------------------------------------------------- round trip


def test_existing_fact_file_keeps_comments_layout_and_the_assessors_status(runner: CliRunner, tmp_path: Path,
                                                                          kb: KnowledgeBase) -> None:
    original = (EXAMPLES / "regulated-bank.yaml").read_text()
    facts = tmp_path / "bank.yaml"
    facts.write_text(original)
    template = write_questionnaire(runner, tmp_path / "all.xlsx")
    # ml.model-registry is LI in the file; ctl.go-no-go-decisions precedes a section comment; one not in the file.
    absent = next(p for p in questionnaire.questionnaire_rows(kb)
                  if p.practice not in original).practice
    answers = fill_xlsx(template, tmp_path / "a.xlsx", "Cy Park", "pmo", "2026-02-10",
                        {"ml.model-registry": "NI", "ctl.go-no-go-decisions": "FI", absent: "PI"})
    result = runner.invoke(app, ["import", str(answers), "--into", str(facts)])
    assert result.exit_code == 0, result.stderr
    assert "kept ml.model-registry: the assessor's status LI stays; the answers differ (Cy Park NI)" in result.stderr
    assert "Acme Analytics" in result.stderr  # the sheet names another organization: said, not used
    updated = facts.read_text()
    ops = difflib.SequenceMatcher(None, original.splitlines(), updated.splitlines(), autojunk=False).get_opcodes()
    assert {op for op, *_ in ops} == {"equal", "insert"}  # nothing of the file changed or moved: only additions
    lines = updated.splitlines()
    section = next(i for i, line in enumerate(lines) if line.strip().startswith("# ") and "SAM" in line)
    assert lines[section + 1].startswith("  sup.")  # the section comment still heads its section
    doc = assess(runner, facts)
    assert practice(doc, "ml.model-registry")["status"] == "LI"
    assert practice(doc, "ml.model-registry")["answers"][0]["status"] == "NI"
    assert practice(doc, absent)["status"] == "PI"
    assert doc["organization"] == "Northbridge Savings Bank"


def test_short_and_flow_forms_keep_their_comments(runner: CliRunner, tmp_path: Path) -> None:
    facts = tmp_path / "small.yaml"
    facts.write_text(
        "# top comment\n"
        "organization: Small\n"
        "assessed_on: 2026-03-01\n"
        "practices:\n"
        "  ml.model-registry: FI   # saw the registry\n"
        "  # a comment between\n"
        "  cfg.release-baselines: {status: PI, note: manual}  # flow\n"
        "  # trailing comment\n")
    template = write_questionnaire(runner, tmp_path / "all.xlsx")
    answers = fill_xlsx(template, tmp_path / "a.xlsx", "Cy", None, "2026-02-10",
                        {"ml.model-registry": "LI", "cfg.release-baselines": "NI"})
    assert runner.invoke(app, ["import", str(answers), "--into", str(facts)]).exit_code == 0
    lines = facts.read_text().splitlines()
    assert lines[0] == "# top comment"
    assert lines[4].startswith("  ml.model-registry:") and lines[4].endswith("# saw the registry")
    between = lines.index("  # a comment between")
    assert lines[between + 1].startswith("  cfg.release-baselines:")
    assert lines[-1] == "  # trailing comment"
    doc = assess(runner, facts)
    assert practice(doc, "ml.model-registry")["status"] == "FI"  # the assessor's, kept
    assert practice(doc, "cfg.release-baselines")["status"] == "PI"


def test_csv_round_trip(runner: CliRunner, tmp_path: Path, kb: KnowledgeBase) -> None:
    out = write_questionnaire(runner, tmp_path / "q.csv", "--role", "ml-engineer")
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    rows[2][1], rows[3][1], rows[4][1] = "Dee", "ml-engineer", "2026-08-15"
    body = rows[questionnaire.HEADER_ROW:]
    first, second = body[0], body[1]
    first[COL["Answer"] - 1], first[COL["Evidence"] - 1], first[COL["Evidence type"] - 1] = "pi", "a wiki page", "artifact"
    second[COL["Answer"] - 1], second[COL["Note"] - 1] = "FI", "since March"
    filled = tmp_path / "dee.csv"
    with filled.open("w", newline="", encoding="utf-8") as handle:  # no byte-order mark: read alike
        csv.writer(handle).writerows(rows)
    facts = tmp_path / "f.yaml"
    result = runner.invoke(app, ["import", str(filled), "--into", str(facts), "--organization", "Dee's team"])
    assert result.exit_code == 0, result.stderr
    doc = assess(runner, facts)
    a = practice(doc, first[COL["Practice"] - 1])
    assert a["status"] == "PI"
    assert a["answers"] == [{"respondent": "Dee", "role": "ml-engineer", "status": "PI", "evidence": [
        {"text": "a wiki page", "type": "artifact", "source": None, "by": "Dee", "on": "2026-08-15"}],
        "note": None, "on": "2026-08-15", "reason": None}]
    assert practice(doc, second[COL["Practice"] - 1])["answers"][0]["note"] == "since March"
    assert sum(1 for p in doc["practices"] if p["answers"]) == 2


def test_import_output_is_deterministic_and_json_stays_json(runner: CliRunner, tmp_path: Path,
                                                            overlap: list[str]) -> None:
    template = write_questionnaire(runner, tmp_path / "all.xlsx")
    one = fill_xlsx(template, tmp_path / "1.xlsx", "One", "pmo", "2026-09-01", {overlap[0]: "FI", overlap[1]: "PI"})
    two = fill_xlsx(template, tmp_path / "2.xlsx", "Two", "pmo", "2026-09-02", {overlap[0]: "NI"})
    texts = []
    for name in ("a.yaml", "b.yaml", "c.json"):
        result = runner.invoke(app, ["import", str(one), str(two), "--into", str(tmp_path / name)])
        assert result.exit_code == 0, result.stderr
        texts.append((tmp_path / name).read_bytes())
    assert texts[0] == texts[1]
    data = json.loads(texts[2])
    assert "status" not in data["practices"][overlap[0]] and data["practices"][overlap[1]]["status"] == "PI"
    assert assess(runner, tmp_path / "c.json")["warnings"]


# ---------------------------------------------------------------------------------------------------- errors


def test_invalid_cells_are_located(runner: CliRunner, tmp_path: Path, kb: KnowledgeBase) -> None:
    template = write_questionnaire(runner, tmp_path / "q.xlsx", "--role", "pmo")
    rows = questionnaire.questionnaire_rows(kb, "pmo")
    first, second, third, fourth = (r.practice for r in rows[:4])
    bad = fill_xlsx(template, tmp_path / "answers.xlsx", "Eve", "pmo", "2026-13-01",
                    {first: "Fl", second: ("FI", "x", "artefact"), third: "NA", fourth: "LI"})
    book = load_workbook(bad)
    book[questionnaire.SHEET].cell(questionnaire.HEADER_ROW + 4, COL["Practice"], "ml.model-registri")
    book.save(bad)
    result = runner.invoke(app, ["import", str(bad), "--into", str(tmp_path / "f.yaml")])
    assert result.exit_code == 2
    r = questionnaire.HEADER_ROW + 1
    assert result.stderr.splitlines() == [
        f"error: {bad}: Questionnaire!B5: expected a date as YYYY-MM-DD, got '2026-13-01'",
        f"error: {bad}: Questionnaire!J{r}: unknown answer 'Fl'; valid: FI, LI, PI, NI, NY, NA; did you mean FI?",
        f"error: {bad}: Questionnaire!L{r + 1}: unknown evidence type 'artefact'; valid: artifact, affirmation; "
        "did you mean artifact?",
        f"error: {bad}: Questionnaire!N{r + 2}: {third}: answer NA needs a reason (why the practice does not apply) "
        "in NA reason",
        f"error: {bad}: Questionnaire!C{r + 3}: unknown practice id 'ml.model-registri'; did you mean "
        "ml.model-registry?",
    ]
    assert not (tmp_path / "f.yaml").exists()


def test_missing_respondent_and_csv_cells_are_located(runner: CliRunner, tmp_path: Path) -> None:
    out = write_questionnaire(runner, tmp_path / "q.csv", "--role", "pmo")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline="")))
    rows[4][1] = "2026-08-15"
    rows[questionnaire.HEADER_ROW][COL["Answer"] - 1] = "XX"
    filled = tmp_path / "answers.csv"
    with filled.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    result = runner.invoke(app, ["import", str(filled), "--into", str(tmp_path / "f.yaml")])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {filled}: B3: the respondent's name is missing (one questionnaire is one respondent)",
        f"error: {filled}: J{questionnaire.HEADER_ROW + 1}: unknown answer 'XX'; valid: FI, LI, PI, NI, NY, NA"]


def test_not_a_questionnaire(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    text = tmp_path / "notes.csv"
    text.write_text("a,b\n1,2\n")
    for path, message in ((broken, "not a readable xlsx workbook"), (text, "no header row with Practice and Answer"),
                          (tmp_path / "missing.xlsx", "file not found")):
        result = runner.invoke(app, ["import", str(path), "--into", str(tmp_path / "f.yaml")])
        assert result.exit_code == 2 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_resolve_only_a_conflict(runner: CliRunner, tmp_path: Path, overlap: list[str]) -> None:
    template = write_questionnaire(runner, tmp_path / "all.xlsx")
    one = fill_xlsx(template, tmp_path / "1.xlsx", "One", "pmo", "2026-09-01", {overlap[0]: "FI", overlap[1]: "FI"})
    two = fill_xlsx(template, tmp_path / "2.xlsx", "Two", "pmo", "2026-09-02", {overlap[0]: "NI", overlap[1]: "FI"})
    facts = tmp_path / "f.yaml"
    result = runner.invoke(app, ["import", str(one), str(two), "--into", str(facts), "--resolve", f"{overlap[1]}=LI"])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: --resolve: {overlap[1]}=LI: {overlap[1]} has no conflict to resolve "
                                     f"(its status is FI); the conflicts are: {overlap[0]}")
    assert not facts.exists()
    typo = overlap[0][:-1]
    result = runner.invoke(app, ["import", str(one), str(two), "--into", str(facts), "--resolve", f"{typo}=LI"])
    assert result.exit_code == 2 and f"did you mean {overlap[0]}?" in result.stderr
    result = runner.invoke(app, ["import", str(one), str(two), "--into", str(facts), "--resolve", f"{overlap[0]}=Ll"])
    assert result.exit_code == 2 and "unknown status 'Ll'" in result.stderr and "did you mean LI?" in result.stderr
    result = runner.invoke(app, ["import", str(one), str(two), "--into", str(facts), "--resolve", f"{overlap[0]}=PI"])
    assert result.exit_code == 0, result.stderr
    assert assess(runner, facts)["warnings"] == []


def test_no_overwrite_without_force_and_in_place_update(runner: CliRunner, tmp_path: Path,
                                                        overlap: list[str]) -> None:
    template = write_questionnaire(runner, tmp_path / "all.xlsx")
    one = fill_xlsx(template, tmp_path / "1.xlsx", "One", "pmo", "2026-09-01", {overlap[0]: "FI"})
    two = fill_xlsx(template, tmp_path / "2.xlsx", "Two", "pmo", "2026-09-02", {overlap[1]: "PI"})
    facts = tmp_path / "f.yaml"
    assert runner.invoke(app, ["import", str(one), "--into", str(facts)]).exit_code == 0
    other = tmp_path / "other.yaml"
    other.write_text("keep me\n")
    result = runner.invoke(app, ["import", str(two), "--into", str(facts), "--out", str(other)])
    assert result.exit_code == 2 and "use --force" in result.stderr
    assert other.read_text() == "keep me\n"
    before = facts.read_text()
    result = runner.invoke(app, ["import", str(two), "--into", str(facts), "--out", str(other), "--force"])
    assert result.exit_code == 0, result.stderr
    assert facts.read_text() == before and overlap[1] in other.read_text()
    # --into an existing fact file is an update in place, without --force.
    result = runner.invoke(app, ["import", str(two), "--into", str(facts)])
    assert result.exit_code == 0 and f"updated {facts}" in result.stderr
    assert facts.read_text() == other.read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_new_fact_file_needs_an_organization_and_one_questionnaire_per_respondent(
        runner: CliRunner, tmp_path: Path, overlap: list[str]) -> None:
    template = write_questionnaire(runner, tmp_path / "all.xlsx")
    one = fill_xlsx(template, tmp_path / "1.xlsx", "One", "pmo", "2026-09-01", {overlap[0]: "FI"}, organization=None)
    result = runner.invoke(app, ["import", str(one), "--into", str(tmp_path / "f.yaml")])
    assert result.exit_code == 2
    assert f"error: --organization: {tmp_path / 'f.yaml'}: a new fact file needs the organization" in result.stderr
    again = fill_xlsx(template, tmp_path / "again.xlsx", "One", "pmo", "2026-09-03", {overlap[1]: "FI"})
    result = runner.invoke(app, ["import", str(one), str(again), "--into", str(tmp_path / "f.yaml"),
                                 "--organization", "X"])
    assert result.exit_code == 2 and "respondent 'One' also answered" in result.stderr


def test_engine_reads_a_questionnaire_without_the_cli(tmp_path: Path, kb: KnowledgeBase) -> None:
    path = tmp_path / "q.xlsx"
    path.write_bytes(questionnaire.questionnaire_xlsx(kb, "pmo"))
    filled = fill_xlsx(path, tmp_path / "f.xlsx", "Pat", "pmo", "2026-01-05", {})
    read = questionnaire.read_questionnaire(filled, kb)
    assert read.respondent.name == "Pat" and read.answers == ()
    with pytest.raises(UserInputError) as caught:
        questionnaire.parse_resolutions(["ml.model-registry"])
    assert caught.value.problems[0].parameter == "resolve"

