"""User templates run in a sandbox: reaching Python internals or abusing resources is a located template error,
exit 2 through the CLI, and nothing is written."""

from __future__ import annotations

import io
import time
from functools import lru_cache
from pathlib import Path

import pytest
from mlops_maturity.cli.app import app
from mlops_maturity.engine.errors import UserInputError
from mlops_maturity.engine.facts import load_fact_file
from mlops_maturity.engine.kb import load_knowledge_base
from mlops_maturity.engine.report import ReportContext, _render_context, build_context, render, resolve_template
from mlops_maturity.engine.session import Session
from typer.testing import CliRunner

from tests.conftest import EXAMPLES

FACTS = EXAMPLES / "notebook-startup.yaml"

# name -> (template source, text the error must contain). The offending construct is on line 2 (line 3 for
# "syntax") so that the reported line is checked too.
ATTACKS: dict[str, tuple[str, str]] = {
    "dunder-class": ("{{ organization.name.__class__ }}", "'__class__'"),
    "dunder-globals": ("{{ chart.__globals__['os'] }}", "'__globals__'"),
    "dunder-subclasses": ("{{ ().__class__.__base__.__subclasses__() }}", "'__class__'"),
    "subclasses-by-key": ("{{ practices['__subclasses__'] }}", "'__subclasses__'"),
    "dunder-via-attr-filter": ("{{ organization | attr('__class__') }}", "'__class__'"),
    "os-module": ("{{ os.system('id') }}", "'os' is undefined"),
    "open-builtin": ("{{ open('/etc/passwd').read() }}", "'open' is undefined"),
    "import-builtin": ("{{ __import__('os') }}", "'__import__' is undefined"),
    "private-attribute": ("{{ organization._secret }}", "private attribute '_secret'"),
    "private-key": ("{{ organization['_hidden'] }}", "private attribute '_hidden'"),
    "name-mangled": ("{{ self._TemplateReference__context }}", "'_TemplateReference__context'"),
    "cycler-init-globals": ("{{ cycler.__init__.__globals__ }}", "'__init__'"),
    "mutate-context": ("{{ practices.append(1) }}", "'append'"),
    "huge-range": ("{% for i in range(10**9) %}{% endfor %}", "at most 10000"),
    "nested-ranges": ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
                      "in total"),
    "string-multiplication": ("{{ 'x' * 10**9 }}", "at most 1000000"),
    "huge-power": ("{{ 7 ** 100000 }}", "larger than templates may compute"),
    "format-width": ("{{ '{:>999999999}'.format('x') }}", "width"),
    "percent-width": ("{{ '%999999999d' % 1 }}", "width"),
    "padding-method": ("{{ 'x'.ljust(999999999) }}", "largest width"),
    "padding-filter": ("{{ 'x' | center(999999999) }}", "largest width"),
    "namespace-doubling": ("{% set ns = namespace(s='x' * 1000) %}{% for p in practices %}"
                           "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}", "namespace attribute 's'"),
    "macro-doubling": ("{% macro d(s) %}{{ d(s ~ s) }}{% endmacro %}{{ d('x') }}", "templates may produce at most"),
    "huge-output": ("{% for i in range(10000) %}{{ 'x' * 999999 }}{% endfor %}", "exceeds"),
    "lipsum-removed": ("{{ lipsum(100000) }}", "'lipsum' is undefined"),
    "include-outside": ("{% include '/etc/passwd' %}", "'/etc/passwd' not found"),
    "include-parent": ("{% include '../../../../etc/passwd' %}", "not found"),
    "undefined-name": ("{{ organisation.name }}", "'organisation' is undefined"),
    "syntax": ("ok\n{% for x in %}", "syntax error"),
}


@lru_cache(maxsize=1)
def _context() -> ReportContext:
    kb = load_knowledge_base()
    return build_context(Session(kb, load_fact_file(FACTS, kb), evaluator="reference"))


def _template(tmp_path: Path, source: str) -> Path:
    directory = tmp_path / "firm"
    directory.mkdir()
    (directory / "report.md.j2").write_text("# {{ organization.name }}\n" + source + "\n", encoding="utf-8")
    return directory


