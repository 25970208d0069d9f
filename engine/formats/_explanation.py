"""Terminal and Markdown rendering of explanations (imported only when an explanation is shown)."""

from __future__ import annotations

from mlops_maturity.engine.explain import (
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
from mlops_maturity.engine.formats._terminal import id_column, width_of
from mlops_maturity.engine.words import GAP_HEADINGS, effort, plain_number, plural
from mlops_maturity.engine.words import PRACTICE_CLASS_LONG as CLASS_WORDS
from mlops_maturity.engine.words import RATING as STATUS_WORDS
from rich.console import Console
from rich.table import Table
from rich.tree import Tree

# --- terminal rendering -------------------------------------------------------------------------------------


_TRACE = {"on": False}
"""Whether the render in progress shows rule ids (set by :func:`text` for one render)."""


def _step(step: RuleStep | None) -> str:
    if step is None or not _TRACE["on"]:
        return ""
    return f" [{step.fact} by rule {step.rule}: {step.meaning}]"


def _prereqs(node: Tree, items: list[Prerequisite]) -> None:
    for q in items:
        _prereqs(node.add(f"waits for {q.name} ({q.id}): {q.characterization}"), q.prerequisites)


def _practice(node: Tree, p: PracticeGap | PracticeHold) -> Tree:
    """A practice's node, with the evidence and note the fact file gives (gaps and holds alike)."""
    sub = node.add(f"{p.name} ({p.id}): {p.characterization}{' (assumed)' if p.assumed else ''}")
    for item in p.evidence:
        sub.add(f"evidence: {item}")
    if p.note:
        sub.add(f"note: {p.note}")
    return sub


def _gap(node: Tree, p: PracticeGap) -> None:
    sub = _practice(node, p)
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
    rule = f"rule {goal.rule}: " if _TRACE["on"] else ""
    sub = node.add(f"{goal.id} {goal.name}: {STATUS_WORDS[goal.status]} ({rule}{goal.meaning})")
    if goal.failed:
        sub.add(f"failed: {', '.join(goal.failed)}")
    if goal.unknown:
        sub.add(f"not determined (assess): {', '.join(goal.unknown)}")
    for mp in goal.practices:
        _model_practice(sub, mp)


def _hold(node: Tree, p: PracticeHold) -> None:
    sub = _practice(node, p)
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


def _head(console: Console, e: LevelExplanation | PracticeExplanation | FrameworkExplanation) -> None:
    console.print(e.title)
    console.print(e.standing)
    if e.assumptions:
        console.print("Assuming: " + ", ".join(f"{x.practice}={x.status}" for x in e.assumptions))
    console.print()
    for line in e.summary:
        console.print(f"- {line}")
    console.print()


NEAREST_SHOWN = 5
"""Nearest process areas shown without ``details``."""


def _nearest(console: Console, e: LevelExplanation | FrameworkExplanation, options: RenderOptions) -> None:
    areas = e.nearest_areas if options.details else e.nearest_areas[:NEAREST_SHOWN]
    for title, header, rows in (("Nearest goals: process areas, closest to the capability level needed first",
                                 "Area", areas),
                                ("Nearest goals: the next level of each framework, closest first", "Level",
                                 e.nearest_framework_levels)):
        if not rows:
            continue
        table = Table(title=title, title_justify="left", show_lines=True)
        id_column(table, header, [c.id for c in rows])
        table.add_column("Missing", justify="right", no_wrap=True)
        table.add_column("Still needs", min_width=min(40, 2 + max(len(p) for c in rows for p in [*c.adopt, c.id])),
                         ratio=1)
        table.add_column("Effort", justify="right", no_wrap=True)
        for c in rows:
            name = f"{c.name}: " if c.kind == "process_area" else ""
            table.add_row(c.id, str(len(c.missing)), name + c.needs, plain_number(c.cost))
        console.print(table)
        if rows is areas and len(e.nearest_areas) > len(areas):
            console.print(f"... and {plural(len(e.nearest_areas) - len(areas), 'more process area')}"
                          + (f" ({options.extra['details_hint']})" if options.extra.get("details_hint") else "")
                          + ".")
    if e.furthest:
        console.print()
        console.print("What moves us furthest (most made to hold per person-week, checked by re-running the engine):")
        for i, x in enumerate(e.furthest, 1):
            prereqs = f" with {', '.join(x.with_prerequisites)}" if x.with_prerequisites else ""
            console.print(f"{i}. {x.name} ({x.id}), {effort(x.cost)}{prereqs}: makes hold {x.unlocks}.")
    console.print()


BRIEF_ROWS = 20
"""The collapsed view lists at most this many practices of an adoption set."""
BRIEF_AREAS = 5
"""The collapsed view shows the trees of at most this many process areas (the nearest goals name them all)."""


def _adoption_table(console: Console, e: LevelExplanation | FrameworkExplanation,
                    options: RenderOptions | None = None) -> None:
    for o in e.obstacles:
        console.print(f"Cannot be changed by adopting practices: {o.id}: {o.reason}")
    if not e.adoption:
        return
    title = "Smallest set of practices" if e.minimal else "A set of practices"
    table = Table(title=f"{title} that reaches level {e.level}", title_justify="left")
    id_column(table, "Practice", [x.id for x in e.adoption])
    table.add_column("Name (now)", ratio=3)
    table.add_column("Needed for", ratio=2,
                     min_width=max(len(f) for x in e.adoption for f in [*x.fixes, *x.prerequisite_of, "-"]) + 1)
    table.add_column("Effort", justify="right", no_wrap=True)
    table.add_column("Ready", no_wrap=True)
    shown = e.adoption if options is None or options.details else e.adoption[:BRIEF_ROWS]
    for x in shown:
        needed = ", ".join(x.fixes) or "prerequisite of " + ", ".join(x.prerequisite_of)
        table.add_row(x.id, f"{x.name} ({x.characterization})", needed, plain_number(x.effort),
                      "yes" if x.ready else "no")
    console.print(table)
    if len(shown) < len(e.adoption):
        hint = options.extra.get("details_hint") if options is not None else None
        console.print(f"... and {len(e.adoption) - len(shown)} more practices in the set"
                      + (f" ({hint})" if hint else "") + ".")
    confirmed = "confirmed" if e.verified else "NOT confirmed"
    console.print(f"Re-running the engine with these assumed fully implemented: level {e.level} {confirmed}"
                  + ("; every practice in the set is needed." if e.minimal else "."))
    if e.prerequisites_first:
        console.print("Prerequisites to put in place first: " + ", ".join(e.prerequisites_first))


def _brief_model_practice(node: Tree, mp: ModelPracticeGap) -> None:
    """A CMMI practice in the collapsed tree: its class and the cheapest way (or why adopting cannot help)."""
    head = f"{mp.id} {mp.name}: {CLASS_WORDS[mp.status]}{_step(mp.step)}"
    best = next((x for x in mp.alternatives if x.cheapest), None)
    if mp.direct is not None:
        head += f"; characterized directly {mp.direct.status}, adopting practices does not change it"
    elif best is None:
        head += "; no alternative can be adopted"
    else:
        ways = "" if len(mp.alternatives) == 1 else f" (cheapest of {len(mp.alternatives)} ways)"
        extra = f", after {', '.join(best.prerequisites)}" if best.prerequisites else ""
        head += f"; adopt {', '.join(p.id for p in best.lacks)}{extra}{ways}"
    node.add(head)


def _level_text(console: Console, e: LevelExplanation, options: RenderOptions) -> None:
    _head(console, e)
    if e.how is not None:
        chain = " <- ".join(f"[{s.fact} by rule {s.rule}: {s.meaning}]" for s in e.how.chain) if options.trace else ""
        tree = Tree(chain or f"Process areas of level {e.level}")
        for area in e.how.process_areas:
            cl = "n/a" if area.capability_level is None else f"capability level {area.capability_level}"
            node = tree.add(f"{area.id} {area.name} (level {area.maturity_level}): {STATUS_WORDS[area.status]}, "
                            f"{cl}{_step(area.step)}")
            for goal in [*area.goals, *area.generic_goals]:
                if options.details or options.trace:
                    _hold_goal(node, goal)
                else:
                    node.add(f"{goal.id} {goal.name}: {STATUS_WORDS[goal.status]} "
                             f"({plural(len(goal.practices), 'CMMI practice')})")
        if e.how.out_of_scope:
            tree.add(f"out of scope: {', '.join(e.how.out_of_scope)}")
        console.print(tree)
        _more(console, options)
        return
    _nearest(console, e, options)
    _adoption_table(console, e, options)
    if e.process_areas:
        tree = Tree("Process areas below the capability level needed")
        areas = e.process_areas if options.details else e.process_areas[:BRIEF_AREAS]
        for gap in areas:
            cl = "no capability level" if gap.capability_level is None else \
                f"capability level {gap.capability_level}"
            node = tree.add(f"{gap.id} {gap.name} (level {gap.maturity_level}): {STATUS_WORDS[gap.status]}, "
                            f"{cl}, needs {gap.required_capability}")
            for goal_gap in [*gap.goals, *gap.generic_goals]:
                if options.details:
                    _goal(node, goal_gap)
                    continue
                sub = node.add(f"{goal_gap.id} {goal_gap.name}: {STATUS_WORDS[goal_gap.status]}")
                for mp in goal_gap.practices:
                    _brief_model_practice(sub, mp)
        console.print()
        console.print(tree)
        if len(areas) < len(e.process_areas):
            console.print(f"... and {len(e.process_areas) - len(areas)} more process areas: "
                          + ", ".join(a.id for a in e.process_areas[len(areas):]) + ".")
    if e.generic_goals:
        tree = Tree("Organization-level generic goals not satisfied (inherited by every area)")
        for gg in e.generic_goals:
            tree.add(f"{gg.id} {gg.name}: {STATUS_WORDS[gg.status]}"
                     + (f"; failed: {', '.join(gg.failed)}" if gg.failed else "")
                     + (f"; not determined: {', '.join(gg.unknown)}" if gg.unknown else ""))
        console.print(tree)
    if e.out_of_scope:
        console.print(f"Out of scope: {', '.join(e.out_of_scope)}")
    _more(console, options)


def _more(console: Console, options: RenderOptions) -> None:
    """How to see more, in the caller's words (``options.extra['details_hint']``), when the view is collapsed."""
    hint = options.extra.get("details_hint")
    if hint and not options.details:
        console.print(f"Collapsed tree: {hint}.")


def _practice_text(console: Console, e: PracticeExplanation, options: RenderOptions) -> None:
    _head(console, e)
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


def _framework_text(console: Console, e: FrameworkExplanation, options: RenderOptions) -> None:
    _head(console, e)
    if not e.reached:
        _nearest(console, e, options)
        _adoption_table(console, e, options)
    chain = " <- ".join(f"[{s.fact} by rule {s.rule}: {s.meaning}]" for s in e.chain) if options.trace else ""
    tree = Tree(chain or f"Levels of {e.framework_name}")
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
    console.print()
    console.print(tree)


def text(e: AnyExplanation, options: RenderOptions | None = None) -> str:
    """An explanation as terminal trees and tables."""
    options = width_of(options, 120)
    console, buffer = make_console(options)
    _TRACE["on"] = options.trace
    try:
        if isinstance(e, LevelExplanation):
            _level_text(console, e, options)
        elif isinstance(e, PracticeExplanation):
            _practice_text(console, e, options)
        else:
            _framework_text(console, e, options)
    finally:
        _TRACE["on"] = False
    return buffer.getvalue()
