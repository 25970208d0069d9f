"""``maturity init`` cannot mislead (issue 12 item 5), and stale evidence is flagged (item 6).

The blank fact file lists every practice with an empty value (YAML null): read as "not filled in", so the file
assessed as it is rates nothing, whatever the order (by process area or by the role to interview). Each practice
carries its name, the role to ask, the questions and the FI/LI/PI/NI rubric as comments.

An observation dated (``observed_on``, else the latest ``on`` of its evidence and answers) more than the maximum
evidence age before ``assessed_on`` is flagged stale: ``PracticeResult.stale`` and a line in ``warnings``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from mlops_maturity.cli.app import app
from mlops_maturity.engine import api, catalog
from mlops_maturity.engine.assessment import assess, evidence_age_limit
from mlops_maturity.engine.errors import KnowledgeBaseError, UserInputError
from mlops_maturity.engine.facts import FactFile, parse_fact_text
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base, shipped_directory
from mlops_maturity.engine.knowledge import Role
from mlops_maturity.engine.session import Session
from typer.testing import CliRunner

ORDERS = ("area", "role")


@pytest.fixture(scope="module")
def blanks(kb: KnowledgeBase) -> dict[str, str]:
    return {by: catalog.blank_fact_file(kb, by=by) for by in ORDERS}


def _practice_keys(text: str) -> list[str]:
    """The practice ids as the file lists them, in order (the uncommented two-space-indented keys)."""
    return [line.strip()[:-1] for line in text.splitlines() if line.startswith("  ") and not line.startswith("  #")
            and line.endswith(":")]


# --- init -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("by", ORDERS)
def test_blank_file_assessed_as_is_observes_nothing_and_rates_nothing(
    by: str, blanks: dict[str, str], kb: KnowledgeBase
) -> None:
    facts = parse_fact_text(blanks[by], "blank.yaml", kb)
    assert facts.practices == {} and facts.warnings == []
    result = Session(kb, facts, source="blank.yaml").assessment  # the rules engine, cross-checked
    assert {p.status for p in result.practices} == {"not_observed"}
    assert len(result.practices) == len(kb.practices)
    assert not any(p.stale or p.conflict or p.satisfied for p in result.practices)
    assert result.maturity_level == 1
    goals = [g for pa in result.process_areas for g in pa.goals + pa.generic_goals] + list(result.generic_goals)
    assert goals and {g.status for g in goals} == {"not_rated"}
    assert {pa.status for pa in result.process_areas} == {"not_rated"}
    assert result.warnings == []


@pytest.mark.parametrize("by", ORDERS)
def test_blank_file_is_valid_yaml_listing_every_practice_once_with_no_value(
    by: str, blanks: dict[str, str], kb: KnowledgeBase
) -> None:
    text = blanks[by]
    data = yaml.safe_load(text)
    assert data["organization"] and data["assessed_on"]
    assert data["practices"] == {pid: None for pid in kb.practices}
    keys = _practice_keys(text)
    assert sorted(keys) == sorted(kb.practices) and len(keys) == len(set(keys))
    # No placeholder is a rating: no practice line carries a value, commented or not.
    for status in ("FI", "LI", "PI", "NI", "NY", "NA"):
        assert not any(line.rstrip().endswith(f": {status}") for line in text.splitlines()
                       if line.lstrip("# ").split(":")[0] in kb.practices)
    # The JSON Schema of the fact file accepts it too (null is "not filled in").
    jsonschema.validate(json.loads(json.dumps(data, default=str)), api.schema("facts"))


@pytest.mark.parametrize("by", ORDERS)
def test_blank_file_is_deterministic_and_the_cli_writes_the_engine_text(
    by: str, blanks: dict[str, str], kb: KnowledgeBase, runner: CliRunner, tmp_path: Path
) -> None:
    assert catalog.blank_fact_file(kb, by=by) == blanks[by]
    printed = runner.invoke(app, ["init", "--by", by])
    assert printed.exit_code == 0, printed.stderr
    assert printed.stdout == blanks[by]
    out = tmp_path / f"blank-{by}.yaml"
    written = runner.invoke(app, ["init", "--by", by, "--out", str(out)])
    assert written.exit_code == 0 and written.stderr.strip() == f"wrote {out}"
    assert out.read_bytes() == blanks[by].encode("utf-8")
    assessed = runner.invoke(app, ["assess", str(out), "-f", "json"])
    assert assessed.exit_code == 0, assessed.stderr
    doc = json.loads(assessed.stdout)
    assert doc["maturity_level"] == 1 and {p["status"] for p in doc["practices"]} == {"not_observed"}
    refused = runner.invoke(app, ["init", "--by", by, "--out", str(out)])
    assert refused.exit_code == 2 and "use --force" in refused.stderr
    assert runner.invoke(app, ["init", "--by", by, "--out", str(out), "--force"]).exit_code == 0


def test_default_order_is_by_area(blanks: dict[str, str], runner: CliRunner) -> None:
    assert runner.invoke(app, ["init"]).stdout == blanks["area"]
    assert blanks["area"] != blanks["role"]


def test_by_area_order_follows_the_lowest_level_cmmi_practice(blanks: dict[str, str], kb: KnowledgeBase) -> None:
    def home(pid: str) -> str | None:
        implemented = sorted(kb.practice_implements.get(pid, []), key=lambda m: (kb.model_practice_level(m), m))
        return (kb.model_practices[implemented[0]].process_area or "") if implemented else None

    areas = [pa.id for pa in kb.process_areas]
    rank = {**{a: i for i, a in enumerate(areas)}, "": len(areas), None: len(areas) + 1}
    expected = sorted(kb.practices, key=lambda p: (rank[home(p)], p))
    assert _practice_keys(blanks["area"]) == expected
    assert [p for p in expected if home(p) is None], "some practices implement no CMMI practice: listed last"
    assert home(expected[-1]) is None
    text = blanks["area"]
    assert "  # === CM Configuration Management, maturity level 2:" in text
    assert text.index("  # === Practices the ML Ops frameworks call for") > text.index("  # === CM ")


def test_by_role_order_is_role_then_practice(blanks: dict[str, str], kb: KnowledgeBase) -> None:
    from typing import get_args

    roles = list(get_args(Role))
    expected = sorted(kb.practices, key=lambda p: (roles.index(kb.interview[p].role), p))
    assert _practice_keys(blanks["role"]) == expected
    headers = [line for line in blanks["role"].splitlines() if line.startswith("  # === Role ")]
    used = [r for r in roles if any(e.role == r for e in kb.interview.values())]
    assert [h.split()[3].rstrip(":") for h in headers] == used


@pytest.mark.parametrize("by", ORDERS)
def test_each_practice_comes_with_name_role_questions_and_rubric(
    by: str, blanks: dict[str, str], kb: KnowledgeBase
) -> None:
    lines = blanks[by].splitlines()
    assert max(len(line) for line in lines) <= 120
    blocks: dict[str, str] = {}
    comment: list[str] = []
    for line in lines:
        if line.startswith("  #"):
            comment.append(line[3:].strip())
        elif line.startswith("  ") and line.endswith(":"):
            blocks[line.strip()[:-1]] = " ".join(comment)
            comment = []
        else:
            comment = []
    assert sorted(blocks) == sorted(kb.practices)
    for pid, text in blocks.items():
        entry = kb.interview[pid]
        assert text.startswith(f"{pid}: "), pid
        flat = " ".join(text.split())
        assert " ".join(kb.practices[pid].name.split()) in flat, pid
        assert f"Ask: {entry.role}" in flat, pid
        for question in entry.questions:
            assert " ".join(question.split()) in flat.replace(" Q: ", " ").replace("   ", " "), pid
        for level in ("FI", "LI", "PI", "NI"):
            assert f"{level}: " + " ".join(getattr(entry.rubric, level).split()) in flat, (pid, level)


def test_model_registry_block_reads_well(blanks: dict[str, str]) -> None:
    text = blanks["area"]
    block = text[text.index("  # ml.model-registry: "):text.index("\n  ml.model-registry:\n")]
    lines = block.splitlines()
    assert lines[0] == "  # ml.model-registry: Model registry"
    assert lines[1] == "  #   Ask: ml-platform-lead (also: head-of-data-science)"
    assert lines[2].startswith("  #   Q: When a model goes to production")
    assert any(line.startswith("  #   FI: Every production model") for line in lines)
    assert any(line.startswith("  #       ") for line in lines), "rubric lines wrap with a hanging indent"


def test_filling_in_the_template_rates_what_is_filled_in(blanks: dict[str, str], kb: KnowledgeBase) -> None:
    text = blanks["role"].replace("\n  ml.model-registry:\n", "\n  ml.model-registry: FI\n").replace(
        "\n  ml.data-validation:\n", "\n  ml.data-validation: {status: PI, evidence: [schema checks only]}\n")
    result = Session(kb, parse_fact_text(text, "filled.yaml", kb), evaluator="reference").assessment
    by_id = {p.id: p for p in result.practices}
    assert by_id["ml.model-registry"].status == "FI" and by_id["ml.data-validation"].status == "PI"
    assert sum(p.status != "not_observed" for p in result.practices) == 2


def test_bad_order_is_an_error_naming_the_parameter(kb: KnowledgeBase) -> None:
    with pytest.raises(UserInputError) as caught:
        catalog.blank_fact_file(kb, by="process")
    (problem,) = caught.value.problems
    assert problem.parameter == "by" and "expected one of area, role" in problem.message


def test_mini_knowledge_base_blank_file_also_rates_nothing(mini_kb: KnowledgeBase) -> None:
    for by in ORDERS:
        text = catalog.blank_fact_file(mini_kb, by=by)
        result = Session(mini_kb, parse_fact_text(text, "blank.yaml", mini_kb)).assessment
        assert {p.status for p in result.practices} == {"not_observed"} and result.maturity_level == 1
        assert sorted(_practice_keys(text)) == sorted(mini_kb.practices)


# --- a practice listed with no value ---------------------------------------------------------------------

HEAD = "organization: Acme\nassessed_on: 2026-10-01\n"


def test_null_practice_is_not_observed_yaml_and_json(kb: KnowledgeBase) -> None:
    facts = parse_fact_text(HEAD + "practices:\n  ml.model-registry:\n  ml.source-control: FI\n", "F", kb)
    assert list(facts.practices) == ["ml.source-control"]
    as_json = json.dumps({"organization": "Acme", "assessed_on": "2026-10-01",
                          "practices": {"ml.model-registry": None, "ml.source-control": "FI"}})
    assert parse_fact_text(as_json, "F.json", kb).practices == facts.practices
    # The model itself reads null the same way (the public API validating a mapping).
    model = FactFile.model_validate({"organization": "A", "assessed_on": "2026-10-01",
                                     "practices": {"ml.model-registry": None}})
    assert model.practices == {}


@pytest.mark.parametrize(("text", "message"), [
    ("  ml.model-registy:\n", "F: line 4: practices.ml.model-registy: unknown practice id; did you mean "
                               "ml.model-registry?"),
    ("  ml.model-registry: [FI]\n", "F: line 4: practices.ml.model-registry: expected a status (FI, LI, PI, NI, "
                                    "NY, NA) or a mapping with status, evidence, note, observed_on, reason"),
    ("  ml.model-registry: 3\n", "F: line 4: practices.ml.model-registry: expected a status (FI, LI, PI, NI, "
                                 "NY, NA) or a mapping with status, evidence, note, observed_on, reason"),
    ("  ml.model-registry: XX\n", "F: line 4: practices.ml.model-registry: unknown status 'XX'; valid: FI, LI, "
                                  "PI, NI, NY, NA"),
    ("  ml.model-registry: {note: x}\n", "F: line 4: practices.ml.model-registry: a status is required (FI, LI, "
                                         "PI, NI, NY or NA)"),
])
def test_genuinely_bad_values_keep_their_errors(text: str, message: str, kb: KnowledgeBase) -> None:
    with pytest.raises(UserInputError) as caught:
        parse_fact_text(HEAD + "practices:\n" + text, "F", kb)
    assert [str(p) for p in caught.value.problems] == [message]


def test_null_merged_id_reads_as_not_observed_and_warns(kb: KnowledgeBase) -> None:
    if not kb.aliases:
        pytest.skip("no merged practice ids in the knowledge base")
    old, new = next(iter(sorted(kb.aliases.items())))
    facts = parse_fact_text(HEAD + f"practices:\n  {old}:\n", "F", kb)
    assert facts.practices == {}
    assert any(f"{old} was merged into {new}" in w for w in facts.warnings)
    # A null for the new id does not shadow the old id's characterization.
    both = parse_fact_text(HEAD + f"practices:\n  {new}:\n  {old}: FI\n", "F", kb)
    assert both.practices[new].status is not None and both.practices[new].status.value == "FI"


# --- stale evidence ---------------------------------------------------------------------------------------

STALE = HEAD + """\
practices:
  ml.model-registry: {status: FI, observed_on: 2025-06-01}
  ml.source-control:
    status: LI
    evidence:
      - {text: repository settings, type: artifact, on: 2024-01-10}
      - {text: the lead said so, type: affirmation, by: Ann, on: 2024-03-01}
  ml.data-validation: {status: PI, observed_on: 2026-09-01}
  ml.experiment-tracking:
    answers:
      - {respondent: Ann, status: FI, on: 2023-05-05}
      - {respondent: Bob, status: NI, on: 2023-05-06}
  ml.feature-store: {status: NI, evidence: [undated text]}
  ml.pipeline-orchestration:
    status: LI
    observed_on: 2026-09-30
    evidence: [{text: old screenshot, on: 2020-01-01}]
