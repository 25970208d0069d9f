"""A roadmap for the terminal: plain text wrapped on words to the terminal's width (an id is never split: ids hold
no spaces, and words are never broken at a hyphen). No computation happens here; Markdown is the template
``templates/markdown/roadmap.md.j2``.

Per wave, the items come in plan order (most value per person-week first); each shows its name, the reason in
plain words, then the goal codes, the effort with its scope, the assessor's note and, unless ``options.brief``,
the guidance and the evidence that it is done.
"""

from __future__ import annotations

import textwrap

from mlops_maturity.engine import words
from mlops_maturity.engine.formats import RenderOptions
from mlops_maturity.engine.roadmap import (
    AssessFirstItem,
    EffortRange,
    ItemEffort,
    LevelState,
    Roadmap,
    RoadmapItem,
    Wave,
)

DEFAULT_WIDTH = 100
"""Columns when the output is not a terminal."""

FURTHER = {"team": "each further team at half", "model": "each further model at a quarter"}
UNIT = {"team": ("ML team", "ML teams"), "model": ("production model", "production models")}


def _level(value: int | None) -> str:
    return "none" if value is None else str(value)


def pw(e: EffortRange) -> str:
    """``about 7.5 person-weeks (5-10)``: the midpoint rounded as a planner states it, and the range."""
    if e.max == 0:
        return "no effort"
    low, high = words.rounded(e.min), words.rounded(e.max)
    spread = "" if low == high else f" ({low}-{high})"
    mid = words.rounded(e.mid)
    return f"about {mid} person-week{'' if mid == '1' else 's'}{spread}"


def scope_words(b: ItemEffort) -> str:
    """What an effort figure is for, and how it was scaled."""
    if b.scope is None:
        text = "scope not declared in the knowledge base: taken once, as stated"
    elif b.scope == "organization":
        text = "once for the organization"
    else:
        one, many = UNIT[b.scope]
        if not b.units_known:
            text = f"for 1 {one} ({b.attribute} not set in the fact file's context: set it to scale this)"
        elif b.units == 1:
            text = f"for 1 {one}"
        else:
            text = f"for {b.units} {many} (the first in full, {FURTHER[b.scope]})"
    if b.status_factor != 1:
        text += "; half, as it is partially in place (PI)"
    return text


def headline(r: Roadmap) -> str:
    """The one-sentence verdict at the top of every format."""
    if r.reached:
        if r.target.default and r.target.highest:
            return (f"Already at the highest level, CMMI maturity level {r.start.maturity_level} "
                    f"({r.start.maturity_level_name}): nothing to plan.")
        return f"Target {r.target.label} is already reached: nothing to plan."
    parts = [f"{words.plural(len(r.items), 'practice')} to implement in {words.plural(len(r.waves), 'wave')}"]
    if r.assess_first:
        parts.append(f"{words.plural(len(r.assess_first), 'practice')} to assess first")
    return "; ".join(parts) + "."


def effort_line(r: Roadmap) -> str:
    """The headline effort: a range from found-in-place to missing when there are practices to assess."""
    e = r.estimate
    if not r.assess_first or e.effort_if_missing.mid == e.effort.mid:
        return f"Effort: {pw(e.effort)}."
    return (f"Effort: from {pw(e.effort)} if the {len(r.assess_first)} practices to assess are found in place, "
            f"to {pw(e.effort_if_missing)} if they are missing.")


def calendar_line(r: Roadmap, hint: str | None = None) -> str:
    c = r.estimate.calendar
    if c is None:
        return ""
    if c.source == "given":
        basis = f"at the given capacity of {words.plain_number(c.capacity)} person-weeks per quarter"
    else:
        teams = (f"{words.plural(c.teams, 'ML team')}" if c.teams_known
                 else "1 ML team (ml_team_count not set in the fact file's context)")
        basis = (f"at {words.plain_number(c.capacity)} person-weeks per quarter, the default for {teams} "
                 f"(half a person per team{'; ' + hint if hint else ''})")
    text = f"Calendar time: about {c.months} months ({words.plural(c.quarters, 'quarter')}) {basis}"
    if c.quarters_if_missing != c.quarters:
        text += f"; about {c.months_if_missing} months if the practices to assess are missing"
    return text + "."


