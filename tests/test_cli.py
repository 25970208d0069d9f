"""The CLI: output formats, the JSON contract, exit codes, init, schema, kb browsing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from mlops_maturity.cli.app import app
from mlops_maturity.engine import reference
from mlops_maturity.engine.kb import KnowledgeBase
from typer.testing import CliRunner

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

FACTS = """\
organization: Example Bank - retail credit models
assessed_on: 2026-10-01
context:
  cloud_vendor_count: 1
practices:
  ml.model-registry: FI
  ml.data-validation:
    status: PI
    evidence: ["pipeline config, schema checks only"]
    note: no distribution checks
    observed_on: 2026-09-12
  gov.model-inventory: {status: NA, reason: single model in scope}
"""


@pytest.fixture()
def facts(tmp_path: Path) -> Path:
    path = tmp_path / "facts.yaml"
    path.write_text(FACTS, encoding="utf-8")
    return path


def test_json_contract(facts: Path, runner: CliRunner, kb: KnowledgeBase) -> None:
    result = runner.invoke(app, ["assess", str(facts), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)  # the bare document, nothing else on stdout
    assert doc["schema_version"] == "2.0"
    assert doc["maturity_level"] == 1
    assert {pa["id"] for pa in doc["process_areas"]} == set(kb.process_area)
    pa = doc["process_areas"][0]
    assert set(pa) >= {"id", "maturity_level", "status", "capability_level", "coverage", "goals", "generic_goals"}
    assert set(pa["goals"][0]) >= {"id", "status", "coverage", "practices"}
    assert set(pa["goals"][0]["practices"][0]) >= {"id", "status", "characterization", "decided_by", "direct",
                                                   "inherited", "alternatives"}
    assert [t["level"] for t in doc["target_profiles"]] == [2, 3, 4, 5]
    assert {f["id"] for f in doc["frameworks"]} == set(kb.frameworks)
    assert all(set(f) >= {"id", "level", "provenance", "highest_met", "next_level", "next_level_status"}
               for f in doc["frameworks"])
    assert all(pa["capability_level"] is None for pa in doc["process_areas"] if pa["status"] == "not_rated")
    practices = {p["id"]: p for p in doc["practices"]}
    assert set(practices) == set(kb.practices)
    validation = practices["ml.data-validation"]
    assert validation["status"] == "PI" and validation["satisfied"] is False
    assert validation["evidence"] == ["pipeline config, schema checks only"]
    assert validation["note"] == "no distribution checks" and validation["observed_on"] == "2026-09-12"
    assert practices["gov.model-inventory"]["reason"] == "single model in scope"
    assert practices["ml.feature-store"]["status"] == "not_observed"
    assert all(set(p) >= {"ready", "blocked_by"} for p in practices.values())
    assert "findings" in doc and "derivations" not in doc and "warnings" in doc


def test_schema_assessment_is_version_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["schema", "assessment"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["properties"]["schema_version"]["default"] == "2.0"
    assert {"target_profiles", "warnings", "generic_goals"} <= set(doc["properties"])


def test_table_shows_not_rated_never_a_bare_zero(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", str(EXAMPLES / "enterprise-near-l3.yaml")])
    assert result.exit_code == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if "PP Project Planning" in line]
    assert rows and "not rated" in rows[0] and "13/14" in rows[0]
    assert "Target profiles" in result.stdout and "Provenance" in result.stdout


def test_fact_file_warnings_go_to_stderr(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", str(EXAMPLES / "enterprise-near-l3.yaml"), "-f", "json"])
    assert result.exit_code == 0
    assert "warning:" in result.stderr and "merged into" in result.stderr
    json.loads(result.stdout)  # stdout stays the bare document


def test_json_trace_on_request(facts: Path, runner: CliRunner) -> None:
    doc = json.loads(runner.invoke(app, ["assess", str(facts), "-f", "json", "--trace"]).stdout)
    rules = {d["rule"] for d in doc["derivations"]}
    assert {"goal_not_rated", "area_not_rated", "maturity_level_initial"} <= rules


def test_output_is_byte_identical_across_runs(facts: Path, runner: CliRunner) -> None:
    outputs = {runner.invoke(app, ["assess", str(facts), "-f", fmt]).stdout for fmt in ["json"] * 3}
    assert len(outputs) == 1
    tables = {runner.invoke(app, ["assess", str(facts)]).stdout for _ in range(2)}
    assert len(tables) == 1


def test_markdown_and_table_carry_evidence(facts: Path, runner: CliRunner) -> None:
    md = runner.invoke(app, ["assess", str(facts), "-f", "markdown"]).stdout
    assert "pipeline config, schema checks only" in md and "no distribution checks" in md
    assert "single model in scope" in md
    table = runner.invoke(app, ["assess", str(facts)]).stdout
    assert "CMMI maturity level: 1 (Initial)" in table


def test_fail_under(facts: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", str(facts), "--fail-under", "2", "-f", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["maturity_level"] == 1
    assert result.stderr.strip() == "maturity level 1 is below --fail-under 2"
    assert runner.invoke(app, ["assess", str(facts), "--fail-under", "1"]).exit_code == 0


def test_assume_changes_the_result_and_is_reported(facts: Path, runner: CliRunner, kb: KnowledgeBase) -> None:
    args = ["assess", str(facts), "-f", "json"]
    for pid in kb.practices:
        args += ["--assume", f"{pid}=FI"]
    doc = json.loads(runner.invoke(app, args).stdout)
    assert doc["maturity_level"] == 5
    assert len(doc["assumptions"]) == len(kb.practices)
    assert all(p["assumed"] for p in doc["practices"])


def test_verification_mismatch_exits_3_with_both_results(
    facts: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = reference.evaluate

    def wrong(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        out = real(*args, **kwargs)
        out.maturity_level = 4
        return out

    monkeypatch.setattr(reference, "evaluate", wrong)
    result = runner.invoke(app, ["assess", str(facts)])
    assert result.exit_code == 3
    assert "maturity_level: rules=1 reference=4" in result.stderr
    assert "rules engine result:" in result.stderr and "reference evaluator result:" in result.stderr
    assert runner.invoke(app, ["assess", str(facts), "--no-verify"]).exit_code == 0


def test_init_writes_a_valid_blank_file_and_never_overwrites(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "blank.yaml"
    result = runner.invoke(app, ["init", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "# ml.model-registry: NY" in text
    assessed = runner.invoke(app, ["assess", str(out), "-f", "json"])
    assert assessed.exit_code == 0, assessed.stderr
    assert all(p["status"] == "not_observed" for p in json.loads(assessed.stdout)["practices"])
    out.write_text("mine", encoding="utf-8")
    refused = runner.invoke(app, ["init", "--out", str(out)])
    assert refused.exit_code == 2
    assert refused.stderr.strip() == f"error: {out}: file exists; use --force to replace it"
    assert out.read_text(encoding="utf-8") == "mine"
    assert runner.invoke(app, ["init", "--out", str(out), "--force"]).exit_code == 0
    assert out.read_text(encoding="utf-8") == text
    assert not list(tmp_path.glob(".*.tmp"))


def test_schema_commands(runner: CliRunner) -> None:
    facts = json.loads(runner.invoke(app, ["schema", "facts"]).stdout)
    assert facts["title"] == "FactFile" and "practices" in facts["properties"]
    assessment = json.loads(runner.invoke(app, ["schema", "assessment"]).stdout)
    assert "maturity_level" in assessment["properties"]
    bad = runner.invoke(app, ["schema", "nope"])
    assert bad.exit_code == 2 and "unknown schema 'nope'" in bad.stderr


def test_fact_schema_validates_the_example_from_the_issue(runner: CliRunner) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from ruamel.yaml import YAML

    schema = json.loads(runner.invoke(app, ["schema", "facts"]).stdout)
    document = json.loads(json.dumps(YAML(typ="safe").load(FACTS), default=str))
    jsonschema.validate(document, schema)


def test_kb_show_whole_and_one(runner: CliRunner, kb: KnowledgeBase) -> None:
    whole = json.loads(runner.invoke(app, ["kb", "show"]).stdout)
    assert len(whole["process_areas"]) == len(kb.process_areas)
    goal = whole["process_areas"][0]["goals"][0]
    assert goal["practices"] == kb.goal_practices[goal["id"]]
    assert {g["id"] for g in whole["generic_goals"]} == {"GG2", "GG3"}
    assert all("requires" in p for p in whole["practices"])
    assert all(lv["practices"] is not None for f in whole["frameworks"] for lv in f["levels"])
    one = json.loads(runner.invoke(app, ["kb", "show", "ml.model-registry"]).stdout)
    assert one["type"] == "practice" and one["id"] == "ml.model-registry"
    missing = runner.invoke(app, ["kb", "show", "ml.model-registy"])
    assert missing.exit_code == 2 and "did you mean ml.model-registry?" in missing.stderr


def test_kb_list_filters(runner: CliRunner, kb: KnowledgeBase) -> None:
    listed = json.loads(runner.invoke(app, ["kb", "list", "--framework", "google", "-f", "json"]).stdout)
    google = {p for lv in kb.frameworks["google"].levels for p in lv.practices}
    assert {p["id"] for p in listed} == google
    by_area = json.loads(runner.invoke(app, ["kb", "list", "--process-area", "CM", "-f", "json"]).stdout)
    assert all(any(g.startswith("CM.") for g in p["evidences_goals"]) for p in by_area) and by_area
    found = json.loads(runner.invoke(app, ["kb", "list", "--search", "REGISTRY", "-f", "json"]).stdout)
    assert "ml.model-registry" in {p["id"] for p in found}
    bad = runner.invoke(app, ["kb", "list", "--framework", "gogle"])
    assert bad.exit_code == 2 and "did you mean google?" in bad.stderr


def test_kb_validate_passes_on_shipped_kb(runner: CliRunner) -> None:
    result = runner.invoke(app, ["kb", "validate"])
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("0 error(s), 0 warning(s)")


def test_kb_show_yaml(runner: CliRunner) -> None:
    from ruamel.yaml import YAML

    result = runner.invoke(app, ["kb", "show", "ml.model-registry", "--format", "yaml"])
    assert result.exit_code == 0
    assert YAML(typ="safe").load(result.stdout)["id"] == "ml.model-registry"
    assert runner.invoke(app, ["kb", "show", "ml.model-registry", "--format", "table"]).exit_code == 2


def test_main_restores_the_garbage_collector(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from mlops_maturity.cli import main

    before = gc.get_threshold()
    monkeypatch.setattr(sys, "argv", ["maturity", "--help"])
    try:
        with pytest.raises(SystemExit):
            main()
        assert gc.get_threshold() == before
        assert gc.isenabled()
    finally:
        gc.unfreeze()
