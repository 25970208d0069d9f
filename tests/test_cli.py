"""The CLI: output formats, the JSON contract, exit codes, init, schema, kb browsing."""

from __future__ import annotations

import json
import re
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
    example = str(EXAMPLES / "enterprise-near-l3.yaml")
    doc = json.loads(runner.invoke(app, ["assess", example, "-f", "json"]).stdout)
    unrated = [pa for pa in doc["process_areas"] if pa["status"] == "not_rated"]
    assert unrated and all(pa["capability_level"] is None for pa in unrated)
    result = runner.invoke(app, ["assess", example, "--details"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    short = runner.invoke(app, ["assess", example]).stdout
    for pa in unrated:
        rows = [line for line in result.stdout.splitlines() if f" {pa['id']} {pa['name'].split()[0]}" in line]
        cells = re.split(r"\s{2,}", rows[0].strip())
        c = pa["coverage"]
        assert cells[2:5] == ["not rated", f"{c['satisfied']}/{c['total']}", "not rated"], rows[0]
        assert f"{pa['id']:<4} CL ? " in short  # the one-screen profile: ? with its legend
    assert "? not rated" in short
    assert "Target profiles" in result.stdout and "Provenance" in result.stdout


def test_fact_file_warnings_go_to_stderr(tmp_path: Path, runner: CliRunner, kb: KnowledgeBase) -> None:
    alias, merged = next(iter(kb.aliases.items()))  # a merged practice id still works, with a warning
    path = tmp_path / "merged.yaml"
    path.write_text(FACTS + f"  {alias}: FI\n", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr and "merged into" in result.stderr and merged in result.stderr
    doc = json.loads(result.stdout)  # stdout stays the bare document
    assert {p["id"]: p["status"] for p in doc["practices"]}[merged] == "FI"
    assert any(merged in w for w in doc["warnings"])


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
    assert "CMMI maturity level 1 (Initial)" in table


def test_fail_under(facts: Path, runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess", str(facts), "--fail-under", "2", "-f", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["maturity_level"] == 1
    assert result.stderr.strip() == "maturity level 1 is below --fail-under 2"
    assert runner.invoke(app, ["assess", str(facts), "--fail-under", "1"]).exit_code == 0


def test_fail_under_a_framework_level(runner: CliRunner) -> None:
    example = str(EXAMPLES / "regulated-bank.yaml")
    below = runner.invoke(app, ["assess", example, "--fail-under", "google:1", "-f", "json"])
    assert below.exit_code == 1
    assert below.stderr.strip() == "google level 0 (Manual process) is below --fail-under google:1"
    assert runner.invoke(app, ["assess", example, "--fail-under", "google:0", "-f", "json"]).exit_code == 0
    none = runner.invoke(app, ["assess", str(EXAMPLES / "notebook-startup.yaml"), "--fail-under", "google:0"])
    assert none.exit_code == 1 and none.stderr.strip() == "google is below its lowest level, so below --fail-under google:0"
    typo = runner.invoke(app, ["assess", example, "--fail-under", "gogle:1"])
    assert typo.exit_code == 2 and "--fail-under" in typo.stderr and "did you mean google?" in typo.stderr
    assert typo.stdout == ""
    too_high = runner.invoke(app, ["assess", example, "--fail-under", "6"])
    assert too_high.exit_code == 2 and "--fail-under" in too_high.stderr and "1-5" in too_high.stderr


def test_sections_pick_parts_and_unknown_names_are_refused(facts: Path, runner: CliRunner) -> None:
    only = runner.invoke(app, ["assess", str(facts), "--section", "findings", "--section", "profile"])
    assert only.exit_code == 0, only.stderr
    assert only.stdout.index("Findings") < only.stdout.index("Capability profile")
    assert "CMMI maturity level 1" not in only.stdout and "More: --details" not in only.stdout
    bad = runner.invoke(app, ["assess", str(facts), "--section", "proflie"])
    assert bad.exit_code == 2 and bad.stdout == ""
    assert "unknown section 'proflie'; did you mean profile?" in bad.stderr
    assert "valid: summary, profile, areas, generic, targets, frameworks, direct, findings, practices, next" in bad.stderr
    as_json = runner.invoke(app, ["assess", str(facts), "--details", "-f", "json"])
    assert as_json.exit_code == 2 and "JSON is always the whole assessment" in as_json.stderr
    md = runner.invoke(app, ["assess", str(facts), "-f", "markdown", "--section", "frameworks"]).stdout
    assert "## ML Ops maturity models" in md and "## Process areas" not in md


def test_the_one_screen_view_and_details(runner: CliRunner) -> None:
    example = str(EXAMPLES / "notebook-startup.yaml")
    short = runner.invoke(app, ["assess", example]).stdout
    assert "Next steps: what CMMI maturity level 2 needs most" in short
    assert "gen.ml-roles-responsibility" in short and short.rstrip().endswith("see --help).")
    full = runner.invoke(app, ["assess", example, "--details"]).stdout
    assert "Practices observed" in full and "More: --details" not in full
    md = runner.invoke(app, ["assess", example, "-f", "markdown"]).stdout
    assert "- Why: Maturity level 1 (Initial): none of the 7 level-2 process areas" in md
    assert "## Next steps" in md and "- `gen.ml-roles-responsibility`: " in md


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
    assert "\n  ml.model-registry:\n" in text  # listed with no value: not filled in
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
    # a goal lists its CMMI practices, each with the alternatives (lists of our practices) that implement it
    assert [sp["id"] for sp in goal["practices"]] == kb.goal_model_practices[goal["id"]]
    assert all(sp["implemented_by"] and all(alt for alt in sp["implemented_by"]) for sp in goal["practices"])
    assert {g["id"] for g in whole["generic_goals"]} == {"GG2", "GG3"}
    assert all("requires" in p and "implements" in p for p in whole["practices"])
    assert not any("goals" in p or "generic_practices" in p for p in whole["practices"])  # v1 fields are gone
    assert all("required" in lv and "optional" in lv for f in whole["frameworks"] for lv in f["levels"])
    assert all(f["provenance"] in ("sourced", "constructed", "reconstructed") for f in whole["frameworks"])
    one = json.loads(runner.invoke(app, ["kb", "show", "ml.model-registry", "-f", "json"]).stdout)
    assert one["type"] == "practice" and one["id"] == "ml.model-registry"
    assert one["implements"] == kb.practice_implements["ml.model-registry"] and "CM.SP1.2" in one["implements"]
    assert one["serving_level"] == 2
    missing = runner.invoke(app, ["kb", "show", "ml.model-registy"])
    assert missing.exit_code == 2 and "did you mean ml.model-registry?" in missing.stderr


def test_kb_show_a_cmmi_practice_and_a_goal(runner: CliRunner, kb: KnowledgeBase) -> None:
    result = runner.invoke(app, ["kb", "show", "CM.SP1.2", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    sp = json.loads(result.stdout)
    assert sp["type"] == "cmmi_practice" and sp["kind"] == "specific"
    assert sp["goal"] == "CM.SG1" and sp["process_area"] == "CM" and sp["maturity_level"] == 2
    assert sp["implemented_by"] == [list(alt) for alt in kb.model_practices["CM.SP1.2"].alternatives]
    assert ["ml.source-control", "ml.data-versioning", "ml.model-registry"] in sp["implemented_by"]
    gp = json.loads(runner.invoke(app, ["kb", "show", "PP.GP2.3", "-f", "json"]).stdout)
    assert gp["kind"] == "area_generic" and gp["inherits"] == "GP2.3" and gp["goal"] == "PP.GG2"
    org = json.loads(runner.invoke(app, ["kb", "show", "GP2.3", "-f", "json"]).stdout)
    assert org["kind"] == "generic" and org["process_area"] is None and org["implemented_by"]
    goal = json.loads(runner.invoke(app, ["kb", "show", "CM.SG1", "-f", "json"]).stdout)
    assert goal["type"] == "goal" and goal["practices"] == kb.goal_model_practices["CM.SG1"]
    assert "CM.SP1.2" in goal["practices"]
    typo = runner.invoke(app, ["kb", "show", "CM.SP1.9"])
    assert typo.exit_code == 2 and "did you mean" in typo.stderr


def test_kb_list_filters(runner: CliRunner, kb: KnowledgeBase) -> None:
    listed = json.loads(runner.invoke(app, ["kb", "list", "--framework", "google", "-f", "json"]).stdout)
    google = {p for lv in kb.frameworks["google"].levels for p in lv.practices}  # required and optional
    assert {p["id"] for p in listed} == google
    optional = {p for lv in kb.frameworks["google"].levels for p in lv.optional}
    assert optional and optional <= {p["id"] for p in listed}
    # --process-area: practices that implement (are part of an alternative of) a CMMI practice of the area
    by_area = json.loads(runner.invoke(app, ["kb", "list", "--process-area", "CM", "-f", "json"]).stdout)
    assert by_area and all(any(kb.model_practices[m].process_area == "CM" for m in p["implements"]) for p in by_area)
    expected = {pid for pid, mps in kb.practice_implements.items()
                if any(kb.model_practices[m].process_area == "CM" for m in mps)}
    assert {p["id"] for p in by_area} == expected
    by_practice = json.loads(runner.invoke(app, ["kb", "list", "--process-area", "CM.SP1.2", "-f", "json"]).stdout)
    assert {p["id"] for p in by_practice} == {p for alt in kb.model_practices["CM.SP1.2"].alternatives for p in alt}
    by_goal = json.loads(runner.invoke(app, ["kb", "list", "--process-area", "CM.SG1", "-f", "json"]).stdout)
    assert {p["id"] for p in by_practice} <= {p["id"] for p in by_goal} <= {p["id"] for p in by_area}
    found = json.loads(runner.invoke(app, ["kb", "list", "--search", "REGISTRY", "-f", "json"]).stdout)
    assert "ml.model-registry" in {p["id"] for p in found}
    bad = runner.invoke(app, ["kb", "list", "--framework", "gogle"])
    assert bad.exit_code == 2 and "did you mean google?" in bad.stderr
    unknown = runner.invoke(app, ["kb", "list", "--process-area", "CMX"])
    assert unknown.exit_code == 2 and "unknown process area" in unknown.stderr


def test_kb_list_table_never_cuts_an_id(runner: CliRunner, kb: KnowledgeBase) -> None:
    result = runner.invoke(app, ["kb", "list"])
    assert result.exit_code == 0, result.stderr
    assert f"{len(kb.practices)} practice(s)" in result.stdout
    assert "…" not in result.stdout
    cells = {c.strip() for line in result.stdout.splitlines() for c in re.split(r"\s{2,}", line)}
    assert set(kb.practices) <= cells  # every id whole, in a cell of its own
    assert "ml.model-registry" in cells and "CM.SP1.1, CM.SP1.2, CM.SP1.3," in cells
    optional = runner.invoke(app, ["kb", "list", "--framework", "google"]).stdout
    assert "google:1 (optional)" in optional


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


def test_kb_show_reads_as_text_by_default(runner: CliRunner, kb: KnowledgeBase) -> None:
    result = runner.invoke(app, ["kb", "show", "ml.model-registry"], env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "ml.model-registry Model registry (practice)"
    assert kb.practices["ml.model-registry"].description.split()[0] in lines[3]
    assert "Implements:" in lines and "  - CM.SP1.2" in lines
    assert all(len(line) <= 60 for line in lines if " " in line.strip())
    whole = runner.invoke(app, ["kb", "show", "--format", "text"])
    assert whole.exit_code == 2 and "give an ID" in whole.stderr


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
