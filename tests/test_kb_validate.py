"""``maturity kb validate`` on one broken knowledge-base overlay per defect kind, asserted against its exact message.

Each directory under ``tests/fixtures/kb/broken/<kind>/`` is an overlay (``--kb``) holding one small YAML file
with exactly one defect; overlaid on the shipped knowledge base, it must produce exactly the expected lines and
exit code: 2 for errors (written to stderr, nothing on stdout), 0 for warnings only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mlops_maturity.cli.app import app
from mlops_maturity.engine.errors import KnowledgeBaseError
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
        "error: {dir}/practices/zz-inversion.yaml: level inversion: zz.inverted (serves level 2) requires "
        "eng.model-specification (serves only level 3 and above)",
        "1 error(s), 0 warning(s)",
    ]),
    "goal-without-practices": (0, [
        "warning: {dir}/cmmi/zz-extra-area.yaml: goal ZZ.SG1 (Never Evidenced, process area ZZ) has no practice "
        "evidencing it; it can never be satisfied",
        "0 error(s), 1 warning(s)",
    ]),
    "framework-level-without-practices": (2, [
        "error: {dir}/frameworks/zz-broken.yaml: framework zz-broken level 2 lists no practices",
        "1 error(s), 0 warning(s)",
    ]),
    "unknown-top-level-key": (2, [
        "error: {dir}/practices/zz-typo.yaml: practise: unknown top-level key; did you mean practices?",
        "1 error(s), 0 warning(s)",
    ]),
    "invalid-field": (2, [
        "error: {dir}/practices/zz-invalid.yaml: line 7: practices[0].dimension: Input should be 'people', "
        "'process', 'technology', 'culture', 'governance' or 'data'",
        "1 error(s), 0 warning(s)",
    ]),
    "unknown-field": (2, [
        "error: {dir}/practices/zz-unknown.yaml: line 3: practices[0].evidence: required field is missing",
        "error: {dir}/practices/zz-unknown.yaml: line 11: practices[0].evidance: unknown field; did you mean evidence?",
        "2 error(s), 0 warning(s)",
    ]),
}


def test_every_broken_fixture_has_a_case_and_holds_one_file() -> None:
    assert sorted(p.name for p in BROKEN.iterdir() if p.is_dir()) == sorted(CASES)
    for kind in CASES:
        assert len(list((BROKEN / kind).rglob("*.yaml"))) == 1, kind


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
    kb = load_knowledge_base(BROKEN / "goal-without-practices")
    assert "ZZ" in kb.process_area and kb.goal_practices["ZZ.SG1"] == []


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
