"""Reports: the template context, built-in templates for every example, golden files, determinism, the CLI, the
Python API for embedding, the example consulting template."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import re
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path
from types import ModuleType

import jinja2
import jsonschema
import pytest
from mlops_maturity.cli.app import app
from mlops_maturity.engine import charts
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.crosswalk import crosswalk
from mlops_maturity.engine.errors import UserInputError
from mlops_maturity.engine.facts import (
    Characterization,
    DirectCharacterization,
    FactFile,
    Observation,
    load_fact_file,
)
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.levels import next_level
from mlops_maturity.engine.report import (
    FILTERS,
    ReportContext,
    TemplateRef,
    build_context,
    builtin_loader,
    facts_from_assessment,
    register_jinja,
    render,
    resolve_template,
    to_context,
)
from mlops_maturity.engine.session import Session
from typer.testing import CliRunner

from tests.conftest import EXAMPLES, ROOT

GOLDEN = ROOT / "tests" / "golden" / "report"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.yaml"))
EXAMPLE_IDS = [p.stem for p in EXAMPLE_FILES]
ONE_PAGER = EXAMPLES / "templates" / "northwind-one-pager"


def _regenerate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("report_regenerate", GOLDEN / "regenerate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


regenerate = _regenerate()


@cache
def _kb() -> KnowledgeBase:
    return load_knowledge_base()


@cache
def context_of(stem: str) -> ReportContext:
    """The golden context of one example (built once per test session)."""
    return regenerate.golden_context(EXAMPLES / f"{stem}.yaml", _kb())


def test_there_are_examples() -> None:
    assert len(EXAMPLE_FILES) >= 3


# --- the context ----------------------------------------------------------------------------------------------------


def _typed(data: object) -> object:
    """``data`` with the exact type of every value beside it, dicts as their items in order: equal only if the key
    order and every type are (a list is not a tuple, 1 is not 1.0 nor True, a str enum is not a str)."""
    if isinstance(data, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in data.items()])
    if isinstance(data, (list, tuple)):
        return (type(data).__name__, [_typed(v) for v in data])
    return (type(data).__name__, data)


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
@pytest.mark.parametrize(("target", "layout", "appendix", "capacity"), [
    (None, "full", False, None), (None, "one-pager", True, 6.0), (5, "full", True, None),
    ("google:2", "full", False, 8.0), ("azure:3", "one-pager", False, None),
])
def test_template_data_is_what_pydantic_dumps(stem: str, target: object, layout: str, appendix: bool,
                                               capacity: float | None) -> None:
    """template_data() walks the models itself (no serializer to build); it must give pydantic's JSON form exactly:
    the same keys in the same order, the same types (1 is not 1.0 nor true), None where pydantic gives null."""
    kb = _kb()
    path = EXAMPLES / f"{stem}.yaml"
    context = build_context(Session(kb, load_fact_file(path, kb), source=str(path)), target=target,
                            layout=layout, appendix=appendix, capacity=capacity)
    assert _typed(context.template_data()) == _typed(context.model_dump(mode="json"))


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")
def test_template_data_leaves_what_it_does_not_know_to_pydantic() -> None:
    from mlops_maturity.engine import report
    from pydantic import BaseModel, ConfigDict

    class Odd(BaseModel):
        model_config = ConfigDict(frozen=True)
        at: dt.datetime
        scores: dict[int, float]

    odd = Odd(at=dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.timezone.utc), scores={1: float("inf")})
    with pytest.raises(report._NotPlain):
        report._plain(odd)
    assert report._plain({"a": (1, 2.5, float("nan")), "d": dt.date(2026, 1, 2)}) == {"a": [1, 2.5, None],
                                                                                    "d": "2026-01-02"}
    context = context_of(EXAMPLE_IDS[0])
    with_odd = context.model_copy(update={"warnings": [odd]})  # not a str: pydantic's serializer takes over
    assert with_odd.template_data()["warnings"] == [odd.model_dump(mode="json")]


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_context_has_every_part_and_validates_against_its_schema(stem: str) -> None:
    context = context_of(stem)
    data = context.template_data()
    jsonschema.validate(json.loads(json.dumps(data)), ReportContext.model_json_schema())
    assessment = assess(_kb(), load_fact_file(EXAMPLES / f"{stem}.yaml", _kb()))
    assert context.maturity.level == assessment.maturity_level
    assert [pa.capability_level for pa in context.process_areas] == [
        pa.capability_level for pa in assessment.process_areas]
    assert {fw.id: fw.level for fw in context.frameworks} == {fw.id: fw.level for fw in assessment.frameworks}
    assert [f.rule for f in context.findings] == [f.rule for f in assessment.findings]
    assert context.target.level == next_level(assessment.maturity_level)
    assert context.roadmap is not None and context.explanation is not None
    assert context.roadmap.target.level == context.target.level == context.explanation.level
    assert context.roadmap.reached == context.explanation.reached == (assessment.maturity_level >= 5)
    assert context.crosswalk is None and not context.report.appendix  # the appendix only when asked for
    observed = [p for p in context.practices if p.status != "not_observed"]
    assert context.practice_summary.observed == len(observed)
    assert any(p.evidence for p in observed)


def test_target_option_moves_roadmap_and_explanation() -> None:
    kb = _kb()
    facts = load_fact_file(EXAMPLES / "enterprise-near-l3.yaml", kb)
    session = Session(kb, facts, evaluator="reference")
    context = build_context(session, target=4)
    assert context.target.level == context.roadmap.target.level == context.explanation.level == 4  # type: ignore[union-attr]
    assert all(pa.target_capability == 3 for pa in context.process_areas if pa.maturity_level <= 4)
    assert all(pa.target_capability is None for pa in context.process_areas if pa.maturity_level == 5)
    reached = build_context(session, target=2)
    assert reached.target.reached and reached.roadmap.reached and reached.explanation.reached  # type: ignore[union-attr]
    with pytest.raises(UserInputError, match="CMMI maturity levels are 1-5, got 6"):
        build_context(session, target=6)


def test_a_report_runs_each_distinct_inference_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The assessment, the explanation's adoption checks and the roadmap's waves share the session's one cache:
    no input is inferred twice (rules engine, cross-checked), and a second report on the session infers nothing."""
    import mlops_maturity.engine.session as session_module

    inputs: list[tuple[tuple[str, str], ...]] = []
    real = session_module.infer

    def counting(kb: KnowledgeBase, statuses: dict[str, str], *args: object, **kwargs: object) -> object:
        inputs.append(tuple(sorted(statuses.items())))
        return real(kb, statuses, *args, **kwargs)  # type: ignore[arg-type]

    kb = _kb()
    crosswalk(kb, verify=True)  # the crosswalk's own sessions (one per framework, cached per knowledge base)
    monkeypatch.setattr(session_module, "infer", counting)
    session = Session(kb, load_fact_file(EXAMPLES / "enterprise-near-l3.yaml", kb), {"ml.model-registry": "FI"})
    context = build_context(session, capacity=10)
    assert context.roadmap is not None and context.explanation is not None and not context.explanation.reached
    assert session.inferences == len(inputs) == len(set(inputs)) > 2  # the start, adoption checks, waves
    render(session, "markdown", capacity=10, charts=False)
    assert session.inferences == len(inputs)


