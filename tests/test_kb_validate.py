"""``maturity kb validate`` on one broken knowledge-base overlay per defect kind, asserted against its exact message.

Each directory under ``tests/fixtures/kb/broken/<kind>/`` is an overlay (``--kb``) with exactly one defect, in
one small YAML file (a fixture that adds practices also holds what every practice needs and is not the defect:
a process area they implement and their interview entries). Overlaid on the shipped knowledge base, it must
produce exactly the expected lines and exit code: 2 for errors (written to stderr, nothing on stdout), 0 for
warnings only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mlops_maturity.cli.app import app
from mlops_maturity.engine import documents
from mlops_maturity.engine.errors import KnowledgeBaseError
from mlops_maturity.engine.inference import RULES_PER_CONDITION_LIMIT
from mlops_maturity.engine.kb import load_knowledge_base, shipped_directory, validate_knowledge_base
from typer.testing import CliRunner

from tests.conftest import MINI_KB

BROKEN = Path(__file__).parent / "fixtures" / "kb" / "broken"

# kind: (exit code, expected output lines). {dir} is the overlay directory, {shipped} the shipped knowledge base.
CASES: dict[str, tuple[int, list[str]]] = {
    "duplicate-id": (2, [
        "error: {dir}/practices/zz-duplicate.yaml: duplicate practice id ml.model-registry "
        "(also in {shipped}/practices/ml-engineering.yaml)",
        "1 error(s), 0 warning(s)",
    ]),
    "dangling-reference": (2, [
        "error: {dir}/practices/zz-dangling.yaml: practice zz.dangling requires: unknown practice "
        "ml.model-regsitry; did you mean ml.model-registry?",
        "1 error(s), 0 warning(s)",
    ]),
    "prerequisite-cycle": (2, [
        "error: {dir}/practices/zz-cycle.yaml: prerequisite cycle: "
        "zz.cycle-a -> zz.cycle-b -> zz.cycle-c -> zz.cycle-a",
        "1 error(s), 0 warning(s)",
    ]),
    "level-inversion": (2, [
        # An extra level-2 area makes eng.data-contracts serve level 2; the message names the practice's file.
        "error: {shipped}/practices/engineering.yaml: level inversion: eng.data-contracts (serves level 2) requires "
        "eng.data-requirements (serves only level 3 and above)",
        "1 error(s), 0 warning(s)",
    ]),
    "goal-without-practices": (2, [
        "error: {dir}/cmmi/zz-extra-area.yaml: line 11: process_areas[0].goals[0].practices: required field is "
        "missing",
        "1 error(s), 0 warning(s)",
    ]),
    "specific-practice-without-alternative": (2, [
        "error: {dir}/cmmi/areas/ZZ.yaml: line 17: process_areas[0].goals[0].practices[0].implemented_by: List "
        "should have at least 1 item after validation, not 0",
        "1 error(s), 0 warning(s)",
    ]),
    "alternative-names-unknown-practice": (2, [
        "error: {dir}/cmmi/areas/ZZ.yaml: specific practice ZZ.SP1.1 alternative 2: unknown practice "
        "ml.model-regsitry; did you mean ml.model-registry?",
        "1 error(s), 0 warning(s)",
    ]),
    "goal-gated-by-optional-practice": (2, [
        "error: {dir}/cmmi/areas/ZZ.yaml: goal ZZ.SG1 is gated by optional practice ml.feature-store: every "
        "alternative of ZZ.SP1.1 needs it, but it is one way among several (option: true); add an alternative "
        "without it",
        "1 error(s), 0 warning(s)",
    ]),
    "area-out-of-scope-not-allowed": (2, [
        "error: {dir}/cmmi/areas/PPQA.yaml: process area PPQA may not be declared out of scope: CMMI-DEV rates "
        "every area of a level; only SAM may be out of scope (no supplier agreements)",
        "1 error(s), 0 warning(s)",
    ]),
    "redundant-alternative": (0, [
        "warning: {dir}/cmmi/areas/ZZ.yaml: specific practice ZZ.SP1.1 alternative 2 adds nothing: alternative 1 "
        "is a subset of it",
        "0 error(s), 1 warning(s)",
    ]),
    "framework-level-without-practices": (2, [
        "error: {dir}/frameworks/zz-broken.yaml: framework zz-broken level 2 requires nothing",
        "1 error(s), 0 warning(s)",
    ]),
    "unknown-top-level-key": (2, [
        "error: {dir}/practices/zz-typo.yaml: practise: unknown top-level key; did you mean practices?",
        "1 error(s), 0 warning(s)",
    ]),
    "invalid-field": (2, [
        "error: {dir}/practices/zz-invalid.yaml: line 6: practices[0].dimension: Input should be 'people', "
        "'process', 'technology', 'culture', 'governance' or 'data'",
        "1 error(s), 0 warning(s)",
    ]),
    "unknown-field": (2, [
        "error: {dir}/practices/zz-unknown.yaml: line 3: practices[0].evidence: required field is missing",
        "error: {dir}/practices/zz-unknown.yaml: line 10: practices[0].evidance: unknown field; did you mean evidence?",
        "2 error(s), 0 warning(s)",
    ]),
}


# Fixtures that add practices hold, besides the broken file, the context every practice needs (no defect there).
CONTEXT = {"prerequisite-cycle": ["cmmi/areas/ZZ.yaml", "interview/zz-cycle.yaml"]}


def test_every_broken_fixture_has_a_case_and_holds_one_broken_file() -> None:
    assert sorted(p.name for p in BROKEN.iterdir() if p.is_dir()) == sorted(CASES)
    for kind in CASES:
        files = sorted(p.relative_to(BROKEN / kind).as_posix() for p in (BROKEN / kind).rglob("*.yaml"))
        assert len(files) == 1 + len(CONTEXT.get(kind, [])), kind
        assert set(CONTEXT.get(kind, [])) <= set(files), kind


def test_the_out_of_scope_fixture_is_the_shipped_ppqa_with_scoping() -> None:
    """The fixture replaces the shipped PPQA file: it must stay the shipped file plus a scoping block (refresh it
    when PPQA changes), or it would test a stale area."""
    fixture = documents.fast_load((BROKEN / "area-out-of-scope-not-allowed" / "cmmi" / "areas" / "PPQA.yaml")
                                  .read_text(encoding="utf-8"), "fixture")
    shipped = documents.fast_load((shipped_directory() / "cmmi" / "areas" / "PPQA.yaml").read_text(encoding="utf-8"),
                                  "shipped")
    (area,) = fixture["process_areas"]
    assert area.pop("scoping")["may_be_out_of_scope"] is True
    assert fixture == shipped


@pytest.mark.parametrize("kind", sorted(CASES))
def test_kb_validate_reports_the_defect(kind: str) -> None:
    code, lines = CASES[kind]
    overlay = BROKEN / kind
    expected = "\n".join(lines).format(dir=overlay, shipped=shipped_directory()) + "\n"
    outcome = CliRunner().invoke(app, ["kb", "validate", "--kb", str(overlay)])
    assert outcome.exit_code == code
    if code == 2:
        assert outcome.stderr == expected
        assert outcome.stdout == ""
    else:
        assert outcome.stdout == expected
        assert outcome.stderr == ""
    assert "Traceback" not in outcome.stdout + outcome.stderr


@pytest.mark.parametrize("kind", sorted(k for k, (code, _) in CASES.items() if code == 2))
def test_a_broken_overlay_does_not_load_and_other_commands_exit_2(kind: str) -> None:
    with pytest.raises(KnowledgeBaseError):
        load_knowledge_base(BROKEN / kind)
    outcome = CliRunner().invoke(app, ["kb", "list", "--kb", str(BROKEN / kind)])
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("error: ")


def test_a_warning_does_not_stop_loading() -> None:
    kb = load_knowledge_base(BROKEN / "redundant-alternative")
    assert "ZZ" in kb.process_area and kb.goal_model_practices["ZZ.SG1"] == ["ZZ.SP1.1"]
    assert kb.model_practices["ZZ.SP1.1"].alternatives == (("ml.source-control",),
                                                            ("ml.source-control", "ml.data-versioning"))


def test_more_insight_rules_than_durable_rules_runs_is_a_validation_error(tmp_path: Path) -> None:
    """durable_rules cannot run more than 250 rules sharing a condition (its error 108): such a knowledge base used
    to validate, and then every command exited 4. It is now a validation error (exit 2, no traceback)."""
    shipped = len(load_knowledge_base().insights)
    extra = RULES_PER_CONDITION_LIMIT + 1 - shipped
    lines = ["# More insight rules than the rules engine can run.", "insights:"]
    for k in range(extra):
        lines += [f"  - id: zz-rule-{k:03d}", f"    name: Test rule {k}", "    severity: low",
                  "    when: [{practice: ml.model-registry, is: satisfied}]", "    finding: Test only.",
                  "    recommendation: Test only.", "    source: test fixture"]
    overlay = tmp_path / "kb"
    (overlay / "insights").mkdir(parents=True)
    (overlay / "insights" / "zz-many.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    outcome = CliRunner().invoke(app, ["kb", "validate", "--kb", str(overlay)])
    assert (outcome.exit_code, outcome.stdout) == (2, "")
    assert outcome.stderr == (
        f"error: {RULES_PER_CONDITION_LIMIT + 1} insight rules: durable_rules cannot run more than "
        f"{RULES_PER_CONDITION_LIMIT} rules that share a condition (error 108); split or merge insight rules\n"
        "1 error(s), 0 warning(s)\n")
    assert "Traceback" not in outcome.stdout + outcome.stderr
    with pytest.raises(KnowledgeBaseError):
        load_knowledge_base(overlay)
    outcome = CliRunner().invoke(app, ["kb", "list", "--kb", str(overlay)])
    assert outcome.exit_code == 2 and outcome.stderr.startswith("error: ")


def test_the_shipped_and_the_mini_knowledge_bases_validate_cleanly() -> None:
    outcome = CliRunner().invoke(app, ["kb", "validate"])
    assert (outcome.exit_code, outcome.stdout, outcome.stderr) == (0, "0 error(s), 0 warning(s)\n", "")
    _, issues = validate_knowledge_base(base=MINI_KB)
    assert [str(i) for i in issues] == []


def test_cycle_in_a_standalone_base(tmp_path: Path) -> None:
    """The same checks hold for a firm's standalone base (the mini KB with a cycle added), engine level."""
    base = tmp_path / "kb"
    for source in MINI_KB.rglob("*.yaml"):
        target = base / source.relative_to(MINI_KB)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    practices = base / "practices" / "all.yaml"
    text = practices.read_text(encoding="utf-8")
    # plan.estimates gains a prerequisite on plan.plan, which already requires plan.estimates. The search starts
    # from eng.framing (ids in sorted order), which requires plan.plan: the cycle is printed from there.
    text = text.replace("{id: plan.estimates, name: Estimates,", "{id: plan.estimates, name: Estimates, "
                        "requires: [plan.plan],", 1)
    practices.write_text(text, encoding="utf-8")
    _, issues = validate_knowledge_base(base=base)
    assert [str(i) for i in issues] == [
        f"error: {practices}: prerequisite cycle: plan.plan -> plan.estimates -> plan.plan"
    ]
