"""The engine speaks of parameters, the CLI of flags (issue 10).

A Python caller passed no flag, so an engine error names the parameter it got (``kb_dir``, ``assume``, ``target``);
the CLI, which knows which flag gave which parameter, names the flag the user typed. Three checks hold this:
no string in the engine's code names a flag; the known bad inputs through the API name their parameter; the same
inputs on the command line name their flag, exit 2, no traceback.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from mlops_maturity.cli.app import app
from mlops_maturity.cli.common import flag_problems
from mlops_maturity.engine import api, catalog, questionnaire
from mlops_maturity.engine.errors import Problem, UserInputError
from mlops_maturity.engine.explain import explain_file
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.levels import check_framework_level, check_maturity_level
from mlops_maturity.engine.roadmap import parse_target, roadmap_file
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, ROOT

ENGINE = ROOT / "engine"
FACTS = EXAMPLES / "aws-centric-team.yaml"
FLAG = re.compile(r"(?<![\w-])(?<!var\()--[a-z]")
"""A command-line flag (``--kb``), not a CSS variable's ``var(--ink)`` nor an em dash written ``a -- b``."""


# ------------------------------------------------------------------------------------ no flag in the engine's text


def flags_in_source(source: str) -> list[tuple[int, str]]:
    """``(line, text)`` of every string in ``source`` (Python) that names a flag, docstrings left out: a docstring
    may say which command uses a function (``assess --details``); a message, a default or a document may not."""
    tree = ast.parse(source)
    docstrings = {
        id(node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    return sorted(
        (node.lineno, node.value) for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
        and FLAG.search(node.value)
    )


def test_the_flag_scan_finds_a_flag_in_a_message_and_a_default() -> None:
    source = '''
def check(level, *, option="--target"):
    """Checks ``--target`` (a docstring may name the flag)."""
    raise UserInputError(f"--kb expects a directory, got {level}")
STYLE = "color: var(--ink)"
'''
    assert [line for line, _ in flags_in_source(source)] == [2, 4]


@pytest.mark.parametrize("path", sorted(ENGINE.rglob("*.py")), ids=lambda p: str(p.relative_to(ENGINE)))
def test_no_engine_string_names_a_flag(path: Path) -> None:
    found = flags_in_source(path.read_text(encoding="utf-8"))
    assert found == [], f"{path.relative_to(ROOT)} names a command-line flag: {found}"


@pytest.mark.parametrize("path", sorted(ENGINE.glob("templates/**/*.md.j2")), ids=lambda p: p.name)
def test_no_markdown_template_names_a_flag(path: Path) -> None:
    # The HTML templates are left out: their CSS variables are written --name.
    found = [line for line in path.read_text(encoding="utf-8").splitlines() if FLAG.search(line)]
    assert found == [], f"{path.relative_to(ROOT)} names a command-line flag: {found}"


# -------------------------------------------------------------------------- the API names the parameter it got


def _cases(kb: KnowledgeBase, tmp_path: Path) -> dict[str, tuple[Callable[[], object], str, str]]:
    """Known bad inputs to engine calls: id -> (the call, the parameter named, part of the message)."""
    a_file = tmp_path / "not-a-directory.yaml"
    a_file.write_text("x: 1\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    return {
        "assume-malformed": (lambda: api.assess_file(FACTS, assume=["ml.model-registry"]), "assume",
                             "expected PRACTICE=STATUS"),
        "assume-unknown-practice": (lambda: api.assess_file(FACTS, assume=["ml.model-registy=FI"]), "assume",
                                    "did you mean ml.model-registry?"),
        "assume-twice": (lambda: api.assess_file(FACTS, assume=["ml.model-registry=FI", "ml.model-registry=NI"]),
                         "assume", "already assumed FI"),
        "kb-dir-a-file": (lambda: api.load_kb(a_file), "kb_dir", "a knowledge-base overlay is a directory"),
        "kb-dir-missing": (lambda: api.load_kb(tmp_path / "missing"), "kb_dir", "knowledge-base directory not found"),
        "kb-dir-empty": (lambda: api.load_kb(empty), "kb_dir", "no .yaml files found"),
        "max-evidence-age": (lambda: api.assess_file(FACTS, max_evidence_age=-1), "max_evidence_age",
                             "whole number of days"),
        "list-framework": (lambda: catalog.list_practices(kb, framework="goggle"), "framework",
                           "did you mean google?"),
        "list-process-area": (lambda: catalog.list_practices(kb, process_area="XYZ"), "process_area",
                              "unknown process area, goal or CMMI practice 'XYZ'"),
        "maturity-level": (lambda: check_maturity_level(6), "target", "CMMI maturity levels are 1-5"),
        "framework-level": (lambda: check_framework_level(kb, "google", 9), "target", "framework google has no level 9"),
        "target-text": (lambda: parse_target("goggle:1", kb), "target", "did you mean google?"),
        "roadmap-target": (lambda: roadmap_file(FACTS, target="7", evaluator="reference"), "target", "1-5, got 7"),
        "roadmap-capacity": (lambda: roadmap_file(FACTS, capacity=0, evaluator="reference"), "capacity",
                             "positive number"),
        "explain-level": (lambda: explain_file(FACTS, level=6, verify=False), "level", "1-5, got 6"),
        "explain-framework": (lambda: explain_file(FACTS, framework="goggle", verify=False), "framework",
                              "did you mean google?"),
        "explain-framework-level": (lambda: explain_file(FACTS, framework="google", level=9, verify=False), "level",
                                    "framework google has no level 9"),
        "explain-practice": (lambda: explain_file(FACTS, practice="ml.model-registy", verify=False), "practice",
                             "did you mean ml.model-registry?"),
        "questionnaire-role": (lambda: questionnaire.check_role("pmo-lead"), "role", "unknown role 'pmo-lead'"),
        "questionnaire-resolve": (lambda: questionnaire.parse_resolutions(["x"]), "resolve",
                                  "expected PRACTICE=STATUS"),
    }


CASE_IDS = ["assume-malformed", "assume-unknown-practice", "assume-twice", "kb-dir-a-file", "kb-dir-missing",
            "kb-dir-empty", "max-evidence-age", "list-framework", "list-process-area", "maturity-level",
            "framework-level", "target-text", "roadmap-target", "roadmap-capacity", "explain-level",
            "explain-framework", "explain-framework-level", "explain-practice", "questionnaire-role",
            "questionnaire-resolve"]


def test_every_case_is_run(kb: KnowledgeBase, tmp_path: Path) -> None:
    assert sorted(_cases(kb, tmp_path)) == sorted(CASE_IDS)


@pytest.mark.parametrize("case", CASE_IDS)
def test_the_api_names_the_parameter_not_a_flag(kb: KnowledgeBase, tmp_path: Path, case: str) -> None:
    call, parameter, message = _cases(kb, tmp_path)[case]
    with pytest.raises(UserInputError) as caught:
        call()
    assert [p.parameter for p in caught.value.problems] == [parameter]
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{parameter}: ")
    assert not FLAG.search(str(caught.value)), str(caught.value)


def test_an_unknown_entry_names_no_command() -> None:
    with pytest.raises(UserInputError) as caught:
        catalog.entry_document(api.load_kb(), "ml.model-registy")
    assert str(caught.value) == "no knowledge-base entry with id 'ml.model-registy'; did you mean ml.model-registry?"


def test_a_parameter_problem_reads_parameter_value_message() -> None:
    assert str(Problem.of_parameter("target", "7", "CMMI maturity levels are 1-5")) == \
        "target: 7: CMMI maturity levels are 1-5"
    assert str(Problem("f.yaml", "", "needs the organization", parameter="organization")) == \
        "organization: f.yaml: needs the organization"
    assert str(Problem("f.yaml", "practices.x", "unknown practice id", line=4)) == \
        "f.yaml: line 4: practices.x: unknown practice id"


def test_flag_problems_renames_only_parameters_a_flag_gives() -> None:
    problems = [Problem.of_parameter("kb_dir", "x", "m"), Problem.of_parameter("status", "XX", "m"),
                Problem("f.yaml", "practices.x", "m"), Problem.of_parameter("fail_under", "9", "m")]
    flags = {"kb": "--kb", "fail_under": "--fail-under", "format": "--format"}
    assert [str(p) for p in flag_problems(problems, flags)] == [
        "--kb: x: m", "status: XX: m", "f.yaml: practices.x: m", "--fail-under: 9: m"]
    assert flag_problems(problems, {}) == problems


# ------------------------------------------------------------------------------ the CLI names the flag typed


CLI_CASES = [
    (["assess", str(FACTS), "--assume", "ml.model-registy=FI"],
     "error: --assume: ml.model-registy=FI: unknown practice id; did you mean ml.model-registry?"),
    (["assess", str(FACTS), "--fail-under", "goggle:2"],
     "error: --fail-under: goggle:2: unknown framework 'goggle'; did you mean google?"),
    (["assess", str(FACTS), "--fail-under", "9"], "error: --fail-under: 9: CMMI maturity levels are 1-5, got 9"),
    (["assess", str(FACTS), "--kb", str(FACTS)],
     f"error: --kb: {FACTS}: not a directory: a knowledge-base overlay is a directory of YAML files"),
    (["kb", "validate", "--kb", str(FACTS)], f"error: --kb: {FACTS}: not a directory"),
    (["kb", "list", "--framework", "goggle"], "error: --framework: goggle: unknown framework 'goggle'; did you mean "
                                              "google?"),
    (["kb", "list", "--process-area", "XYZ"],
     "error: --process-area: XYZ: unknown process area, goal or CMMI practice 'XYZ'"),
    (["kb", "show", "ml.model-registy"],
     "error: no knowledge-base entry with id 'ml.model-registy'; did you mean ml.model-registry?"),
    (["roadmap", str(FACTS), "--target", "7"], "error: --target: 7: CMMI maturity levels are 1-5, got 7"),
    (["roadmap", str(FACTS), "--target", "googel:1"], "error: --target: googel:1: unknown framework 'googel'; "
                                                      "did you mean google?"),
    (["roadmap", str(FACTS), "--capacity", "0"], "error: --capacity: 0.0: expected a positive number"),
    (["report", str(FACTS), "--target", "9"], "error: --target: 9: CMMI maturity levels are 1-5, got 9"),
    (["why", str(FACTS), "--level", "7"], "error: --level: 7: CMMI maturity levels are 1-5, got 7"),
    (["why", str(FACTS), "--framework", "goggle"], "error: --framework: goggle: unknown framework 'goggle'; "
                                                   "did you mean google?"),
    (["why", str(FACTS), "--framework", "google", "--level", "9"],
     "error: --level: 9: framework google has no level 9 (levels: 0, 1, 2)"),
    (["why", str(FACTS), "--practice", "ml.model-registy"],
     "error: --practice: ml.model-registy: unknown practice id; did you mean ml.model-registry?"),
    (["how", str(FACTS), "--level", "6", "--assume", "x=FI"], "error: --level: 6: CMMI maturity levels are 1-5"),
    (["questionnaire", "--role", "pmo-lead", "--out", "-", "--format", "csv"],
     "error: --role: unknown role 'pmo-lead'"),
    (["interview", str(FACTS), "--role", "pmo-lead"], "error: --role: pmo-lead: unknown role"),
]


@pytest.mark.parametrize(("args", "expected"), CLI_CASES,
                         ids=[" ".join(a for a in args if a != str(FACTS)) for args, _ in CLI_CASES])
def test_the_cli_names_the_flag_typed(runner: CliRunner, args: list[str], expected: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(expected), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
