"""Word reports: the built-in .docx template (built by a script in the repository), and a firm's own .docx."""

from __future__ import annotations

import importlib.util
import io
import sys
from functools import cache
from pathlib import Path

import pytest
from docx import Document
from mlops_maturity.engine.facts import load_fact_file
from mlops_maturity.engine.kb import load_knowledge_base
from mlops_maturity.engine.report import ReportContext, build_context, builtin_template_dir, render
from mlops_maturity.engine.session import Session

from tests.conftest import EXAMPLES, ROOT

BUILD_SCRIPT = ROOT / "engine" / "templates" / "build_docx_template.py"


@cache
def _context(stem: str) -> ReportContext:
    kb = load_knowledge_base()
    return build_context(Session(kb, load_fact_file(EXAMPLES / f"{stem}.yaml", kb)))


def _text(document: object) -> str:
    paragraphs = [p.text for p in document.paragraphs]  # type: ignore[attr-defined]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]  # type: ignore[attr-defined]
    return "\n".join(paragraphs + cells)


def test_committed_template_is_what_the_build_script_makes() -> None:
    spec = importlib.util.spec_from_file_location("build_docx_template", BUILD_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    assert module.build() == (builtin_template_dir() / "report.docx").read_bytes(), (
        "engine/templates/report.docx is stale: run python engine/templates/build_docx_template.py")


@pytest.mark.parametrize("stem", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
def test_docx_report_opens_and_holds_level_roadmap_and_explanation(stem: str) -> None:
    context = _context(stem)
    rendered = render(context, "docx")
    assert rendered.format == "docx" and rendered.content.startswith(b"PK")
    document = Document(io.BytesIO(rendered.content))
    text = _text(document)
    assert f"CMMI maturity level {context.maturity.level} ({context.maturity.name})" in text
    assert "{{" not in text and "{%" not in text
    assert context.roadmap is not None and context.explanation is not None
    assert f"Roadmap toward {context.roadmap.target.label}" in text
    for item in context.roadmap.items:
        assert f"{item.name} ({item.practice})" in text
    for line in context.explanation.summary:
        assert line in text
    for pa in context.process_areas:
        assert f"{pa.id} {pa.name}" in text
    assert len(document.inline_shapes) == (2 if context.roadmap.reached else 3)  # the charts, as images
    assert document.sections[0].footer.paragraphs[0].text.startswith(context.organization.name)


def test_docx_render_is_deterministic() -> None:
    context = _context("enterprise-near-l3")
    assert render(context, "docx").content == render(context, "docx").content


def test_firms_own_docx_template_with_a_chart(tmp_path: Path) -> None:
    document = Document()
    document.add_heading("Acme Consulting: {{ organization.name }}", level=1)
    document.add_paragraph("Level {{ maturity.level }} ({{ maturity.name }}), target {{ target.level }}.")
    document.add_paragraph('{{ chart("framework_levels", 120) }}')
    document.add_paragraph("{%p for f in findings %}")
    document.add_paragraph("{{ f.name }}: {{ f.recommendation }}")
    document.add_paragraph("{%p endfor %}")
    template = tmp_path / "acme.docx"
    document.save(str(template))
    context = _context("enterprise-near-l3")
    out = Document(io.BytesIO(render(context, template).content))
    text = _text(out)
    assert "Acme Consulting: Halvorsen Retail Group" in text
    assert "Level 2 (Managed), target 3." in text
    assert all(f"{f.name}: {f.recommendation}" in text for f in context.findings)
    assert len(out.inline_shapes) == 1


def test_docx_escapes_xml_special_characters(tmp_path: Path) -> None:
    kb = load_knowledge_base()
    fact = tmp_path / "amp.yaml"
    fact.write_text('organization: "R&D <Labs> & Sons"\nassessed_on: 2026-01-01\n', encoding="utf-8")
    rendered = render(load_fact_file(fact, kb), "docx", kb=kb, charts=False)
    assert "R&D <Labs> & Sons" in _text(Document(io.BytesIO(rendered.content)))