@pytest.mark.parametrize("name", list(ATTACKS))
def test_attack_is_a_located_template_error(tmp_path: Path, name: str) -> None:
    source, expected = ATTACKS[name]
    started = time.monotonic()
    with pytest.raises(UserInputError) as caught:
        render(_context(), _template(tmp_path, source), charts=False)
    assert time.monotonic() - started < 10, "the sandbox should stop this quickly"
    message = str(caught.value)
    assert expected in message, message
    if name == "huge-output":  # the output cap trips while the output streams, not at a line
        assert message.startswith("template report.md.j2: not allowed: "), message
    else:
        line = 3 if name == "syntax" else 2
        assert message.startswith(f"template report.md.j2: line {line}: "), message


@pytest.mark.parametrize("name", ["dunder-class", "dunder-globals", "dunder-subclasses", "os-module",
                                  "open-builtin", "private-attribute", "huge-range", "syntax"])
def test_attack_through_the_cli_exits_2_and_writes_nothing(tmp_path: Path, name: str) -> None:
    source, expected = ATTACKS[name]
    template = _template(tmp_path, source)
    out = tmp_path / "report.md"
    runner = CliRunner()
    result = runner.invoke(app, ["report", str(FACTS), "--template", str(template), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "template report.md.j2: line" in result.stderr and expected in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()
    out.write_text("previous report", encoding="utf-8")
    forced = runner.invoke(app, ["report", str(FACTS), "--template", str(template), "--out", str(out), "--force"])
    assert forced.exit_code == 2
    assert out.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["firm", "report.md"]


def test_error_in_an_included_template_names_that_template(tmp_path: Path) -> None:
    directory = tmp_path / "firm"
    directory.mkdir()
    (directory / "report.html.j2").write_text('{% extends "builtin/base.html.j2" %}\n{% block content %}\n'
                                              '{% include "part.html.j2" %}\n{% endblock %}\n', encoding="utf-8")
    (directory / "part.html.j2").write_text("<p>fine</p>\n<p>{{ organization.__class__ }}</p>\n", encoding="utf-8")
    with pytest.raises(UserInputError, match=r"template part\.html\.j2: line 2: not allowed: .*'__class__'"):
        render(_context(), directory, charts=False)


def test_builtin_templates_pass_the_sandbox() -> None:
    # Rendered on their own, the built-in templates run outside the sandbox (tests/test_report_trusted.py shows the
    # bytes are the same); a firm's template that extends one runs it inside, so each must pass the sandbox too.
    for name in ("html", "markdown"):
        sandboxed = _render_context(_context(), resolve_template(name), False, sandboxed=True)
        assert sandboxed.text == render(_context(), name, charts=False).text
    assert sandboxed.text.count("## ") >= 7 and "<section" in render(_context(), "html", charts=False).text


def _docx_template(path: Path, text: str) -> Path:
    from docx import Document

    document = Document()
    document.add_paragraph("Client: {{ organization.name }}")
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.parametrize("text, expected", [
    ("{{ organization.__class__ }}", "'__class__'"),
    ("{{ os.system('id') }}", "'os' is undefined"),
    ("{% for i in range(10**9) %}{% endfor %}", "at most 10000"),
])
def test_word_template_attacks_fail_and_write_nothing(tmp_path: Path, text: str, expected: str) -> None:
    template = _docx_template(tmp_path / "firm.docx", text)
    with pytest.raises(UserInputError, match="template firm.docx") as caught:
        render(_context(), template, charts=False)
    assert expected in str(caught.value)
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(app, ["report", str(FACTS), "--template", str(template), "--out", str(out)])
    assert result.exit_code == 2 and expected in result.stderr
    assert not out.exists()


def test_word_template_that_is_not_a_word_file(tmp_path: Path) -> None:
    bogus = tmp_path / "x.docx"
    bogus.write_text("not a zip", encoding="utf-8")
    with pytest.raises(UserInputError, match="not a Word .docx file"):
        render(_context(), bogus)
