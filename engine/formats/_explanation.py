"""Terminal and Markdown rendering of explanations (imported only when an explanation is shown)."""

from __future__ import annotations

from mlops_maturity.engine.explain import (
    CLASS_WORDS,
    GAP_HEADINGS,
    STATUS_WORDS,
    AlternativeGap,
    AnyExplanation,
    FrameworkExplanation,
    GoalGap,
    GoalHold,
    LevelExplanation,
    ModelPracticeGap,
    PracticeExplanation,
    PracticeGap,
    PracticeHold,
    Prerequisite,
    RuleStep,
)
from mlops_maturity.engine.formats import RenderOptions
from mlops_maturity.engine.formats._terminal import console as make_console
from mlops_maturity.engine.formats._terminal import width_of
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

# --- terminal rendering -------------------------------------------------------------------------------------


def _step(step: RuleStep | None) -> str:
    return f" [{step.fact} by rule {step.rule}: {step.meaning}]" if step is not None else ""


def _prereqs(node: Tree, items: list[Prerequisite]) -> None:
    for q in items:
        _prereqs(node.add(f"waits for {q.name} ({q.id}): {q.characterization}"), q.prerequisites)


def _gap(node: Tree, p: PracticeGap) -> None:
    sub = node.add(f"{p.name} ({p.id}): {p.characterization}{' (assumed)' if p.assumed else ''}")
    for item in p.evidence:
        sub.add(f"evidence: {item}")
    if p.note:
        sub.add(f"note: {p.note}")
    if p.observed_on:
        sub.add(f"observed on {p.observed_on.isoformat()}")
    _prereqs(sub, p.prerequisites)


def _gaps(node: Tree, practices: list[PracticeGap]) -> None:
    for gap in ("not_implemented", "no_evidence", "not_applicable"):
        group = [p for p in practices if p.gap == gap]
        if group:
            sub = node.add(GAP_HEADINGS[gap])
            for p in group:
                _gap(sub, p)


def _alternative(node: Tree, x: AlternativeGap) -> None:
    head = f"{x.label}: {CLASS_WORDS[x.status]} ({', '.join(x.practices)})"
    if x.lacks:
        head += f"; lacks {len(x.lacks)}, cost {x.cost:g} person-weeks{', cheapest' if x.cheapest else ''}"
        if x.prerequisites:
            head += f" with prerequisites {', '.join(x.prerequisites)}"
    _gaps(node.add(head), x.lacks)


def _model_practice(node: Tree, mp: ModelPracticeGap) -> None:
    sub = node.add(f"{mp.id} {mp.name}: {CLASS_WORDS[mp.status]}{_step(mp.step)}")
    if mp.direct is not None:
        sub.add(f"characterized directly: {mp.direct.status} ({mp.direct.rationale}); adopting practices does not "
                "change it")
    if mp.inherits:
        sub.add(f"inherits {mp.inherits}: {CLASS_WORDS.get(mp.inherited_status or '', mp.inherited_status)}"
                + (f", characterized directly {mp.inherited_direct.status}" if mp.inherited_direct else ""))
    if not mp.alternatives:
        sub.add("no alternative of our practices implements it")
    for x in mp.alternatives:
        _alternative(sub, x)


def _goal(node: Tree, goal: GoalGap) -> None:
    sub = node.add(f"{goal.id} {goal.name}: {STATUS_WORDS[goal.status]} ({goal.meaning})")
    if goal.failed:
        sub.add(f"failed: {', '.join(goal.failed)}")
    if goal.unknown:
        sub.add(f"not determined (assess): {', '.join(goal.unknown)}")
    for mp in goal.practices:
        _model_practice(sub, mp)


def _hold(node: Tree, p: PracticeHold) -> None:
    sub = node.add(f"{p.name} ({p.id}): {p.characterization}{' (assumed)' if p.assumed else ''}")
    for item in p.evidence:
        sub.add(f"evidence: {item}")
    if p.note:
        sub.add(f"note: {p.note}")
    if p.reason:
        sub.add(f"not applicable because: {p.reason}")


def _hold_goal(node: Tree, goal: GoalHold) -> None:
    sub = node.add(f"{goal.id} {goal.name}: {STATUS_WORDS[goal.status]}{_step(goal.step)}")
    for m in goal.practices:
        by = f"inherited from {m.inherited_from}" if m.inherited_from else m.decided_by or "not applicable"
        leaf = sub.add(f"{m.id} {m.name}: {by}{_step(m.step)}")
        if m.direct is not None:
            leaf.add(f"characterized directly: {m.direct.status} ({m.direct.rationale})")
        for p in m.practices:
            _hold(leaf, p)


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
    for o in e.obstacles:
        console.print(f"Cannot be changed by adopting practices: {o.id}: {o.reason}")
    if not e.adoption:
        return
    title = "Smallest set of practices" if e.minimal else "A set of practices"
    table = Table(title=f"{title} that reaches level {e.level}", title_justify="left")
    for column in ("Practice", "Now", "Needed for", "Effort", "Ready"):
        table.add_column(column)
    for x in e.adoption:
        needed = ", ".join(x.fixes) or "prerequisite of " + ", ".join(x.prerequisite_of)
        table.add_row(f"{x.name} ({x.id})", x.characterization, needed, f"{x.effort:g}", "yes" if x.ready else "no")
    console.print(table)
    confirmed = "confirmed" if e.verified else "NOT confirmed"
    console.print(f"Re-running the engine with these assumed fully implemented: level {e.level} {confirmed}"
                  + ("; every practice in the set is needed." if e.minimal else "."))
    if e.prerequisites_first:
        console.print("Prerequisites to put in place first: " + ", ".join(e.prerequisites_first))


