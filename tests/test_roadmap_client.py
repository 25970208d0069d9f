"""A roadmap a client can act on (issue 11, point 4), on the shipped knowledge base and examples: effort by
scope, size and status; the range when practices are to be assessed; default capacity; quick wins; the assessor's
note; findings by title and what avoids them; CSV for a work tracker; --brief."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from mlops_maturity.cli.app import app
from mlops_maturity.engine import words
from mlops_maturity.engine.facts import FactFile, load_fact_file
from mlops_maturity.engine.formats import RenderOptions, render
from mlops_maturity.engine.kb import KnowledgeBase
from mlops_maturity.engine.roadmap import (
    CAPACITY_PER_TEAM,
    FURTHER_MODEL_FACTOR,
    FURTHER_TEAM_FACTOR,
    PARTIAL_FACTOR,
    QUICK_WIN_VALUE_PER_EFFORT,
    Roadmap,
    plan_roadmap,
)
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def roadmap_of(kb: KnowledgeBase, name: str, **options: object) -> Roadmap:
    return plan_roadmap(kb, load_fact_file(ROOT / "examples" / f"{name}.yaml", kb), **options)  # type: ignore[arg-type]


def text(r: Roadmap, fmt: str = "table", **views: object) -> str:
    views.setdefault("width", 100)
    return str(render(fmt, r, RenderOptions(**views)))  # type: ignore[arg-type]


def flat(r: Roadmap, fmt: str = "table", **views: object) -> str:
    """The rendering with line breaks and indentation as single spaces: phrases that wrap still match."""
    return " ".join(text(r, fmt, **views).split())


def test_every_shipped_practice_declares_its_effort_scope(kb: KnowledgeBase) -> None:
    undeclared = sorted(p.id for p in kb.practices.values() if p.effort.scope is None)
    assert undeclared == []
    scopes = {p.id: p.effort.scope for p in kb.practices.values()}
    # A policy is organization-wide, a pipeline is per team, a model card per model.
    assert scopes["gen.ml-lifecycle-policy"] == "organization"
    assert scopes["ml.pipeline-orchestration"] == "team"
    assert scopes["eng.model-documentation"] == "model"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_item_effort_is_the_figure_scaled_by_size_and_status(kb: KnowledgeBase, path: Path) -> None:
    facts = load_fact_file(path, kb)
    r = plan_roadmap(kb, facts, plan_unobserved=True)
    teams, models = facts.context.get("ml_team_count"), facts.context.get("production_model_count")
    for i in r.items:
        b = i.effort_basis
        figure = kb.practices[i.practice].effort
        assert b.base.min == figure.min and b.base.max == figure.max and b.scope == figure.scope
        expected_units = {"organization": 1, "team": teams or 1, "model": models or 1}[b.scope or "organization"]
        further = {"organization": 0, "team": FURTHER_TEAM_FACTOR, "model": FURTHER_MODEL_FACTOR}[b.scope or "organization"]
        assert b.units == expected_units
        assert b.size_factor == pytest.approx(1 + further * (expected_units - 1))
        assert b.status_factor == (PARTIAL_FACTOR if i.status == "PI" else 1)
        factor = b.size_factor * b.status_factor
        assert i.effort.min == pytest.approx(figure.min * factor)
        assert i.effort.max == pytest.approx(figure.max * factor)
    assert r.estimate.effort.mid == pytest.approx(sum(i.effort.mid for i in r.items))


def test_a_pi_practice_costs_half_an_ni_one(kb: KnowledgeBase) -> None:
    facts = load_fact_file(ROOT / "examples" / "notebook-startup.yaml", kb)
    assert facts.practices["ml.source-control"].status.value == "PI"  # type: ignore[union-attr]
    as_is = plan_roadmap(kb, facts)
    ni = plan_roadmap(kb, facts, assumptions={"ml.source-control": "NI"})
    assert as_is.item("ml.source-control").effort.mid * 2 == pytest.approx(ni.item("ml.source-control").effort.mid)
    assert "partially in place (PI)" in flat(as_is)


def test_team_and_model_counts_scale_the_effort(kb: KnowledgeBase) -> None:
    facts = load_fact_file(ROOT / "examples" / "notebook-startup.yaml", kb)
    one = plan_roadmap(kb, facts, target=("google", 2), plan_unobserved=True)
    data = facts.model_dump()
    data["context"] = {**data["context"], "ml_team_count": 5, "production_model_count": 9}
    five = plan_roadmap(kb, FactFile.model_validate(data), target=("google", 2), plan_unobserved=True)
    team_item = next(i for i in one.items if i.effort_basis.scope == "team")
    assert five.item(team_item.practice).effort.mid == pytest.approx(team_item.effort.mid * (1 + 4 * FURTHER_TEAM_FACTOR))
    model_item = next(i for i in five.items if i.effort_basis.scope == "model")
    assert model_item.effort_basis.units == 9
    assert "for 9 production models (the first in full, each further model at a quarter)" in flat(five)
    assert five.estimate.calendar is not None and five.estimate.calendar.capacity == 5 * CAPACITY_PER_TEAM


def test_a_missing_count_is_named(kb: KnowledgeBase) -> None:
    facts = load_fact_file(ROOT / "examples" / "notebook-startup.yaml", kb)
    data = facts.model_dump()
    data["context"] = {}
    r = plan_roadmap(kb, FactFile.model_validate(data))
    out = flat(r)
    assert "for 1 ML team (ml_team_count not set in the fact file's context: set it to scale this)" in out
    assert "the default for 1 ML team (ml_team_count not set in the fact file's context)" in out


def test_an_all_ny_fact_file_shows_the_range_not_zero(kb: KnowledgeBase) -> None:
    facts = FactFile.model_validate({"organization": "All NY", "assessed_on": "2026-01-01",
                                     "practices": {p: "NY" for p in kb.practices}, "context": {"ml_team_count": 2}})
    r = plan_roadmap(kb, facts)
    assert r.items == [] and len(r.assess_first) > 10
    e = r.estimate
    assert e.effort.mid == 0 and e.effort_if_missing.mid > 20
    assert e.calendar is not None and e.calendar.quarters_if_missing > e.calendar.quarters
    out = flat(r)
    assert f"if the {len(r.assess_first)} practices to assess are found in place, to about " \
           f"{words.rounded(e.effort_if_missing.mid)} person-weeks" in out


def test_assess_first_upper_bound_counts_their_missing_prerequisites(kb: KnowledgeBase) -> None:
    r = roadmap_of(kb, "notebook-startup", target=("google", 2))
    planned = sum(i.effort.mid for i in r.items)
    assessed = sum(a.effort.mid for a in r.assess_first)
    assert r.estimate.effort_if_missing.mid >= planned + assessed - 1e-6
    assert r.estimate.assess_first_effort.mid == pytest.approx(assessed)


def test_default_capacity_and_the_calendar_beside_the_medians(kb: KnowledgeBase) -> None:
    r = roadmap_of(kb, "aws-centric-team")  # 2 ML teams
    c = r.estimate.calendar
    assert c is not None and c.source == "default" and c.capacity == 2 * CAPACITY_PER_TEAM and c.teams_known
    assert r.estimate.capacity is None and r.estimate.months is None  # the given capacity stays as it was
    out = flat(r)
    assert f"at {words.plain_number(c.capacity)} person-weeks per quarter, the default for 2 ML teams" in out
    assert "set --capacity" not in out  # the engine never names a flag: the CLI gives the hint
    assert "set --capacity to change it" in flat(r, extra={"capacity_hint": "set --capacity to change it"})
    assert "Historical median time organizations needed: 5 months" in out
    assert "Why they differ: The historical medians are the elapsed time" in out
    given = roadmap_of(kb, "aws-centric-team", capacity=3.0)
    assert given.estimate.calendar is not None and given.estimate.calendar.source == "given"
    assert given.estimate.calendar.quarters == given.estimate.quarters


def test_waves_put_the_best_value_per_effort_first_and_mark_quick_wins(kb: KnowledgeBase) -> None:
    r = roadmap_of(kb, "small-devops-shop")
    for w in r.waves:
        ratios = [r.item(p).value_per_effort or float("inf") for p in w.practices]
        assert ratios == sorted(ratios, reverse=True)
    for i in r.items:
        assert i.quick_win == ((i.value_per_effort or float("inf")) >= QUICK_WIN_VALUE_PER_EFFORT)
    assert any(i.quick_win for i in r.items) and not all(i.quick_win for i in r.items)
    marked = [line for line in text(r).splitlines() if line.endswith("[quick win]")]
    assert len(marked) == sum(i.quick_win for i in r.items)


def test_plain_reason_first_then_goal_codes_and_the_note(kb: KnowledgeBase) -> None:
    r = roadmap_of(kb, "notebook-startup")
    item = r.item("ml.source-control")
    assert item.why.startswith("Toward CMMI maturity level 2 (Managed), needed for 'Establish a Configuration "
                               "Management System' in Configuration Management")
    assert item.note and item.note.startswith("Training lives in Jupyter notebooks")
    lines = text(r, width=200).splitlines()
    at = next(n for n, line in enumerate(lines) if "Source control for all ML code" in line)
    block = lines[at:at + 12]
    why = next(n for n, line in enumerate(block) if line.strip().startswith("Why:"))
    codes = next(n for n, line in enumerate(block) if line.strip().startswith("Goal codes: serves CM.SP1.2"))
    assert why < codes
    assert any(line.strip().startswith("Assessor's note: Training lives in Jupyter") for line in block)
    assert "Assessor's note: Training lives in Jupyter" in text(r, "markdown")


def test_brief_hides_guidance_and_evidence(kb: KnowledgeBase) -> None:
    r = roadmap_of(kb, "notebook-startup")
    full, brief = text(r), text(r, brief=True)
    assert "Guidance: " in full and "Done when there is:" in full
    assert "Guidance: " not in brief and "Done when there is:" not in brief and "Look for:" not in brief
    assert "Guidance: " not in text(r, "markdown", brief=True) and "Guidance: " in text(r, "markdown")


def test_findings_by_title_and_what_avoids_a_raised_one(kb: KnowledgeBase) -> None:
    r = roadmap_of(kb, "notebook-startup", target=("google", 2))
    raised = {f.finding: f for f in r.raised_findings}
    tools = raised["tools-without-process-google"]
    assert tools.severity == "high" and tools.wave >= 2
    rule = next(x for x in kb.insights if x.id == "tools-without-process-google")
    assert tools.name == rule.name and set(tools.avoided_by) <= set(rule.practices) and tools.avoided_by
    out = text(r)
    assert f"Wave {tools.wave} raises the finding '{rule.name}' (high); adopting" in " ".join(out.split())
    assert "-tools-without-process" not in out and "+tools-without-process" not in out
    md = text(r, "markdown")
    assert f"Wave {tools.wave} raises **{rule.name}** (high)" in md


def test_csv_for_a_work_tracker_parses_as_a_spreadsheet_reads_it(kb: KnowledgeBase) -> None:
    r = roadmap_of(kb, "notebook-startup")
    raw = str(render("csv", r))
    assert raw.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(raw, newline="")))
    assert len(rows) == len(r.items) + len(r.assess_first)
    first = rows[0]
    item = r.items[0]
    assert first["id"] == item.practice and first["wave"] == "1" and first["quick win"] in ("yes", "no")
    assert float(first["effort expected (pw)"]) == pytest.approx(item.effort.mid)
    assert first["effort scope"] == item.effort_basis.scope and first["reason"] == item.why
    noted = next(row for row in rows if row["id"] == "ml.source-control")
    assert noted["note"] == r.item("ml.source-control").note and "," in noted["evidence of done"]
    assert {row["wave"] for row in rows[len(r.items):]} == {"assess first"}


def test_csv_quotes_commas_quotes_and_line_breaks(kb: KnowledgeBase, tmp_path: Path) -> None:
    facts = load_fact_file(ROOT / "examples" / "notebook-startup.yaml", kb)
    data = facts.model_dump()
    data["practices"]["ml.source-control"]["note"] = 'a "quoted", multi\nline note'
    r = plan_roadmap(kb, FactFile.model_validate(data))
    rows = list(csv.DictReader(io.StringIO(str(render("csv", r)), newline="")))
    assert next(row for row in rows if row["id"] == "ml.source-control")["note"] == 'a "quoted", multi\nline note'


def test_cli_offers_csv_and_brief(runner: CliRunner) -> None:
    result = runner.invoke(app, ["roadmap", str(ROOT / "examples" / "notebook-startup.yaml"), "-f", "csv"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("wave,rank,id,name,status now,effort scope")
    brief = runner.invoke(app, ["roadmap", str(ROOT / "examples" / "notebook-startup.yaml"), "--brief"])
    assert brief.exit_code == 0 and "Guidance:" not in brief.stdout and "Why:" in brief.stdout


def test_goal_codes_group_what_is_inherited_from_the_organization(kb: KnowledgeBase) -> None:
    r = roadmap_of(kb, "regulated-bank")
    item = r.item("gen.lessons-learned-collection")
    inherited = [x for x in item.reasons if x.kind == "cmmi_practice" and x.alternative
                 and not x.alternative.startswith(x.of + "#")]
    assert len(inherited) > 3  # the organization-level GP3.2 serves many areas' GP3.2
    codes = words.goal_codes(item.reasons)
    assert f"inherited by {len(inherited)} process areas (" in codes
    assert codes.count("GP3.2 (alternative") == 1 + sum(1 for x in item.reasons if x.kind == "cmmi_practice"
                                                         and x.of.endswith(".GP3.2") and x not in inherited)
