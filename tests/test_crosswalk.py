"""The crosswalk: each framework's full practice set, assumed FI, placed on the CMMI staged scale by inference."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mlops_maturity.cli.app import app
from mlops_maturity.engine.assessment import assess
from mlops_maturity.engine.crosswalk import (
    Crosswalk,
    crosswalk,
    crosswalk_row,
    framework_practice_set,
    level_practices,
)
from mlops_maturity.engine.facts import FactFile
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from mlops_maturity.engine.knowledge import Framework, FrameworkLevel
from typer.testing import CliRunner

from tests.conftest import MINI_KB

SHIPPED = load_knowledge_base()


@pytest.fixture(scope="module")
def result() -> Crosswalk:
    """The crosswalk over the shipped knowledge base."""
    return crosswalk(SHIPPED)


def _reference_level(kb: KnowledgeBase, framework: str) -> int:
    """The maturity level of the framework's practice set, by the reference evaluator, built independently:
    the practices written into the fact file itself (not passed as assumptions)."""
    practices = {pid: "FI" for level in kb.frameworks[framework].levels for pid in level.practices}
    facts = FactFile.model_validate(
        {"organization": "independent", "assessed_on": dt.date(2026, 1, 1), "practices": practices}
    )
    return assess(kb, facts, evaluator="reference").maturity_level


def test_one_row_per_framework_in_id_order(result: Crosswalk) -> None:
    assert [row.framework for row in result.rows] == sorted(SHIPPED.frameworks)
    assert result.knowledge_base == SHIPPED.fingerprint


@pytest.mark.parametrize("framework", sorted(SHIPPED.frameworks))
def test_computed_level_is_what_inference_says(result: Crosswalk, framework: str) -> None:
    row = next(r for r in result.rows if r.framework == framework)
    assert row.computed_maturity_level == _reference_level(SHIPPED, framework)
    assert row.computed_maturity_level_name == SHIPPED.level_name(row.computed_maturity_level)
    assert row.practices == framework_practice_set(SHIPPED, framework)
    # The practice set reaches the framework's own top level: the hypothetical organization is the framework.
    assert row.framework_level_reached == SHIPPED.frameworks[framework].levels[-1].level


@pytest.mark.parametrize("framework", sorted(SHIPPED.frameworks))
def test_article_verdict_and_agreement(result: Crosswalk, framework: str) -> None:
    row = next(r for r in result.rows if r.framework == framework)
    verdict = SHIPPED.frameworks[framework].article_verdict
    if verdict is None:
        assert row.article_verdict is None and row.agrees is None
    else:
        assert row.article_verdict is not None
        assert (row.article_verdict.maturity_level, row.article_verdict.potential_level, row.article_verdict.text) == (
            verdict.maturity_level, verdict.potential_level, verdict.text)
        assert row.agrees is (row.computed_maturity_level == verdict.maturity_level)


@pytest.mark.parametrize("framework", sorted(SHIPPED.frameworks))
def test_a_differing_computed_level_is_explained(result: Crosswalk, framework: str) -> None:
    row = next(r for r in result.rows if r.framework == framework)
    if row.agrees is not True:
        note = SHIPPED.frameworks[framework].crosswalk_note
        assert note and len(note.split()) >= 15, f"{framework}: computed level differs; the framework file must say why"
        assert row.crosswalk_note == note
        assert "comput" in note.lower(), f"{framework}: the note should explain the computed crosswalk"


def test_article_verdicts_of_the_seed(result: Crosswalk) -> None:
    """The seed article's table is recorded as knowledge: Google, AWS level 2 only; Azure effectively 2 (near miss
    of 3); McKnight potential 3; the small-entities DevOps model 2, potentially 3; Model Ops no verdict."""
    verdicts = {
        r.framework: None if r.article_verdict is None else (r.article_verdict.maturity_level,
                                                             r.article_verdict.potential_level)
        for r in result.rows
    }
    assert verdicts == {
        "aws-orchestrator": (2, None),
        "azure": (2, 3),
        "devops-small-entities": (2, 3),
        "google": (2, None),
        "mcknight": (2, 3),
        "model-ops": None,
    }


def test_satisfied_areas_blocking_areas_and_coverage_are_consistent(result: Crosswalk) -> None:
    for row in result.rows:
        satisfied = {pa.id for pa in row.process_areas_satisfied}
        assert all(pa.status == "satisfied" and pa.capability_level >= 1 for pa in row.process_areas_satisfied)
        assert not satisfied & {pa.id for pa in row.blocking_process_areas}
        if row.computed_maturity_level < 5:
            assert row.blocking_process_areas, f"{row.framework}: nothing blocks the next level"
        for pa in SHIPPED.process_areas:
            goals = {g.id for g in pa.goals}
            assert (pa.id in satisfied) == (goals <= set(row.goals_satisfied))
        for cover in row.coverage:
            needed = level_practices(SHIPPED, cover.level)
            assert cover.required == len(needed)
            assert cover.covered == len(needed & set(row.practices))


def test_all_level_2_practices_as_a_framework_reach_level_2() -> None:
    """Sanity of the method itself on the mini KB: a framework that covers every level-2 practice computes 2."""
    kb = load_knowledge_base(base=MINI_KB)
    rows = {r.framework: r for r in crosswalk(kb).rows}
    # toy calls for versioning, registry (CM, GP2.6) and monitoring (OPP): PP and GP2.1 stay unobserved -> level 1
    assert rows["toy"].computed_maturity_level == 1
    assert [pa.id for pa in rows["toy"].process_areas_satisfied] == ["CM"]
    assert rows["toy"].agrees is False


def test_cli_json_rows() -> None:
    outcome = CliRunner().invoke(app, ["crosswalk", "--format", "json"])
    assert outcome.exit_code == 0, outcome.stderr
    rows = json.loads(outcome.stdout)
    assert [r["framework"] for r in rows] == sorted(SHIPPED.frameworks)
    for r in rows:
        assert {"framework", "computed_maturity_level", "article_verdict"} <= set(r)
        assert r["computed_maturity_level"] == _reference_level(SHIPPED, r["framework"])
    google = next(r for r in rows if r["framework"] == "google")
    assert google["article_verdict"]["maturity_level"] == 2


def test_cli_table_and_determinism() -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["crosswalk"])
    second = runner.invoke(app, ["crosswalk", "--format", "table"])
    assert first.exit_code == 0, first.stderr
    assert first.stdout == second.stdout
    for framework in SHIPPED.frameworks:
        assert framework in first.stdout
    assert "Computed ML" in first.stdout and "Article" in first.stdout and "Agrees" in first.stdout


def test_cli_with_an_overlay_directory_that_does_not_exist(tmp_path) -> None:  # noqa: ANN001
    outcome = CliRunner().invoke(app, ["crosswalk", "--kb", str(tmp_path / "missing")])
    assert outcome.exit_code == 2
    assert "knowledge-base directory not found" in outcome.stderr


_PRACTICE_IDS = sorted(SHIPPED.practices)


def _with_framework(kb: KnowledgeBase, practices: list[str]) -> KnowledgeBase:
    """The knowledge base plus a synthetic one-level framework calling for ``practices``."""
    synthetic = Framework(
        id="synthetic", name="Synthetic", publisher="test", description="test", source="test",
        levels=[FrameworkLevel(level=0, name="none", description="base"),
                FrameworkLevel(level=1, name="all", description="the practices", practices=practices)],
    )
    return dataclasses.replace(kb, frameworks={**kb.frameworks, "synthetic": synthetic})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PRACTICE_IDS), max_size=6, unique=True),
       st.lists(st.sampled_from(_PRACTICE_IDS), max_size=60, unique=True))
def test_crosswalk_of_any_practice_set_is_inferred_and_monotone(left_out: list[str], more_left_out: list[str]) -> None:
    """For any practice set (here: nearly everything, so every maturity level occurs): the crosswalk equals the
    reference evaluator's level, and adding practices to a framework never lowers the level its set reaches (more
    FI can only satisfy more goals)."""
    large_set = sorted(set(_PRACTICE_IDS) - set(left_out))
    small_set = sorted(set(large_set) - set(more_left_out))
    small_kb, large_kb = _with_framework(SHIPPED, small_set), _with_framework(SHIPPED, large_set)
    small = crosswalk_row(small_kb, "synthetic")
    large = crosswalk_row(large_kb, "synthetic")
    assert small.computed_maturity_level == _reference_level(small_kb, "synthetic")
    assert large.computed_maturity_level == _reference_level(large_kb, "synthetic")
    assert small.computed_maturity_level <= large.computed_maturity_level
    assert {pa.id for pa in small.process_areas_satisfied} <= {pa.id for pa in large.process_areas_satisfied}
    assert small.article_verdict is None and small.agrees is None
    assert large.framework_level_reached == 1


def test_table_prints_knowledge_base_text_verbatim(result: Crosswalk) -> None:
    """Names and notes can come from a knowledge-base overlay: Rich markup in them is text, never interpreted."""
    from mlops_maturity.cli.crosswalk_cmd import crosswalk_table

    row = next(r for r in result.rows if r.agrees is not True)
    odd = row.model_copy(update={"framework": "acme [/x]", "crosswalk_note": "see [bold]wiki[/bold] :smile:"})
    text = crosswalk_table(result.model_copy(update={"rows": [odd]}))
    assert "acme [/x]" in text and "see [bold]wiki[/bold] :smile:" in text