"""


def _stale(kb: KnowledgeBase, text: str = STALE, **kwargs: object) -> dict[str, bool]:
    result = Session(kb, parse_fact_text(text, "F", kb), evaluator="reference", **kwargs).assessment  # type: ignore[arg-type]
    return {p.id: p.stale for p in result.practices if p.stale}


def test_knowledge_base_sets_the_default_maximum_evidence_age(kb: KnowledgeBase) -> None:
    assert kb.assessment_policy is not None and kb.assessment_policy.max_evidence_age_days == 365
    assert kb.assessment_policy.source
    assert evidence_age_limit(kb, None) == 365 and evidence_age_limit(kb, 30) == 30
    assert catalog.kb_document(kb)["assessment_policy"]["max_evidence_age_days"] == 365


def test_stale_observations_are_flagged_by_their_latest_date(kb: KnowledgeBase) -> None:
    # observed_on decides when given (ml.pipeline-orchestration, seen again yesterday, is not stale); else the
    # latest evidence or answer date; undated observations are never stale.
    assert _stale(kb) == {"ml.model-registry": True, "ml.source-control": True, "ml.experiment-tracking": True}
    assert _stale(kb, max_evidence_age=600) == {"ml.source-control": True, "ml.experiment-tracking": True}
    assert _stale(kb, max_evidence_age=487) == {"ml.source-control": True, "ml.experiment-tracking": True}
    assert "ml.model-registry" in _stale(kb, max_evidence_age=486)
    assert _stale(kb, max_evidence_age=100_000) == {}
    assert set(_stale(kb, max_evidence_age=0)) == {"ml.model-registry", "ml.source-control",
                                                   "ml.experiment-tracking", "ml.data-validation",
                                                   "ml.pipeline-orchestration"}


def test_stale_is_a_warning_and_does_not_change_the_rating(kb: KnowledgeBase) -> None:
    facts = parse_fact_text(STALE, "F", kb)
    flagged = Session(kb, facts).assessment  # the rules engine, cross-checked
    fresh = Session(kb, facts, max_evidence_age=100_000).assessment
    assert flagged.maturity_level == fresh.maturity_level
    assert [p.status for p in flagged.practices] == [p.status for p in fresh.practices]
    stale_lines = [w for w in flagged.warnings if "stale evidence" in w]
    assert stale_lines == [
        "ml.experiment-tracking: stale evidence: last dated 2023-05-06, 1244 days before the assessment "
        "(2026-10-01), more than the maximum evidence age of 365 days; see it again before relying on its "
        "characterization",
        "ml.model-registry: stale evidence: last dated 2025-06-01, 487 days before the assessment (2026-10-01), "
        "more than the maximum evidence age of 365 days; see it again before relying on its characterization",
        "ml.source-control: stale evidence: last dated 2024-03-01, 944 days before the assessment (2026-10-01), "
        "more than the maximum evidence age of 365 days; see it again before relying on its characterization",
    ]
    assert not [w for w in fresh.warnings if "stale evidence" in w]
    # The conflict is still reported as a conflict, besides being stale.
    assert any(w.startswith("ml.experiment-tracking: respondents disagree") for w in flagged.warnings)
    # assess() (the function) applies the same default and parameter.
    assert assess(kb, facts, evaluator="reference").warnings == flagged.warnings
    assert assess(kb, facts, evaluator="reference", max_evidence_age=100_000).warnings == fresh.warnings


def test_an_assumed_practice_is_not_stale(kb: KnowledgeBase) -> None:
    facts = parse_fact_text(STALE, "F", kb)
    result = Session(kb, facts, {"ml.model-registry": "PI"}, evaluator="reference").assessment
    by_id = {p.id: p for p in result.practices}
    assert by_id["ml.model-registry"].assumed and not by_id["ml.model-registry"].stale
    assert not any(w.startswith("ml.model-registry: stale") for w in result.warnings)


@pytest.mark.parametrize("bad", [-1, 2.5, "365", True])
def test_bad_maximum_age_names_the_parameter(bad: object, kb: KnowledgeBase) -> None:
    facts = parse_fact_text(STALE, "F", kb)
    with pytest.raises(UserInputError) as caught:
        Session(kb, facts, max_evidence_age=bad)  # type: ignore[arg-type]
    (problem,) = caught.value.problems
    assert problem.parameter == "max_evidence_age" and "whole number of days" in problem.message


def test_a_knowledge_base_without_a_policy_flags_nothing(mini_kb: KnowledgeBase) -> None:
    assert mini_kb.assessment_policy is None
    pid = next(iter(mini_kb.practices))
    text = HEAD + f"practices:\n  {pid}: {{status: FI, observed_on: 2001-01-01}}\n"
    facts = parse_fact_text(text, "F", mini_kb)
    assert not any(p.stale for p in Session(mini_kb, facts).assessment.practices)
    assert [p.id for p in Session(mini_kb, facts, max_evidence_age=30).assessment.practices if p.stale] == [pid]


def test_an_overlay_changes_the_default_and_a_second_policy_is_an_error(tmp_path: Path) -> None:
    overlay = tmp_path / "kb"
    overlay.mkdir()
    (overlay / "assessment.yaml").write_text(
        "assessment_policy:\n  max_evidence_age_days: 30\n  source: our firm's appraisal plan\n", encoding="utf-8")
    assert load_knowledge_base(overlay).assessment_policy.max_evidence_age_days == 30  # type: ignore[union-attr]
    (overlay / "assessment.yaml").rename(overlay / "other-policy.yaml")
    with pytest.raises(KnowledgeBaseError, match="assessment_policy is set twice"):
        load_knowledge_base(overlay)
    (overlay / "other-policy.yaml").write_text(
        "assessment_policy:\n  max_evidence_age_days: 0\n  source: x\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="max_evidence_age_days"):
        load_knowledge_base(base=_copy_without(tmp_path, "assessment.yaml"), overlay=overlay)


def _copy_without(tmp_path: Path, name: str) -> Path:
    base = tmp_path / "base"
    shutil.copytree(shipped_directory(), base, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (base / name).unlink()
    return base


def test_cli_assess_flags_stale_evidence_in_every_format(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(STALE, encoding="utf-8")
    as_json = runner.invoke(app, ["assess", str(path), "-f", "json"])
    assert as_json.exit_code == 0, as_json.stderr
    doc = json.loads(as_json.stdout)
    assert sorted(p["id"] for p in doc["practices"] if p["stale"]) == [
        "ml.experiment-tracking", "ml.model-registry", "ml.source-control"]
    assert "warning: ml.model-registry: stale evidence: last dated 2025-06-01" in as_json.stderr
    markdown = runner.invoke(app, ["assess", str(path), "-f", "markdown"]).stdout
    assert "| ml.model-registry Model registry | FI (stale evidence) |" in markdown
    assert "| ml.data-validation" in markdown and "PI (stale evidence)" not in markdown
    table = runner.invoke(app, ["assess", str(path), "--details"]).stdout
    assert "stale evidence" in table
    longer = runner.invoke(app, ["assess", str(path), "-f", "json", "--max-evidence-age", "1000"])
    assert longer.exit_code == 0
    assert [p["id"] for p in json.loads(longer.stdout)["practices"] if p["stale"]] == ["ml.experiment-tracking"]
    assert "stale" not in runner.invoke(app, ["assess", str(path), "--max-evidence-age", "5000"]).stderr
    bad = runner.invoke(app, ["assess", str(path), "--max-evidence-age", "-3"])
    assert bad.exit_code == 2 and "--max-evidence-age" in bad.stderr


def test_the_commands_that_assess_take_the_option(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(STALE, encoding="utf-8")
    for command in (["why"], ["how"], ["roadmap"]):
        result = runner.invoke(app, [*command, str(path), "--max-evidence-age", "30", "--no-verify"])
        assert result.exit_code == 0, (command, result.stderr)
    report = runner.invoke(app, ["report", str(path), "--max-evidence-age", "20", "--no-verify"])
    assert report.exit_code == 0, report.stderr
    assert "ml.data-validation: stale evidence" in report.stdout  # 20 days: even last month's observation (30 days old)
    default = runner.invoke(app, ["report", str(path), "--no-verify"]).stdout
    assert "ml.model-registry: stale evidence" in default and "ml.data-validation: stale evidence" not in default


def test_engine_entry_points_pass_the_parameter(kb: KnowledgeBase, tmp_path: Path) -> None:
    from mlops_maturity.engine.explain import explain_file
    from mlops_maturity.engine.roadmap import roadmap_file

    path = tmp_path / "facts.yaml"
    path.write_text(STALE, encoding="utf-8")
    assert [p.id for p in api.assess_file(path, max_evidence_age=1000, verify=False).practices if p.stale] == [
        "ml.experiment-tracking"]
    roadmap_file(path, max_evidence_age=10, evaluator="reference")
    with pytest.raises(UserInputError):
        roadmap_file(path, max_evidence_age=-1, evaluator="reference")
    explain_file(path, max_evidence_age=10, verify=False)
    with pytest.raises(UserInputError) as caught:
        explain_file(path, max_evidence_age=-1, verify=False)
    assert caught.value.problems[0].parameter == "max_evidence_age"