def test_a_target_no_plan_reaches_is_reported_not_an_error() -> None:
    """A CMMI practice characterized directly as PI: the explanation lists it as an obstacle, the report has no
    roadmap and says why, and every built-in template renders the direct characterization."""
    kb = _kb()
    facts = load_fact_file(EXAMPLES / "enterprise-near-l3.yaml", kb)
    facts = facts.model_copy(update={"model_practices": {"CM.SP1.2": DirectCharacterization(
        status=Characterization.PI, rationale="home-grown tool & no baselines", evidence=["wiki page"])}})
    context = build_context(Session(kb, facts, evaluator="reference"), target=2)
    assert context.maturity.level == 1 and context.explanation is not None
    assert not context.explanation.achievable and [o.id for o in context.explanation.obstacles] == ["CM.SP1.2"]
    assert context.roadmap is None and context.roadmap_unavailable is not None
    assert "CM.SP1.2" in context.roadmap_unavailable
    markdown = render(context, "markdown", charts=False).text
    assert "No roadmap: impossible target" in markdown and "## Roadmap toward CMMI maturity level 2 (Managed)" in markdown
    assert "characterized directly by the assessor as partially implemented: home-grown tool & no baselines" \
        in markdown
    html = render(context, "html", charts=False).text
    assert "No roadmap: impossible target" in html and "home-grown tool &amp; no baselines" in html
    docx = render(context, "docx", charts=False).content
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    assert "No roadmap: impossible target" in document and "characterized directly as partially" in document


def test_build_context_of_a_knowledge_base_and_facts_makes_the_session() -> None:
    """The public API's form, ``build_context(kb, facts, ...)``, is the context of a session of them."""
    kb = _kb()
    facts = load_fact_file(EXAMPLES / "regulated-bank.yaml", kb)
    assumed = {"org.training-records": "FI"}
    made = build_context(kb, facts, assumptions=assumed, source="bank.yaml", verify=False)
    assert made == build_context(Session(kb, facts, assumed, verify=False, source="bank.yaml"))
    with pytest.raises(TypeError, match="the session's"):
        build_context(Session(kb, facts), facts)
    with pytest.raises(TypeError, match="needs the fact file"):
        build_context(kb)  # type: ignore[call-overload]


