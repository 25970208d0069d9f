"""One broken fact file per kind of mistake, each asserted against its exact message, exit code 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlops_maturity.cli.app import app
from typer.testing import CliRunner

HEAD = "organization: Acme\nassessed_on: 2026-10-01\n"

CASES = {
    "unknown-practice": (
        HEAD + "practices:\n  ml.model-registy: FI\n",
        ["F: line 4: practices.ml.model-registy: unknown practice id; did you mean ml.model-registry?"],
    ),
    "unknown-status-short": (
        HEAD + "practices:\n  ml.model-registry: fi\n",
        ["F: line 4: practices.ml.model-registry: unknown status 'fi'; valid: FI, LI, PI, NI, NY, NA; did you mean FI?"],
    ),
    "unknown-status-long": (
        HEAD + "practices:\n  ml.model-registry:\n    status: Fully\n",
        ["F: line 5: practices.ml.model-registry.status: unknown status 'Fully'; valid: FI, LI, PI, NI, NY, NA"],
    ),
    "na-without-reason": (
        HEAD + "practices:\n  sup.supplier-agreements: NA\n",
        ["F: line 4: practices.sup.supplier-agreements: status NA needs a reason (why the practice does not apply)"],
    ),
    "duplicate-key": (
        HEAD + "practices:\n  ml.model-registry: FI\n  ml.model-registry: PI\n",
        ["F: line 5: ml.model-registry: duplicate key (each key may appear once)"],
    ),
    "wrong-types": (
        "organization: Acme\nassessed_on: last week\npractices:\n  ml.model-registry:\n    status: PI\n"
        "    evidence: 42\n  ml.source-control: [FI]\n",
        [
            "F: line 2: assessed_on: expected a date as YYYY-MM-DD, got 'last week'",
            'F: line 6: practices.ml.model-registry.evidence: expected a list of text items, e.g. '
            '["pipeline config", "registry screenshot"], got 42',
            "F: line 7: practices.ml.source-control: expected a status (FI, LI, PI, NI, NY, NA) or a mapping with "
            "status, evidence, note, observed_on, reason",
        ],
    ),
    "unknown-field": (
        "organisation: Acme\nassessed_on: 2026-10-01\npractices:\n  ml.model-registry: {status: FI, evidance: [x]}\n",
        [
            "F: line 1: organisation: unknown field; did you mean organization? "
            "(valid: organization, assessed_on, assessor, scope, context, practices, model_practices, out_of_scope)",
            "F: line 4: practices.ml.model-registry.evidance: unknown field; did you mean evidence? "
            "(valid: status, evidence, note, observed_on, reason)",
            "F: organization: required field is missing",
        ],
    ),
    "unknown-attribute": (
        HEAD + "context:\n  cloud_vendors: 1\n",
        ["F: line 4: context.cloud_vendors: unknown context attribute; did you mean cloud_vendor_count? (known: "
         "cloud_vendor_count, ml_team_count, production_model_count, regulated_industry, third_party_model_count)"],
    ),
    "attribute-type": (
        HEAD + "context:\n  regulated_industry: 'yes'\n",
        ["F: line 4: context.regulated_industry: expected true or false, got 'yes'"],
    ),
    "yaml-syntax": (
        HEAD + "practices:\n  ml.model-registry: FI\n   bad: indentation\n",
        ["F: line 5: not valid YAML/JSON: mapping values are not allowed here"],
    ),
    "impossible-date": (
        "organization: Acme\nassessed_on: 2026-13-45\n",
        ["F: line 2: assessed_on: not a valid date: month must be in 1..12 (dates are YYYY-MM-DD)"],
    ),
    "non-text-practice-id": (
        HEAD + "practices:\n  1: FI\n",
        ["F: line 4: practices.1: practice ids are text like ml.model-registry, got 1"],
    ),
    "non-text-attribute": (
        HEAD + "context:\n  true: 1\n",
        ["F: line 4: context.True: attribute names are text, got True"],
    ),
    "negative-count": (
        HEAD + "context:\n  cloud_vendor_count: -5\n",
        ["F: line 4: context.cloud_vendor_count: expected a count from 0 to 1,000,000,000, got -5"],
    ),
    "alias-bomb": (
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcde", "bcdef", strict=True))
        + HEAD,
        ["F: the document expands to more than 200,000 values through YAML aliases (*name); write the values out "
         "instead"],
    ),
    "unknown-model-practice": (
        HEAD + "model_practices:\n  CM.SP1.9: {status: FI, rationale: baselines in the data catalogue}\n",
        ["F: line 4: model_practices.CM.SP1.9: unknown CMMI practice (a specific practice such as CM.SP1.2, a "
         "generic practice such as GP2.3, or one area's, such as PPQA.GP2.2); did you mean CM.SP1.3?"],
    ),
    "model-practice-na": (
        HEAD + "model_practices:\n  CM.SP1.2: {status: NA, rationale: we have no baselines}\n",
        ["F: line 4: model_practices.CM.SP1.2: NA cannot remove a CMMI practice: characterize it FI, LI, PI, NI or "
         "NY, or declare its process area out of scope under out_of_scope (allowed for SAM only)"],
    ),
    "model-practice-without-rationale": (
        HEAD + "model_practices:\n  GP2.3: {status: LI}\n",
        ["F: line 4: model_practices.GP2.3.rationale: required field is missing"],
    ),
    "model-practice-of-an-area-out-of-scope": (
        HEAD + "out_of_scope:\n  SAM: no supplier agreements\nmodel_practices:\n"
        "  SAM.SP1.1: {status: FI, rationale: vendor selection in procurement}\n",
        ["F: line 6: model_practices.SAM.SP1.1: SAM.SP1.1 belongs to SAM, which the file declares out of scope"],
    ),
    "area-out-of-scope-not-allowed": (
        HEAD + "out_of_scope:\n  PPQA: nobody does quality assurance\n",
        ["F: line 4: out_of_scope.PPQA: PPQA cannot be out of scope: CMMI rates every process area of a level, "
         "and not-applicable practices never remove one; only SAM may be declared out of scope"],
    ),
    "unknown-area-out-of-scope": (
        HEAD + "out_of_scope:\n  SAMM: no supplier agreements\n",
        ["F: line 4: out_of_scope.SAMM: unknown process area; did you mean SAM?"],
    ),
    "out-of-scope-without-reason": (
        HEAD + "out_of_scope:\n  SAM: ''\n",
        ["F: line 4: out_of_scope.SAM: an area out of scope needs a reason (for SAM: that no supplier agreement "
         "delivers anything built into the models)"],
    ),
    "out-of-scope-blank-reason": (
        HEAD + "out_of_scope:\n  SAM: '   '\n",
        ["F: line 4: out_of_scope.SAM: an area out of scope needs a reason (for SAM: that no supplier agreement "
         "delivers anything built into the models)"],
    ),
    "tab-indentation": (
        HEAD + "practices:\n\tml.model-registry: FI\n",
        ["F: line 4: indent with spaces, not tabs (YAML does not allow tabs in indentation)"],
    ),
    "tab-separator": (
        HEAD + "practices: {}\t# none yet\n",
        ["F: line 3: not valid YAML/JSON: a tab where only a space is allowed; use spaces"],
    ),
    "control-character": (
        HEAD + "scope: the \x1b[31mred\x1b[0m team\n",
        ["F: line 3: contains the control character \\x1b (only tabs and line breaks are allowed)"],
    ),
    "control-character-escaped": (
        HEAD + 'practices:\n  ml.model-registry: {status: FI, note: "bell \\a"}\n',
        ["F: line 4: practices.ml.model-registry.note: the text contains the control character \\x07 (only tabs and "
         "line breaks are allowed)"],
    ),
    "deep-nesting": (
        HEAD + "context: " + "[" * 100 + "]" * 100 + "\n",
        ["F: line 3: nested deeper than 64 levels (mappings and lists within each other)"],
    ),
    "observed-after-assessment": (
        HEAD + "practices:\n  ml.model-registry: {status: FI, observed_on: 2026-10-02}\n",
        ["F: line 4: practices.ml.model-registry.observed_on: ml.model-registry is observed on 2026-10-02, after the "
         "assessment (assessed_on: 2026-10-01)"],
    ),
    "json-syntax": (
        '{"organization": "Acme",\n "assessed_on": "2026-10-01",\n "practices": {"ml.model-registry": "FI",}}',
        ["F: line 3: not valid JSON: expecting property name enclosed in double quotes"],
    ),
    "json-duplicate-key": (
        '{"organization": "Acme", "assessed_on": "2026-10-01",\n "organization": "Acme again"}',
        ["F: line 2: organization: duplicate key (each key may appear once)"],
    ),
    "json-lone-surrogate": (
        '{"organization": "Acme \\udc00", "assessed_on": "2026-10-01"}',
        ["F: line 1: organization: the text contains \\udc00, half of a UTF-16 surrogate pair without its other half "
         "(not a character; write the character itself, or escape both halves)"],
    ),
    "not-a-mapping": ("- just\n- a list\n", ["F: expected a mapping with organization, assessed_on, practices"]),
    "json-unknown-status": (
        '{"organization": "Acme", "assessed_on": "2026-10-01", "practices": {"ml.model-registry": "XX"}}',
        ["F: line 1: practices.ml.model-registry: unknown status 'XX'; valid: FI, LI, PI, NI, NY, NA"],
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_fact_file(case: str, tmp_path: Path, runner: CliRunner) -> None:
    text, expected = CASES[case]
    path = tmp_path / ("facts.json" if case.startswith("json") else "facts.yaml")
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == ["error: " + e.replace("F:", f"{path}:", 1) for e in expected]


def test_observed_in_the_future(tmp_path: Path, runner: CliRunner) -> None:
    from mlops_maturity.engine.facts import _today

    path = tmp_path / "facts.yaml"
    path.write_text("organization: Acme\nassessed_on: 2999-12-31\npractices:\n"
                    "  ml.model-registry: {status: FI, observed_on: 2999-01-01}\n", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: {path}: line 4: practices.ml.model-registry.observed_on: "
                                     "ml.model-registry is observed on 2999-01-01, a date still to come (today is "
                                     f"{_today().isoformat()} at the latest)")


def test_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.yaml'}: file not found"


def test_directory_instead_of_file(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["assess", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path}: is a directory, expected a YAML or JSON file"


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("ml.model-registy=FI", "error: --assume: ml.model-registy=FI: unknown practice id; did you mean ml.model-registry?"),
        ("ml.model-registry=XX", "error: --assume: ml.model-registry=XX: unknown status 'XX'; valid: FI, LI, PI, NI, NY"),
        ("ml.model-registry", "error: --assume: ml.model-registry: expected PRACTICE=STATUS, e.g. ml.model-registry=FI"),
    ],
)
def test_bad_assumption(item: str, message: str, tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(HEAD + "practices: {}\n", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path), "--assume", item])
    assert result.exit_code == 2
    assert result.stderr.strip() == message


def test_bad_kb_overlay_directory(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(HEAD, encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path), "--kb", str(tmp_path / "missing")])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: --kb: {tmp_path / 'missing'}: knowledge-base directory not found"


def test_usage_error_is_exit_2(runner: CliRunner) -> None:
    result = runner.invoke(app, ["assess"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_not_utf8(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("organization: Caf\xe9\nassessed_on: 2026-10-01\n".encode("latin-1"))
    result = runner.invoke(app, ["assess", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {path}: not UTF-8 text (invalid continuation byte)"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad-date.yaml", b"attributes:\n  - {id: x, description: d, type: integer, source: 2026-02-30}\n",
         "line 2: source: not a valid date: day is out of range for month (dates are YYYY-MM-DD)"),
        ("latin1.yaml", "attributes: [caf\xe9]\n".encode("latin-1"), "not UTF-8 text (invalid continuation byte)"),
    ],
)
def test_broken_overlay_file(name: str, content: bytes, message: str, runner: CliRunner, tmp_path: Path) -> None:
    overlay = tmp_path / "kb"
    overlay.mkdir()
    (overlay / name).write_bytes(content)
    facts = tmp_path / "facts.yaml"
    facts.write_text(HEAD, encoding="utf-8")
    result = runner.invoke(app, ["assess", str(facts), "--kb", str(overlay)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {overlay / name}: {message}"


def test_conflicting_assumptions(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(HEAD, encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path), "--assume", "ml.model-registry=FI",
                                 "--assume", "ml.model-registry=NI"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: --assume: ml.model-registry=NI: ml.model-registry is already assumed FI; "
                                     "assume it once")


def test_markup_in_user_text_is_printed_verbatim(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("organization: ACME [/x]\nassessed_on: 2026-10-01\npractices:\n"
                    "  ml.model-registry: {status: FI, evidence: ['see [bold]wiki[/bold]']}\n", encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path), "--details"])
    assert result.exit_code == 0, result.stderr
    assert "ACME [/x]" in result.stdout and "see [bold]wiki[/bold]" in result.stdout


def test_unexpected_errors_are_exit_4_without_traceback(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlops_maturity.engine import api

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise KeyError("surprise")

    monkeypatch.setattr(api, "assess_file", broken)
    monkeypatch.setattr(api, "assess_file_summarized", broken)
    path = tmp_path / "facts.yaml"
    path.write_text(HEAD, encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path)])
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0] == "error: internal error: KeyError: 'surprise'".replace("error: ", "", 1)
    assert "Traceback" not in result.stderr


def test_many_errors_are_capped(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(HEAD + "practices:\n" + "".join(f"  bogus.p{i:03d}: FI\n" for i in range(60)), encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 26 and lines[-1] == "... and 35 more error(s)"


def test_trace_needs_json(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(HEAD, encoding="utf-8")
    result = runner.invoke(app, ["assess", str(path), "--trace"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --trace: the inference trace is part of the JSON output; add --format json"
