"""Terminal and Markdown rendering of explanations (imported only when an explanation is shown)."""

from __future__ import annotations

import io

from mlops_maturity.cli.common import Format
from mlops_maturity.cli.render import text_console
from mlops_maturity.engine import explain
from mlops_maturity.engine.api import to_json
from mlops_maturity.engine.explain import (
    GAP_HEADINGS,
    STATUS_WORDS,
    AnyExplanation,
    FrameworkExplanation,
    LevelExplanation,
    PracticeExplanation,
    PracticeGap,
    PracticeHold,
    Prerequisite,
    RuleStep,
)
from rich.console import Console
from rich.table import Table
from rich.tree import Tree


def render(e: AnyExplanation, format: Format) -> str:
    """An explanation in the requested format."""
    if format is Format.json:
        return to_json(e)
    if format is Format.markdown:
        return explain.to_markdown(e)
    return text(e)


# --- terminal rendering -------------------------------------------------------------------------------------


def _console() -> tuple[Console, io.StringIO]:
    return text_console(120)


def _prereqs(node: Tree, items: list[Prerequisite]) -> None:
    for q in items:
        _prereqs(node.add(f"waits for {q.name} ({q.id}): {q.characterization}"), q.prerequisites)


def _gaps(node: Tree, practices: list[PracticeGap]) -> None:
    for gap in ("not_implemented", "no_evidence", "not_applicable"):
        group = [p for p in practices if p.gap == gap]
        if group:
            sub = node.add(GAP_HEADINGS[gap])
            for p in group:
                _gap(sub, p)


def _gap(node: Tree, p: PracticeGap) -> None:
    sub = node.add(f"{p.name} ({p.id}): {p.characterization}{' (assumed)' if p.assumed else ''}")
    for item in p.evidence:
        sub.add(f"evidence: {item}")
    if p.note:
        sub.add(f"note: {p.note}")
    if p.observed_on:
        sub.add(f"observed on {p.observed_on.isoformat()}")
    _prereqs(sub, p.prerequisites)


def _hold(node: Tree, p: PracticeHold) -> None:
    sub = node.add(f"{p.name} ({p.id}): {p.characterization}{' (assumed)' if p.assumed else ''}")
    for item in p.evidence:
        sub.add(f"evidence: {item}")
    if p.note:
        sub.add(f"note: {p.note}")
    if p.reason:
        sub.add(f"not applicable because: {p.reason}")


def _step(step: RuleStep) -> str:
    return f"[{step.fact} by rule {step.rule}: {step.meaning}]"


def _head(console: Console, title: str, e: LevelExplanation | PracticeExplanation | FrameworkExplanation) -> None:
    console.print(title)
    console.print(f"{e.organization}, assessed on {e.assessed_on.isoformat()}; maturity level reached: "
                  f"{e.maturity_level} ({e.maturity_level_name}).")
    if e.assumptions:
        console.print("Assuming: " + ", ".join(f"{x.practice}={x.status}" for x in e.assumptions))
    console.print()
    for line in e.summary:
        console.print(f"- {line}")
    console.print()


def _adoption_table(console: Console, e: LevelExplanation | FrameworkExplanation) -> None:
    if not e.adoption:
        return
    table = Table(title=f"Smallest set of practices that reaches level {e.level}", title_justify="left")
    for column in ("Practice", "Now", "Needed for", "Ready"):
        table.add_column(column)
    for x in e.adoption:
        table.add_row(f"{x.name} ({x.id})", x.characterization, ", ".join(x.fixes), "yes" if x.ready else "no")
    console.print(table)
    confirmed = "confirmed" if e.verified else "NOT confirmed"
    console.print(f"Re-running the engine with these assumed fully implemented: level {e.level} {confirmed}.")
    if e.prerequisites_first:
        console.print("Prerequisites to put in place first: " + ", ".join(e.prerequisites_first))