def historical_line(r: Roadmap) -> str:
    e = r.estimate
    if r.target.kind != "maturity":
        return "Historical median: no figure is known for framework levels."
    if not e.historical_steps:
        return "Historical median: no level step to take."
    steps = "; ".join(f"{s.from_level}->{s.to_level}: {'unknown' if s.months is None else f'{s.months} months'}"
                      for s in e.historical_steps)
    total = "unknown" if e.historical_months is None else f"{e.historical_months} months"
    return f"Historical median time organizations needed: {total} ({steps})."


def premise(r: Roadmap) -> str:
    if r.evaluator == "reference":
        return "Levels are inferred by the reference evaluator alone."
    if r.verified:
        return "Levels are inferred by the rules engine, cross-checked against the reference evaluator."
    return "Levels are inferred by the rules engine alone, without the cross-check against the reference evaluator."


def state_line(s: LevelState) -> str:
    frameworks = ", ".join(f"{fid} {_level(level)}" for fid, level in s.framework_levels.items())
    return f"CMMI maturity level {s.maturity_level} ({s.maturity_level_name}); frameworks: {frameworks}"


def goal_codes(item: RoadmapItem | AssessFirstItem) -> str:
    return words.goal_codes(item.reasons)


def named(r: Roadmap, finding_id: str) -> str:
    try:
        f = r.finding(finding_id)
    except KeyError:
        return finding_id
    return f"'{f.name}' ({f.severity})"


def wave_summary(r: Roadmap, w: Wave) -> str:
    parts = [f"Wave {w.number}: {words.plural(len(w.practices), 'item')}, {pw(w.effort)}"]
    if w.duration_quarters is not None:
        parts[0] += f", {words.plural(w.duration_quarters, 'quarter')}"
    after = f"after it: CMMI maturity level {w.maturity_level_after} ({w.maturity_level_name_after})"
    if w.target_reached:
        after += ", the target is reached"
    parts.append(after)
    if w.framework_changes:
        parts.append("frameworks " + ", ".join(f"{c.framework} {_level(c.before)}->{_level(c.after)}"
                                               for c in w.framework_changes))
    if w.capability_changes:
        parts.append("capability " + ", ".join(f"{c.process_area} {_level(c.before)}->{_level(c.after)}"
                                               for c in w.capability_changes))
    if w.findings_resolved:
        parts.append("resolves " + words.listing([named(r, f) for f in w.findings_resolved]))
    if w.findings_raised:
        parts.append("raises " + words.listing([named(r, f) for f in w.findings_raised]) + " (see above)")
    return "; ".join(parts) + "."


def raised_lines(r: Roadmap) -> list[str]:
    out = []
    for f in r.raised_findings:
        text = f"Wave {f.wave} raises the finding '{f.name}' ({f.severity})"
        if f.avoided_by:
            text += f"; adopting {', '.join(f.avoided_by)} by then avoids it"
            if f.planned_later:
                text += f" ({', '.join(f.planned_later)} already planned later: move them earlier)"
        if f.resolved_at_wave is not None:
            text += f"; it no longer fires after wave {f.resolved_at_wave}"
        out.append(text + ".")
    return out


class _Writer:
    def __init__(self, width: int) -> None:
        self.width = width
        self.lines: list[str] = []

    def line(self, text: str = "", indent: int = 0, hang: int | None = None) -> None:
        if not text:
            self.lines.append("")
            return
        first = " " * indent
        rest = " " * (indent if hang is None else hang)
        self.lines.extend(textwrap.wrap(text, self.width, initial_indent=first, subsequent_indent=rest,
                                        break_long_words=False, break_on_hyphens=False) or [""])

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines) + "\n"