def test_schema_command_exports_the_context_schema() -> None:
    result = CliRunner().invoke(app, ["schema", "report-context"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["title"] == "ReportContext"
    assert {"organization", "maturity", "process_areas", "frameworks", "findings", "practices", "roadmap",
            "explanation", "crosswalk"} <= set(doc["properties"])
    jsonschema.validate(json.loads(json.dumps(context_of("enterprise-near-l3").template_data())), doc)


def test_reference_page_lists_every_context_field() -> None:
    page = (ROOT / "docs" / "report-context.md").read_text(encoding="utf-8")
    schema = ReportContext.model_json_schema()
    rows = regenerate.field_rows(schema, context_of(regenerate.DOC_EXAMPLE).template_data())
    assert len(rows) > 100
    missing = [path for path, *_ in rows if f"| `{path}` |" not in page]
    assert not missing, f"docs/report-context.md misses {missing[:10]}; run tests/golden/report/regenerate.py"
    for name in FILTERS:
        assert f"`{name}`" in page


# --- built-in templates ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_markdown_report_renders_for_every_example(stem: str) -> None:
    context = context_of(stem)
    text = render(context, "markdown").text
    assert text.startswith(f"# ML Ops maturity assessment: {context.organization.name}\n")
    assert f"CMMI maturity level {context.maturity.level} ({context.maturity.name})" in text
    for pa in context.process_areas:
        assert f"| {pa.id} {pa.name} |" in text
    for fw in context.frameworks:
        assert fw.name in text
    assert "## Roadmap toward" in text
    assert context.roadmap is not None
    for item in context.roadmap.items:
        assert f"(`{item.practice}`)" in text
    assert context.explanation is not None
    for line in context.explanation.summary:
        assert line in text
    assert "\n\n\n\n" not in text


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_html_report_renders_for_every_example_with_inline_charts(stem: str) -> None:
    context = context_of(stem)
    html = render(context, "html").text
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert html.count("<svg") >= 2 + (0 if context.roadmap.reached else 1)  # type: ignore[union-attr]
    assert 'class="chart chart-' in html and "<?xml" not in html
    # Self-contained: nothing is fetched (no src/href to anything but in-page anchors, a CSP that forbids it all).
    assert "default-src 'none'" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "").replace("http://www.w3.org/", "")
    assert " src=" not in html
    assert "<script" not in html
    assert "CMMI maturity level" in html and context.organization.name.replace("&", "&amp;") in html


def test_html_escapes_text_from_the_fact_file(tmp_path: Path) -> None:
    kb = _kb()
    fact = tmp_path / "xss.yaml"
    fact.write_text('organization: "<script>alert(1)</script> & Co"\nassessed_on: 2026-01-01\n'
                    "practices:\n  req.requirements-baseline:\n    status: PI\n"
                    '    note: "<img src=x onerror=alert(1)>"\n', encoding="utf-8")
    html = render(load_fact_file(fact, kb), "html", kb=kb, charts=False).text
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    markdown = render(load_fact_file(fact, kb), "markdown", kb=kb).text
    assert "<script>alert(1)</script> & Co" in markdown


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_golden_markdown_and_html(stem: str) -> None:
    for suffix, content in regenerate.golden_reports(context_of(stem)).items():
        golden = GOLDEN / f"{stem}{suffix}"
        assert golden.exists(), f"{golden} is missing: run python tests/golden/report/regenerate.py"
        assert content == golden.read_bytes(), f"{golden.name} differs: run python tests/golden/report/regenerate.py"


def test_render_twice_gives_identical_bytes() -> None:
    kb = _kb()
    facts = load_fact_file(EXAMPLES / "notebook-startup.yaml", kb)
    first = {t: render(facts, t, kb=kb, capacity=8).content for t in ("markdown", "html")}
    second = {t: render(facts, t, kb=kb, capacity=8).content for t in ("markdown", "html")}
    assert first == second
    assert b"<svg" in first["html"]


def test_render_accepts_an_assessment() -> None:
    kb = _kb()
    facts = load_fact_file(EXAMPLES / "enterprise-near-l3.yaml", kb)
    result = assess(kb, facts, {"org.training-records": "FI"})
    text = render(result, "markdown", kb=kb).text
    assert "`org.training-records=FI`" in text
    assert "(`org.training-records`)" not in text.split("## Roadmap")[1].split("## Crosswalk")[0]


@pytest.mark.parametrize(("stem", "assumptions"), [
    ("aws-centric-team", {}),
    ("enterprise-near-l3", {"org.training-records": "FI", "ml.model-registry": "NY"}),
])
def test_report_from_an_assessment_is_the_report_from_its_fact_file(stem: str, assumptions: dict[str, str]) -> None:
    """The fact file rebuilt from an assessment keeps context attributes, assessor and scope: the same findings,
    in fact the same context, as from the fact file itself."""
    kb = _kb()
    path = EXAMPLES / f"{stem}.yaml"
    facts = load_fact_file(path, kb)
    from_facts = build_context(Session(kb, facts, assumptions, source=str(path), verify=False))
    assessment = assess(kb, facts, assumptions, source=str(path))
    from_assessment = to_context(assessment, kb=kb, verify=False)
    assert [f.rule for f in from_assessment.findings] == [f.rule for f in assessment.findings]
    assert from_assessment.findings == from_facts.findings
    assert from_assessment.organization == from_facts.organization
    assert from_assessment == from_facts
    rebuilt, assumed = facts_from_assessment(assessment, kb)
    assert (rebuilt.context, rebuilt.assessor, rebuilt.scope) == (facts.context, facts.assessor, facts.scope)
    assert assumed == assumptions
    assert assess(kb, rebuilt, assumed, source=str(path)) == assessment


def test_aws_example_findings_survive_the_round_trip_through_an_assessment() -> None:
    """The reviewed case: single-cloud-lock-in rests on the context attribute cloud_vendor_count."""
    kb = _kb()
    facts = load_fact_file(EXAMPLES / "aws-centric-team.yaml", kb)
    assessment = assess(kb, facts)
    assert "single-cloud-lock-in" in {f.rule for f in assessment.findings}
    text = render(assessment, "markdown", kb=kb, verify=False).text
    assert text == render(facts, "markdown", kb=kb, verify=False).text
    lock_in = next(f for f in assessment.findings if f.rule == "single-cloud-lock-in")
    assert f"**{lock_in.severity}: {lock_in.name}.**" in text


def test_an_assessment_from_another_knowledge_base_is_refused() -> None:
    kb = _kb()
    assessment = assess(kb, load_fact_file(EXAMPLES / "notebook-startup.yaml", kb))
    other = assessment.model_copy(update={"knowledge_base": "0" * 16})
    with pytest.raises(UserInputError, match="the assessment was made with another knowledge base"):
        render(other, "markdown", kb=kb)
    with pytest.raises(UserInputError, match="another knowledge base"):
        facts_from_assessment(other, kb)


def test_at_the_highest_level_there_is_no_roadmap_and_the_report_says_so() -> None:
    kb = _kb()
    facts = FactFile(organization="Top Co", assessed_on=dt.date(2026, 1, 1),
                     practices={pid: Observation(status=Characterization.FI) for pid in kb.practices})
    session = Session(kb, facts, evaluator="reference")
    context = build_context(session)
    assert context.maturity.level == 5 and context.maturity.next_level is None
    assert context.target.level is None and context.roadmap is None and context.explanation is None
    markdown = render(context, "markdown").text
    assert "already at the highest level" in markdown and "## Roadmap" not in markdown
    html = render(context, "html", charts=False).text
    assert "already at the highest level" in html and 'id="roadmap"' not in html
    docx = render(context, "docx", charts=False).content
    document = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    assert "Already at the highest level" in document and "Roadmap toward" not in document
    # An explicit target still gives a (reached) roadmap.
    at_five = build_context(session, target=5)
    assert at_five.roadmap is not None and at_five.roadmap.reached and at_five.target.level == 5


@pytest.mark.parametrize("target, message", [(0, "CMMI maturity levels are 1-5"), (6, "CMMI maturity levels are 1-5"),
                                             ("7", "CMMI maturity levels are 1-5"),
                                             (True, "expected a maturity level 1-5"),
                                             (2.0, "expected a maturity level 1-5"),
                                             ("google:9", "google")])
def test_bad_report_target_is_an_input_error(target: object, message: str) -> None:
    kb = _kb()
    facts = load_fact_file(EXAMPLES / "notebook-startup.yaml", kb)
    with pytest.raises(UserInputError, match=message) as caught:
        build_context(kb, facts, target=target, verify=False)  # type: ignore[arg-type]
    assert caught.value.problems[0].parameter == "target"  # the parameter (the CLI names its option itself)


@pytest.mark.parametrize(("value", "shown"), [
    (2, "2 person-weeks"),
    (1, "1 person-week"),
    (1.5, "1.5 person-weeks"),
    ({"min": 0.25, "max": 4.0}, "0.25-4 person-weeks"),
    (1234567.0, "1234567 person-weeks"),
    ((1000000, 12345678.5), "1000000-12345678.5 person-weeks"),
    (0.1 + 0.2, "0.3 person-weeks"),
])
def test_effort_filter_never_uses_an_exponent(value: object, shown: str) -> None:
    assert FILTERS["effort"](value) == shown


@pytest.mark.parametrize("name", sorted(charts.CHARTS))
def test_charts_are_deterministic_and_carry_their_content(name: str) -> None:
    context = context_of("notebook-startup")
    svg = charts.render_chart(context, name, "svg")
    assert svg == charts.render_chart(context, name, "svg")
    png = charts.render_chart(context, name, "png")
    assert png.startswith(b"\x89PNG") and png == charts.render_chart(context, name, "png")
    assert b"<dc:date>" not in svg
    inline = charts.inline_svg(svg, name)
    assert inline.startswith("<svg") and f'aria-label="{charts.CHARTS[name].title}"' in inline
    if name == "maturity_profile":
        assert all(pa.id in inline for pa in context.process_areas)
    if name == "framework_levels":
        assert "CMMI (staged)" in inline


def test_inline_svg_prefixes_ids_so_charts_do_not_clash() -> None:
    context = context_of("notebook-startup")
    ids: list[str] = []
    for name in charts.CHARTS:
        inline = charts.inline_svg(charts.render_chart(context, name, "svg"), name)
        found = __import__("re").findall(r'\bid="([^"]+)"', inline)
        assert all(i.startswith(name + "-") for i in found)
        ids += found
    assert len(ids) == len(set(ids))


# --- template resolution and the CLI ---------------------------------------------------------------------------------


def test_resolve_template_names_and_paths(tmp_path: Path) -> None:
    assert resolve_template("markdown").format == "markdown"
    assert resolve_template("html").format == "html"
    assert resolve_template("docx").format == "docx"
    assert resolve_template(ONE_PAGER).format == "html"
    with pytest.raises(UserInputError, match="did you mean html"):
        resolve_template("htm")
    (tmp_path / "report.md.j2").write_text("x")
    (tmp_path / "report.html.j2").write_text("x")
    with pytest.raises(UserInputError, match="exactly one entry template"):
        resolve_template(tmp_path)
    assert resolve_template(tmp_path / "report.md.j2").format == "markdown"


def test_cli_report_resolves_the_template_once(runner: CliRunner, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from mlops_maturity.engine import report

    calls: list[object] = []
    real = report.resolve_template

    def counting(template: object) -> TemplateRef:
        calls.append(template)
        return real(template)  # type: ignore[arg-type]

    monkeypatch.setattr(report, "resolve_template", counting)
    (tmp_path / "report.md.j2").write_text("{{ organization.name }}\n", encoding="utf-8")
    result = runner.invoke(app, ["report", str(EXAMPLES / "notebook-startup.yaml"), "--no-verify",
                                 "-t", str(tmp_path / "report.md.j2")])
    assert result.exit_code == 0, result.output
    # Resolved once from the option; later steps receive the TemplateRef and pass it through untouched.
    assert [c for c in calls if not isinstance(c, TemplateRef)] == [str(tmp_path / "report.md.j2")]
    ref = real("markdown")
    assert real(ref) is ref


def test_cli_report_markdown_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(app, ["report", str(EXAMPLES / "enterprise-near-l3.yaml")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# ML Ops maturity assessment: Halvorsen Retail Group")
    dash = runner.invoke(app, ["report", str(EXAMPLES / "enterprise-near-l3.yaml"), "--out", "-", "--target", "4"])
    assert dash.exit_code == 0 and "## Why level 4 (Quantitatively Managed) is not reached" in dash.stdout


def test_cli_report_prints_fact_file_warnings_on_stderr(runner: CliRunner, tmp_path: Path) -> None:
    """Like ``assess``: a merged practice id still works, the warning goes to stderr, stdout is the document."""
    facts = tmp_path / "merged.yaml"
    facts.write_text("organization: Merged Co\nassessed_on: 2026-01-01\npractices:\n"
                     "  gen.defined-process-use: {status: FI}\n", encoding="utf-8")
    result = runner.invoke(app, ["report", str(facts), "--no-verify"])
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "merged into ipm.project-defined-process" in result.stderr
    assert result.stdout.startswith("# ML Ops maturity assessment: Merged Co")
    assert "warning:" not in result.stdout


def test_cli_report_files_force_and_atomic(runner: CliRunner, tmp_path: Path) -> None:
    fact = str(EXAMPLES / "notebook-startup.yaml")
    out = tmp_path / "report.html"
    first = runner.invoke(app, ["report", fact, "--template", "html", "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    out.write_text("keep me", encoding="utf-8")
    refused = runner.invoke(app, ["report", fact, "--template", "html", "--out", str(out)])
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    forced = runner.invoke(app, ["report", fact, "-t", "markdown", "--out", str(out), "--force"])
    assert forced.exit_code == 0 and out.read_text(encoding="utf-8").startswith("# ML Ops")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary files left behind


def test_cli_report_docx(runner: CliRunner, tmp_path: Path) -> None:
    fact = str(EXAMPLES / "enterprise-near-l3.yaml")
    no_out = runner.invoke(app, ["report", fact, "--template", "docx"])
    assert no_out.exit_code == 2 and "--out" in no_out.stderr
    out = tmp_path / "r.docx"
    ok = runner.invoke(app, ["report", fact, "--template", "docx", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    assert out.read_bytes().startswith(b"PK")


@pytest.mark.parametrize("args, message", [
    (["--template", "nope"], "template not found"),
    (["--target", "9"], "target: 9: CMMI maturity levels are 1-5"),
    (["--capacity", "-1"], "capacity"),
    (["--assume", "ml.nope=FI"], "unknown practice"),
])
def test_cli_report_bad_input_exits_2(runner: CliRunner, tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "r.md"
    result = runner.invoke(app, ["report", str(EXAMPLES / "enterprise-near-l3.yaml"), "--out", str(out), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


# --- user templates, the example consulting template, embedding ----------------------------------------------------


def test_example_consulting_template_renders() -> None:
    context = context_of("enterprise-near-l3")
    html = render(context, ONE_PAGER).text
    assert "Northwind Advisory" in html and "Halvorsen Retail Group" in html
    assert "What stands between you and level 3" in html
    assert "First wave: 1 practice<" in html  # v2: the rest is not observed (assess first)
    assert html.count("<svg") >= 2  # the logo and the capability profile
    assert "--accent: #0b6e4f" in html  # the brand overrides the built-in style, which is kept (super())
    assert ".badge-level" in html


def test_example_consulting_template_through_the_cli(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "one-pager.html"
    result = runner.invoke(app, ["report", str(EXAMPLES / "regulated-bank.yaml"), "--template", str(ONE_PAGER),
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Northwind Advisory" in out.read_text(encoding="utf-8")


def test_user_template_extends_builtin_and_uses_macros(tmp_path: Path) -> None:
    (tmp_path / "report.md.j2").write_text(
        '{% extends "builtin/report.md.j2" %}\n'
        "{% block evidence %}\n## Our own section\n\n{{ md.level_badge(target.level, target.name, 'Target') }}\n"
        "{% endblock %}\n", encoding="utf-8")
    context = context_of("enterprise-near-l3")
    with_appendix = context.model_copy(update={"report": context.report.model_copy(update={"appendix": True})})
    text = render(with_appendix, tmp_path).text
    assert "## Our own section\n\n**Target 3 (Defined)**" in text
    assert "## Evidence per practice" not in text
    assert "## Roadmap toward CMMI maturity level 3 (Defined)" in text


def test_user_template_in_another_format(tmp_path: Path) -> None:
    (tmp_path / "summary.txt.j2").write_text(
        "{{ organization.name }}: {{ maturity.level }}\n{% for p in practices if p.ready %}{{ p.id }}\n{% endfor %}",
        encoding="utf-8")
    rendered = render(context_of("enterprise-near-l3"), tmp_path / "summary.txt.j2")
    assert rendered.format == "text"
    assert rendered.text.startswith("Halvorsen Retail Group: 2\n")


def test_register_jinja_adds_filters_and_engine_globals() -> None:
    env = jinja2.Environment(loader=jinja2.ChoiceLoader([
        jinja2.DictLoader({"firm.md": '{% import "builtin/macros.md.j2" as md %}'
                           "{% set ctx = maturity_context(path, target=3) %}"
                           "{{ ctx.organization.name }} / {{ 'LI' | maturity_characterization }} / "
                           "{{ maturity_level_name(4) }} / {{ md.level_badge(ctx.maturity.level, ctx.maturity.name) }}"
                           " / {{ maturity_assess(path).maturity_level }}"}),
        builtin_loader(),
    ]), undefined=jinja2.StrictUndefined)
    register_jinja(env)
    text = env.get_template("firm.md").render(path=str(EXAMPLES / "enterprise-near-l3.yaml"))
    assert text == ("Halvorsen Retail Group / largely implemented / Quantitatively Managed / "
                    "**Maturity level 2 (Managed)** / 2")
    with pytest.raises(ValueError, match="already defined"):
        register_jinja(env)
    register_jinja(env, overwrite=True)
    svg = env.from_string("{{ maturity_chart(maturity_context(path), 'framework_levels') }}").render(
        path=str(EXAMPLES / "notebook-startup.yaml"))
    assert svg.startswith("<svg")


def test_embed_example_runs(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "embed_example.py"), str(EXAMPLES / "enterprise-near-l3.yaml"),
         str(tmp_path)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "maturity level 2 (Managed)" in result.stdout
    assert (tmp_path / "report.md").read_text(encoding="utf-8").startswith("# ML Ops maturity assessment")
    assert (tmp_path / "report.html").exists()
    assert "Halvorsen Retail Group" in (tmp_path / "firm-letter.md").read_text(encoding="utf-8")


def test_html_partials_are_escaped_whatever_their_name(tmp_path: Path) -> None:
    context = context_of("enterprise-near-l3").model_copy(deep=True)
    data_context = context.model_copy(update={"organization": context.organization.model_copy(
        update={"name": "<b>R&D</b>"})})
    (tmp_path / "report.html.j2").write_text('{% include "part.j2" %}|{% include "notes.md.j2" %}',
                                             encoding="utf-8")
    (tmp_path / "part.j2").write_text("{{ organization.name }}", encoding="utf-8")
    (tmp_path / "notes.md.j2").write_text("{{ organization.name }}", encoding="utf-8")
    assert render(data_context, tmp_path).text == "&lt;b&gt;R&amp;D&lt;/b&gt;|<b>R&D</b>"


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_charts_lay_out_without_warnings_with_and_without_capacity(stem: str) -> None:
    import warnings

    kb = _kb()
    facts = load_fact_file(EXAMPLES / f"{stem}.yaml", kb)
    for capacity in (None, 10):
        context = build_context(Session(kb, facts, evaluator="reference"), capacity=capacity)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for name in charts.CHARTS:
                assert charts.render_chart(context, name, "svg").startswith(b"<?xml")


def test_a_large_fact_file_renders_with_the_builtin_templates(tmp_path: Path) -> None:
    """The sandbox's size limits grow with the input, so 20,000 evidence items do not trip them."""
    from mlops_maturity.engine.facts import FactFile
    from mlops_maturity.engine.kb import load_knowledge_base
    from mlops_maturity.engine.report import build_context, render

    kb = load_knowledge_base()
    evidence = [f"evidence item number {i} with some words" for i in range(20_000)]
    facts = FactFile.model_validate({"organization": "Big", "assessed_on": "2026-01-01",
                                     "practices": {"ml.model-registry": {"status": "FI", "evidence": evidence}}})
    text = render(build_context(Session(kb, facts, evaluator="reference"), appendix=True), "markdown",
                  charts=False).text
    assert "evidence item number 19999 with some words" in text


# --- layouts, the appendix, framework targets, what an HTML report imports --------------------------------------------


def test_appendix_adds_evidence_and_crosswalk_only_when_asked() -> None:
    kb = _kb()
    session = Session(kb, load_fact_file(EXAMPLES / "regulated-bank.yaml", kb), evaluator="reference")
    plain, full = build_context(session), build_context(session, appendix=True)
    assert plain.crosswalk is None and full.crosswalk is not None
    assert [row.framework for row in full.crosswalk.rows] == sorted(kb.frameworks)
    for template in ("markdown", "html"):
        without, with_appendix = render(plain, template, charts=False).text, render(full, template, charts=False).text
        assert "Crosswalk" not in without and "Evidence per practice" not in without and "Agrees" not in without
        assert "Crosswalk: the models against CMMI" in with_appendix and "Evidence per practice" in with_appendix


def test_one_pager_layout_keeps_summary_heat_map_gaps_and_first_wave() -> None:
    kb = _kb()
    session = Session(kb, load_fact_file(EXAMPLES / "regulated-bank.yaml", kb), evaluator="reference")
    context = build_context(session, layout="one-pager")
    assert context.report.layout == "one-pager"
    markdown = render(context, "markdown").text
    assert "## Summary" in markdown and "## Coverage by process area and dimension" in markdown
    assert "## Main gaps for CMMI maturity level 3 (Defined)" in markdown and "## First wave:" in markdown
    assert "## Why level" not in markdown and "## Roadmap toward" not in markdown
    html = render(context, "html").text
    assert 'id="one-pager"' in html and "chart-heat_map" in html and 'id="explanation"' not in html
    with pytest.raises(UserInputError, match="layout: two-pager: expected one of full, one-pager"):
        build_context(session, layout="two-pager")  # type: ignore[arg-type]


def test_heat_map_counts_applicable_practices_per_area_and_dimension() -> None:
    context = context_of("regulated-bank")
    assert context.heat_map.dimensions == ["people", "process", "technology", "culture", "governance", "data"]
    assert [r.process_area for r in context.heat_map.rows] == [pa.id for pa in context.process_areas]
    for row in context.heat_map.rows:
        for cell in row.cells:
            expected = [p for p in context.practices if row.process_area in p.process_areas
                        and p.dimension == cell.dimension and p.status != "NA"]
            assert cell.total == len(expected) and cell.satisfied == sum(p.satisfied for p in expected)
            assert cell.percent == (None if not expected else round(100 * cell.satisfied / cell.total + 1e-9))


def test_a_framework_level_as_target(runner: CliRunner) -> None:
    kb = _kb()
    session = Session(kb, load_fact_file(EXAMPLES / "regulated-bank.yaml", kb), evaluator="reference")
    context = build_context(session, target="google:2")
    assert (context.target.kind, context.target.framework, context.target.level) == ("framework", "google", 2)
    assert context.target.label == "google level 2 (CI/CD pipeline automation)" and not context.target.reached
    assert context.explanation is None and context.framework_explanation is not None
    assert context.framework_explanation.framework == "google" and context.framework_explanation.level == 2
    assert context.roadmap is not None and context.roadmap.target.framework == "google"
    assert all(pa.target_capability is None for pa in context.process_areas)
    assert build_context(session, target=("google", 2)) == context
    markdown = render(context, "markdown").text
    assert "## Why google level 2 (CI/CD pipeline automation) is not reached" in markdown
    assert "## Roadmap toward google level 2 (CI/CD pipeline automation)" in markdown
    html = render(context, "html").text
    assert "Why google level 2 (CI/CD pipeline automation) is not reached" in html
    docx = zipfile.ZipFile(io.BytesIO(render(context, "docx", charts=False).content)).read("word/document.xml")
    assert b"Why google level 2 (CI/CD pipeline automation) is not reached" in docx
    result = runner.invoke(app, ["report", str(EXAMPLES / "regulated-bank.yaml"), "--target", "google:2",
                                 "--layout", "one-pager"])
    assert result.exit_code == 0, result.output
    assert "## Main gaps for google level 2 (CI/CD pipeline automation)" in result.stdout
    bad = runner.invoke(app, ["report", str(EXAMPLES / "regulated-bank.yaml"), "--target", "googel:2"])
    assert bad.exit_code == 2 and "did you mean google?" in bad.stderr


def test_html_report_does_not_import_matplotlib_or_numpy(tmp_path: Path) -> None:
    """Charts in HTML are drawn as SVG directly: the plotting stack stays off the path of the HTML report (and of
    the Markdown report, which draws none), and comes in for Word only."""
    code = ("import sys, runpy; sys.argv = ['maturity', 'report', sys.argv[1], '-t', sys.argv[2], '--out', "
            "sys.argv[3], '--no-verify']\n"
            "try:\n    runpy.run_module('mlops_maturity.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('matplotlib', 'numpy') if m in sys.modules))")
    for template, suffix, imported in (("html", "html", "[]"), ("markdown", "md", "[]"),
                                       ("docx", "docx", "['matplotlib', 'numpy']")):
        out = tmp_path / f"r.{suffix}"
        result = subprocess.run([sys.executable, "-c", code, str(EXAMPLES / "notebook-startup.yaml"), template,
                                 str(out)], capture_output=True, text=True, timeout=300)
        assert result.stdout.strip().splitlines()[-1] == imported, (template, result.stdout, result.stderr)
        assert out.exists()


@pytest.mark.parametrize("name", sorted(charts.SVG_CHARTS))
def test_svg_charts_are_deterministic_well_formed_and_carry_their_content(name: str) -> None:
    import xml.etree.ElementTree as ET

    context = context_of("regulated-bank")
    svg = charts.chart_svg(context, name)
    assert svg == charts.chart_svg(context, name) and svg.startswith("<svg")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label") == charts.CHARTS[name].title
    if name in ("maturity_profile", "heat_map"):
        assert all(f">{pa.id} " in svg or f" {pa.id} " in svg for pa in context.process_areas)
    if name == "heat_map":
        fills = set(re.findall(r'fill="(#[0-9a-f]{6})"', svg))
        assert {b[1] for b in charts.HEAT_BINS} & fills


def test_the_report_module_imports_the_crosswalk_only_when_a_schema_needs_it() -> None:
    """A cold report without the appendix never imports the crosswalk's models; a context's schema (validation,
    JSON Schema, pydantic's dump) still has them: ReportContext.model_rebuild supplies them."""
    program = (
        "import sys\n"
        "from mlops_maturity.engine import report\n"
        "assert 'mlops_maturity.engine.crosswalk' not in sys.modules\n"
        "schema = report.ReportContext.model_json_schema()\n"
        "assert 'Crosswalk' in schema['$defs'] and 'mlops_maturity.engine.crosswalk' in sys.modules\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stdout == "ok\n", result.stderr
    kb = _kb()
    path = EXAMPLE_FILES[0]
    context = build_context(Session(kb, load_fact_file(path, kb), source=str(path)), appendix=True)
    assert context.crosswalk is not None
    again = ReportContext.model_validate(context.model_dump())
    assert again == context and again.crosswalk == context.crosswalk