def _level_text(console: Console, e: LevelExplanation) -> None:
    verb = "is reached" if e.reached else "is not reached"
    _head(console, f"{'How' if e.reached else 'Why'} level {e.level} ({e.level_name}) {verb}", e)
    if e.how is not None:
        tree = Tree(" <- ".join(f"[{s.fact} by rule {s.rule}: {s.meaning}]" for s in e.how.chain) or
                    f"Level {e.level}")
        for held in e.how.process_areas:
            cl = "n/a" if held.capability_level is None else f"capability level {held.capability_level}"
            node = tree.add(f"{held.id} {held.name} (level {held.maturity_level}): {STATUS_WORDS[held.status]}, "
                            f"{cl}{_step(held.step)}")
            for held_goal in [*held.goals, *held.generic_goals]:
                _hold_goal(node, held_goal)
        if e.how.out_of_scope:
            tree.add(f"out of scope: {', '.join(e.how.out_of_scope)}")
        console.print(tree)
        return
    if e.process_areas:
        tree = Tree("Process areas below the capability level needed")
        for area in e.process_areas:
            cl = "no capability level" if area.capability_level is None else \
                f"capability level {area.capability_level}"
            node = tree.add(f"{area.id} {area.name} (level {area.maturity_level}): {STATUS_WORDS[area.status]}, "
                            f"{cl}, needs {area.required_capability}")
            for goal in [*area.goals, *area.generic_goals]:
                _goal(node, goal)
        console.print(tree)
    if e.generic_goals:
        tree = Tree("Organization-level generic goals not satisfied (inherited by every area)")
        for gg in e.generic_goals:
            tree.add(f"{gg.id} {gg.name}: {STATUS_WORDS[gg.status]}"
                     + (f"; failed: {', '.join(gg.failed)}" if gg.failed else "")
                     + (f"; not determined: {', '.join(gg.unknown)}" if gg.unknown else ""))
        console.print(tree)
    if e.out_of_scope:
        console.print(f"Out of scope: {', '.join(e.out_of_scope)}")
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
    implements = tree.add("Part of alternatives of" if e.implements else "Implements no CMMI practice")
    for x in e.implements:
        implements.add(f"{x.id} {x.name} ({x.goal}, level {x.maturity_level}): {CLASS_WORDS[x.status]}"
                       f"{', held back by this practice' if x.holds_back else ''}")
    if e.frameworks:
        models = tree.add("Named by")
        for f in e.frameworks:
            kind = "required" if f.required else "optional"
            models.add(f"{f.framework_name} level {f.level} ({f.level_name}, {kind}): "
                       f"{'reached' if f.reached else STATUS_WORDS[f.status]}")
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
    tree = Tree(" <- ".join(f"[{s.fact} by rule {s.rule}: {s.meaning}]" for s in e.chain) or e.framework_name)
    for lv in e.levels:
        state = "reached" if lv.reached else STATUS_WORDS[lv.status] + (", but a lower level is not met"
                                                                         if lv.met else "")
        node = tree.add(f"Level {lv.level} {lv.name}: {state}")
        if lv.failed:
            node.add(f"failed (PI or NI): {', '.join(lv.failed)}")
        if lv.undetermined:
            node.add(f"undetermined (not observed or not yet; assess): {', '.join(lv.undetermined)}")
        _gaps(node, [req.practice for req in lv.requirements if req.practice is not None])
        for req in lv.requirements:
            if req.practice is None:
                sub = node.add(f"any one of ({req.id}): {CLASS_WORDS[req.status]}")
                for x in req.alternatives:
                    _alternative(sub, x)
        for h in lv.practices:
            _hold(node, h)
    console.print(tree)
    _adoption_table(console, e)


def text(e: AnyExplanation, options: RenderOptions | None = None) -> str:
    """An explanation as terminal trees and tables."""
    console, buffer = make_console(width_of(options, 120))
    if isinstance(e, LevelExplanation):
        _level_text(console, e)
    elif isinstance(e, PracticeExplanation):
        _practice_text(console, e)
    else:
        _framework_text(console, e)
    return buffer.getvalue()