def _item(out: _Writer, r: Roadmap, i: RoadmapItem, brief: bool) -> None:
    mark = "  [quick win]" if i.quick_win else ""
    out.line(f"{i.rank}. {i.name}{mark}", indent=2, hang=5)
    vpe = "-" if i.value_per_effort is None else words.plain_number(round(i.value_per_effort, 1))
    out.line(f"{i.practice}; now {words.CHARACTERIZATION_SHORT.get(i.status, i.status)} ({i.status}); "
             f"{pw(i.effort)}, {scope_words(i.effort_basis)}; value {i.value} of 5, {vpe} per person-week",
             indent=5, hang=7)
    out.line("Why: " + i.why, indent=5, hang=7)
    out.line("Goal codes: " + goal_codes(i), indent=5, hang=7)
    waits = i.requires + [f"{p} (to assess)" for p in i.awaits_assessment]
    if waits:
        out.line("Waits for: " + ", ".join(waits), indent=5, hang=7)
    if i.resolves_findings:
        out.line("Resolves: " + "; ".join(named(r, f) for f in i.resolves_findings), indent=5, hang=7)
    if i.note:
        out.line(f"Assessor's note: {i.note}", indent=5, hang=7)
    if not brief:
        out.line("Guidance: " + i.guidance, indent=5, hang=7)
        out.line("Done when there is:", indent=5)
        for x in i.evidence:
            out.line("- " + x, indent=7, hang=9)


def roadmap_table(r: Roadmap, options: RenderOptions | None = None) -> str:
    """The roadmap for a terminal of ``options.width`` columns (100 when not a terminal)."""
    options = options or RenderOptions()
    out = _Writer(max(40, options.width or DEFAULT_WIDTH))
    out.line(f"Roadmap: {r.organization} (assessed {r.assessed_on.isoformat()}) toward {r.target.label}")
    out.line(f"Now: {state_line(r.start)}", hang=2)
    if r.assumptions:
        out.line("Assuming: " + ", ".join(f"{a.practice}={a.status}" for a in r.assumptions), hang=2)
    out.line(headline(r))
    if r.reached:
        return out.text()
    out.line(effort_line(r), hang=2)
    out.line(calendar_line(r, options.extra.get("capacity_hint")), hang=2)
    out.line(historical_line(r), hang=2)
    if r.estimate.historical_months is not None:
        out.line("Why they differ: " + r.estimate.calendar_note, indent=2, hang=2)
    for note in raised_lines(r):
        out.line(note, hang=2)
    for w in r.waves:
        if w.oversized:
            out.line(f"Wave {w.number}: {w.practices[0]} is bigger than the capacity of "
                     f"{words.plain_number(r.estimate.capacity or 0)} person-weeks per quarter; it gets a wave of "
                     f"its own, spanning {w.duration_quarters} quarters.", hang=2)
    if r.assess_first:
        out.line()
        out.line(f"Assess first ({len(r.assess_first)}): NY, not observed or NA to reconsider; the plan assumes "
                 "each is found in place. If one is missing, its effort joins the plan.")
        for a in r.assess_first:
            out.line(f"- {a.name} ({a.practice}; {words.CHARACTERIZATION_SHORT.get(a.status, a.status)}): "
                     f"{a.why} If missing: {pw(a.effort)}, {scope_words(a.effort_basis)}.", indent=2, hang=4)
            if a.needed_by:
                out.line("Waited for by: " + ", ".join(a.needed_by), indent=4, hang=6)
            if a.note:
                out.line(f"Assessor's note: {a.note}", indent=4, hang=6)
            if not options.brief:
                out.line("Look for: " + "; ".join(a.evidence), indent=4, hang=6)
        if r.after_assess_first is not None:
            out.line(f"If all are found in place: {state_line(r.after_assess_first)}", hang=2)
    by_practice = {i.practice: i for i in r.items}
    for w in r.waves:
        out.line()
        out.line(wave_summary(r, w), hang=2)
        for p in w.practices:
            _item(out, r, by_practice[p], options.brief)
    out.line()
    brief_hint = options.extra.get("brief_hint")
    out.line("Quick win: at least 2 value points (of 5) per person-week. Within a wave, items are in order of "
             "value per person-week." + ("" if options.brief or not brief_hint else f" {brief_hint}."))
    out.line(premise(r))
    return out.text()