def _level_text(console: Console, e: LevelExplanation) -> None:
    verb = "is reached" if e.reached else "is not reached"
    _head(console, f"{'How' if e.reached else 'Why'} level {e.level} ({e.level_name}) {verb}", e)
    if e.how is not None:
        tree = Tree(" <- ".join(_step(s) for s in e.how.chain))
        for area in e.how.process_areas:
            cl = "n/a" if area.capability_level is None else f"capability level {area.capability_level}"
            node = tree.add(f"{area.id} {area.name} (level {area.maturity_level}): {STATUS_WORDS[area.status]}, "
                            f"{cl} {_step(area.step)}")
            for goal in area.goals:
                sub = node.add(f"{goal.id} {goal.name}: {STATUS_WORDS[goal.status]} {_step(goal.step)}")
                for p in goal.practices:
                    _hold(sub, p)
        for goal in e.how.generic_goals:
            sub = tree.add(f"{goal.id} {goal.name} (organization-wide): {STATUS_WORDS[goal.status]} "
                           f"{_step(goal.step)}")
            for p in goal.practices:
                _hold(sub, p)
        console.print(tree)
        return
    if e.process_areas:
        tree = Tree("Process areas not satisfied")
        for area in e.process_areas:
            node = tree.add(f"{area.id} {area.name} (level {area.maturity_level}): {STATUS_WORDS[area.status]}")
            for goal in area.goals:
                sub = node.add(f"{goal.id} {goal.name}: {STATUS_WORDS[goal.status]} ({goal.meaning})")
                _gaps(sub, goal.practices)
        console.print(tree)
    if e.generic_goals:
        tree = Tree("Generic goals not satisfied (organization-wide)")
        for gg in e.generic_goals:
            held = f"; holds back {', '.join(gg.held_back)}" if gg.held_back else ""
            node = tree.add(f"{gg.id} {gg.name}: {STATUS_WORDS[gg.status]} (needed for capability level "
                            f"{gg.capability_level}{held})")
            _gaps(node, gg.practices)
        console.print(tree)
    _adoption_table(console, e)


def _practice_text(console: Console, e: PracticeExplanation) -> None:
    _head(console, f"{e.name} ({e.id}): {e.characterization}", e)
    tree = Tree(f"{e.name} ({e.id})")
    if e.evidence or e.note or e.observed_on or e.reason:
        recorded = tree.add("Recorded by the assessor")
        for item in e.evidence:
            recorded.add(f"Evidence: {item}")
        if e.note:
            recorded.add(f"Note: {e.note}")
        if e.reason:
            recorded.add(f"Not applicable because: {e.reason}")
        if e.observed_on:
            recorded.add(f"Observed on {e.observed_on.isoformat()}")
    goals = tree.add("Gives evidence for")
    for g in e.evidences:
        area = f"{g.process_area} {g.process_area_name}" if g.process_area else "generic goal"
        goals.add(f"{g.id} {g.name} ({area}, level {g.maturity_level}): {STATUS_WORDS[g.status]}"
                  f"{', held back by this practice' if g.holds_back else ''}")
    if e.frameworks:
        models = tree.add("Called for by")
        for f in e.frameworks:
            models.add(f"{f.framework_name} level {f.level} ({f.level_name}): "
                       f"{'reached' if f.reached else 'met' if f.met else 'not met'}")
    requires = tree.add("Prerequisites" if e.requires else "Prerequisites: none")
    for q in e.requires:
        requires.add(f"{q.name} ({q.id}): {q.characterization}")
    if e.waits_for:
        _prereqs(tree.add("Waits for"), e.waits_for)
    required = tree.add("Required by" if e.required_by else "Required by: no other practice")
    for q in e.required_by:
        required.add(f"{q.name} ({q.id}): {q.characterization}")
    console.print(tree)
    if e.roadmap is not None:
        console.print()
        console.print(f"On the roadmap toward {e.roadmap.target}:")
        for reason in e.roadmap.reasons:
            console.print(f"- {reason}")


def _framework_text(console: Console, e: FrameworkExplanation) -> None:
    verb = "is reached" if e.reached else "is not reached"
    _head(console, f"{'How' if e.reached else 'Why'} {e.framework_name} level {e.level} ({e.level_name}) {verb}", e)
    tree = Tree(" <- ".join(_step(s) for s in e.chain))
    for lv in e.levels:
        state = "reached" if lv.reached else "met, but a lower level is not" if lv.met else "not met"
        node = tree.add(f"Level {lv.level} {lv.name}: {state}")
        _gaps(node, lv.missing)
        for h in lv.practices:
            _hold(node, h)
    console.print(tree)
    _adoption_table(console, e)


def text(e: AnyExplanation) -> str:
    """An explanation as terminal trees and tables."""
    console, buffer = _console()
    if isinstance(e, LevelExplanation):
        _level_text(console, e)
    elif isinstance(e, PracticeExplanation):
        _practice_text(console, e)
    else:
        _framework_text(console, e)
    return buffer.getvalue()
