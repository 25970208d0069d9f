"""The built-in templates render outside the sandbox, to the sandbox's bytes; a firm's template never does.

The sandbox stays the reference: every shipped example, in every built-in format, layout and with or without the
appendix, renders to the same bytes in the trusted environment as in :class:`ReportSandbox`.
"""

from __future__ import annotations

import pickle
from functools import cache
from pathlib import Path

import pytest
from mlops_maturity.engine import report
from mlops_maturity.engine.errors import UserInputError
from mlops_maturity.engine.facts import load_fact_file
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.report import ReportContext, build_context, render, resolve_template
from mlops_maturity.engine.session import Session

from tests.conftest import EXAMPLES

STEMS = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
VARIANTS = [("full", False), ("full", True), ("one-pager", False), ("one-pager", True)]


@cache
def _kb() -> KnowledgeBase:
    # A copy with a result cache of its own: the many assessments here leave the shared knowledge base's cache (its
    # size, and so when it is next cleared) as the other test files expect it.
    return pickle.loads(pickle.dumps(load_knowledge_base()))  # type: ignore[no-any-return]


@cache
def _context(stem: str, layout: str, appendix: bool) -> ReportContext:
    kb = _kb()
    session = Session(kb, load_fact_file(EXAMPLES / f"{stem}.yaml", kb), source=f"examples/{stem}.yaml")
    return build_context(session, layout=layout, appendix=appendix)  # type: ignore[arg-type]


def _both(context: ReportContext, template: str, charts: bool) -> tuple[bytes, bytes]:
    ref = resolve_template(template)
    trusted = report._render_context(context, ref, charts, sandboxed=False).content
    sandboxed = report._render_context(context, ref, charts, sandboxed=True).content
    return trusted, sandboxed


@pytest.mark.parametrize(("layout", "appendix"), VARIANTS, ids=[f"{lay}{'-appendix' * a}" for lay, a in VARIANTS])
@pytest.mark.parametrize("stem", STEMS)
def test_builtin_templates_render_the_sandbox_bytes(stem: str, layout: str, appendix: bool) -> None:
    context = _context(stem, layout, appendix)
    for template, charts in (("markdown", False), ("html", True), ("html", False), ("docx", False)):
        trusted, sandboxed = _both(context, template, charts)
        assert trusted == sandboxed, f"{template} (charts={charts}) differs outside the sandbox"
        assert len(trusted) > 1000


def test_render_picks_the_trusted_environment_for_builtins_alone(tmp_path: Path) -> None:
    builtin = [resolve_template(name) for name in report.BUILTIN_TEMPLATES]
    assert all(report._is_builtin(ref) for ref in builtin)
    firm = tmp_path / "firm"
    firm.mkdir()
    (firm / "report.html.j2").write_text('{% extends "builtin/report.html.j2" %}\n', encoding="utf-8")
    word = tmp_path / "report.docx"
    word.write_bytes((report.builtin_template_dir() / "report.docx").read_bytes())  # the built-in's bytes, elsewhere
    assert not report._is_builtin(resolve_template(firm))
    assert not report._is_builtin(resolve_template(word))
    assert not report._is_builtin(resolve_template(firm / "report.html.j2"))
    assert type(report._environment("", "html", False)) is report._TrustedEnvironment
    assert isinstance(report._environment(str(firm), "html"), report.ReportSandbox)
    with pytest.raises(ValueError, match="sandbox"):
        report._environment(str(firm), "html", False)
    with pytest.raises(ValueError, match="sandbox"):
        report._render_context(_context("notebook-startup", "full", False), resolve_template(word), False,
                               sandboxed=False)


def test_a_firms_template_extending_a_builtin_stays_bounded(tmp_path: Path) -> None:
    # Render the built-in first, so that its compiled code is in the bytecode cache and the environments' caches.
    context = _context("notebook-startup", "full", False)
    plain = render(context, "html", charts=False).text
    firm = tmp_path / "firm"
    firm.mkdir()
    (firm / "report.html.j2").write_text(
        '{% extends "builtin/report.html.j2" %}\n{% block footer %}\n'
        "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}\n{% endblock %}\n",
        encoding="utf-8")
    with pytest.raises(UserInputError, match=r"template report\.html\.j2: line 3: not allowed: .*in total"):
        render(context, firm, charts=False)
    # The built-in template itself, loaded for a firm's template, is compiled and run by the sandbox.
    parent = report._environment(str(firm.resolve()), "html").get_template("builtin/report.html.j2")
    assert isinstance(parent, report.BoundedTemplate) and isinstance(parent.environment, report.ReportSandbox)
    # An extension that changes nothing renders what the built-in renders.
    (firm / "report.html.j2").write_text('{% extends "builtin/report.html.j2" %}\n', encoding="utf-8")
    assert render(context, firm, charts=False).text == plain


def test_the_trusted_and_sandboxed_compiled_templates_are_cached_apart() -> None:
    # The sandbox's compiled code routes operators and calls through the sandbox; the trusted environment's does
    # not, so a cache file of one must never be loaded by the other.
    trusted = report._bytecode_cache("html-trusted")
    sandboxed = report._bytecode_cache("html")
    assert trusted is not None and sandboxed is not None
    assert trusted.pattern != sandboxed.pattern  # type: ignore[attr-defined]
    assert trusted.pattern.endswith("-html-trusted-%s.cache")  # type: ignore[attr-defined]
    assert report._environment("", "html", False).bytecode_cache.pattern == trusted.pattern  # type: ignore[union-attr]
    assert report._environment("", "html").bytecode_cache.pattern == sandboxed.pattern  # type: ignore[union-attr]


class _Keys(dict):  # type: ignore[type-arg]
    shadow = "class attribute"


@pytest.mark.parametrize("attribute", ["name", "items", "keys", "get", "__class__", "missing", "shadow"])
def test_trusted_attribute_lookup_is_jinjas(attribute: str) -> None:
    import jinja2

    trusted = report._TrustedEnvironment()
    plain = jinja2.Environment(undefined=jinja2.StrictUndefined)
    for obj in ({"name": "n", "items": [1], "shadow": "key"}, _Keys(name="n", items=[1], shadow="key"), [1, 2]):
        mine, theirs = trusted.getattr(obj, attribute), plain.getattr(obj, attribute)
        if isinstance(theirs, jinja2.Undefined):
            assert isinstance(mine, jinja2.StrictUndefined) and mine._undefined_name == attribute
            with pytest.raises(jinja2.UndefinedError):
                str(mine)
        else:
            assert mine == theirs
    assert trusted.from_string("{{ d.items }}|{{ d.name }}").render(d={"items": 1, "name": 2}).startswith(
        "<built-in method items")
