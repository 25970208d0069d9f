"""The JSON format writes each document from its models' own values (results.plain, orjson), not through pydantic's
serializer: the bytes must be exactly pydantic's ``model_dump_json(indent=2)``, on every kind of document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.crosswalk import crosswalk
from mlops_maturity.engine.explain import explain_framework, explain_level, explain_practice
from mlops_maturity.engine.facts import load_fact_file
from mlops_maturity.engine.formats import RenderOptions, json as json_format, render
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.results import NotPlain, Result, plain, plain_fields
from mlops_maturity.engine.roadmap import plan_roadmap

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))


def _pydantic(document: Result, exclude: set[str] | None = None) -> str:
    return document.model_dump_json(indent=2, exclude=exclude) + "\n"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_document_of_every_example_is_pydantics_json(kb: KnowledgeBase, path: Path) -> None:
    facts = load_fact_file(path, kb)
    assessment = assess(kb, facts)
    documents = [
        plan_roadmap(kb, facts), plan_roadmap(kb, facts, capacity=6.0), plan_roadmap(kb, facts, target=5),
        plan_roadmap(kb, facts, target="google:2", plan_unobserved=True),
        explain_level(kb, facts, 3), explain_level(kb, facts, 5), explain_framework(kb, facts, "google"),
        explain_practice(kb, facts, "ml.model-registry"),
    ]
    for document in documents:
        assert json_format.dumps(document) == _pydantic(document), type(document).__name__
    # An assessment without its trace (the default) and with it (--trace).
    assert render("json", assessment, RenderOptions()) == _pydantic(assessment, {"derivations"})
    assert render("json", assessment, RenderOptions(trace=True)) == _pydantic(assessment)


def test_the_crosswalk_is_pydantics_json(kb: KnowledgeBase) -> None:
    document = crosswalk(kb)
    assert json_format.dumps(document) == _pydantic(document)


class _Odd(Result):
    when: dt.datetime
    count: int = 0


def test_what_plain_does_not_know_is_left_to_pydantic() -> None:
    odd = _Odd(when=dt.datetime(2026, 1, 2, 3, 4, 5))
    with pytest.raises(NotPlain):
        plain_fields(odd)
    assert json_format.dumps(odd) == _pydantic(odd)
    big = _Odd(when=dt.datetime(2026, 1, 2), count=2**70)  # a whole number orjson cannot write
    assert "1180591620717411303424" in json_format.dumps(big) == _pydantic(big)


def test_plain_fields_leaves_out_what_is_excluded() -> None:
    data = plain_fields(_Odd.model_construct(when=None, count=3), {"when"})  # type: ignore[arg-type]
    assert data == {"count": 3}
    assert plain({"a": (1, 2.5, float("inf"))}) == {"a": [1, 2.5, None]}


def test_the_formats_are_the_modules_pkgutil_lists() -> None:
    import pkgutil

    from mlops_maturity.engine import formats

    listed = sorted(m.name for m in pkgutil.iter_modules(formats.__path__) if not m.name.startswith("_"))
    assert list(formats.names()) == listed and "json" in listed
