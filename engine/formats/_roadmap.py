"""Rendering a roadmap for the terminal (rich tables) and as Markdown. No computation happens here."""

from __future__ import annotations

from mlops_maturity.engine.formats import RenderOptions
from mlops_maturity.engine.formats._terminal import console as make_console
from mlops_maturity.engine.formats._terminal import width_of
from mlops_maturity.engine.roadmap import (
    AssessFirstItem,
    EffortRange,
    Estimate,
    LevelState,
    Roadmap,
    RoadmapItem,
    Wave,
)
from mlops_maturity.engine.roadmap import plain_number as _num  # ``2.0`` -> ``2``, never an exponent
from rich.table import Table

STATUS_WORDS = {"not_observed": "not observed", "NY": "NY (not yet)"}


def _level(value: int | None) -> str:
    return "none" if value is None else str(value)


def _effort(e: EffortRange) -> str:
    return f"{_num(e.mid)} ({_num(e.min)}-{_num(e.max)})"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _headline(r: Roadmap) -> str:
    """The one-sentence verdict at the top of every format."""
    if r.reached:
        if r.target.default and r.target.highest:
            return (f"Already at the highest level, CMMI maturity level {r.start.maturity_level} "
                    f"({r.start.maturity_level_name}): nothing to plan.")
        return f"Target {r.target.label} is already reached: nothing to plan."
    parts = [f"{len(r.items)} practice(s) to implement in {len(r.waves)} wave(s)"]
    if r.assess_first:
        parts.append(f"{len(r.assess_first)} practice(s) to assess first")
    return "; ".join(parts) + "."


def _state_line(s: LevelState) -> str:
    frameworks = ", ".join(f"{fid} {_level(level)}" for fid, level in s.framework_levels.items())
    return f"CMMI maturity level {s.maturity_level} ({s.maturity_level_name}); frameworks: {frameworks}"


def _premise(r: Roadmap) -> str:
    if r.evaluator == "reference":
        return "Levels are inferred by the reference evaluator alone."
    if r.verified:
        return "Levels are inferred by the rules engine, cross-checked against the reference evaluator."
    return "Levels are inferred by the rules engine alone (--no-verify)."


def _wave_changes(w: Wave) -> tuple[str, str, str]:
    frameworks = ", ".join(f"{c.framework} {_level(c.before)}->{_level(c.after)}" for c in w.framework_changes)
    capability = ", ".join(f"{c.process_area} {_level(c.before)}->{_level(c.after)}" for c in w.capability_changes)
    findings = ", ".join([f"-{f}" for f in w.findings_resolved] + [f"+{f}" for f in w.findings_raised])
    return frameworks or "-", capability or "-", findings or "-"


def _why(item: RoadmapItem | AssessFirstItem) -> str:
    """The item's reasons: the CMMI practices (and alternatives) or framework requirements it serves, then the
    planned items it is a prerequisite of."""
    served = [r.text for r in item.reasons if r.kind != "prerequisite"]
    before = [r.of for r in item.reasons if r.kind == "prerequisite"]
    reasons = []
    if served:
        reasons.append("serves " + ", ".join(served))
    if before:
        reasons.append("prerequisite of " + ", ".join(before))
    return "; ".join(reasons)


def _oversized_notes(r: Roadmap) -> list[str]:
    out = []
    for w in r.waves:
        if w.oversized:
            out.append(f"Wave {w.number}: {w.practices[0]} ({_num(w.effort.mid)} person-weeks) is bigger than the "
                       f"capacity of {_num(r.estimate.capacity or 0)} person-weeks per quarter; it gets a wave of "
                       f"its own, spanning {w.duration_quarters} quarters.")
    return out


def _calendar(e: Estimate) -> str:
    if e.capacity is None:
        return "Calendar time: give --capacity (person-weeks per quarter) for an estimate."
    return (f"Calendar time: {e.quarters} quarter(s), about {e.months} months, at {_num(e.capacity)} "
            "person-weeks per quarter (13 weeks).")


def _historical(r: Roadmap) -> str:
    e = r.estimate
    if r.target.kind != "maturity":
        return "Historical median: no figure is known for framework levels."
    if not e.historical_steps:
        return "Historical median: no level step to take."
    steps = "; ".join(f"{s.from_level}->{s.to_level}: {'unknown' if s.months is None else f'{s.months} months'}"
                      for s in e.historical_steps)
    total = "unknown" if e.historical_months is None else f"{e.historical_months} months"
    return f"Historical median time organizations needed: {total} ({steps})."


def roadmap_table(r: Roadmap, options: RenderOptions | None = None) -> str:
    """The roadmap as terminal tables."""
    console, buffer = make_console(width_of(options, 140))
    console.print(f"Roadmap: {r.organization} (assessed {r.assessed_on.isoformat()}) toward {r.target.label}")
    console.print(f"Now: {_state_line(r.start)}")
    if r.assumptions:
        console.print("Assuming: " + ", ".join(f"{a.practice}={a.status}" for a in r.assumptions))
    console.print(_headline(r))
    if r.reached:
        return buffer.getvalue()
    if r.assess_first:
        table = Table(title="Assess first (NY or not observed; the plan assumes they are found in place)",
                      title_justify="left")
        for column in ("Practice", "Status", "Serves ML", "Why", "Waited for by", "Effort if missing (pw)"):
            table.add_column(column, overflow="fold")
        for a in r.assess_first:
            table.add_row(f"{a.practice} {a.name}", STATUS_WORDS.get(a.status, a.status), str(a.serves), _why(a),
                          ", ".join(a.needed_by) or "-", _effort(a.effort))
        console.print(table)
        if r.after_assess_first is not None:
            console.print(f"If all are found in place: {_state_line(r.after_assess_first)}")
    waves = Table(title="Waves (levels inferred after each wave)", title_justify="left")
    for column in ("Wave", "Practices", "Effort pw", "Quarters", "ML after", "Framework changes",
                   "Capability changes", "Findings"):
        waves.add_column(column, overflow="fold")
    for w in r.waves:
        frameworks, capability, findings = _wave_changes(w)
        level = f"{w.maturity_level_after}{' (target)' if w.target_reached else ''}"
        waves.add_row(str(w.number), "\n".join(w.practices), _effort(w.effort),
                      "-" if w.duration_quarters is None else str(w.duration_quarters), level, frameworks,
                      capability, findings)
    console.print(waves)
    items = Table(title="Items, in order", title_justify="left")
    for column in ("#", "Wave", "Practice", "Status", "Serves ML", "Why", "Waits for", "Effort pw"):
        items.add_column(column, overflow="fold")
    for i in r.items:
        items.add_row(str(i.rank), str(i.wave), f"{i.practice}\n{i.name}", STATUS_WORDS.get(i.status, i.status),
                      str(i.serves), _why(i), ", ".join(i.requires + i.awaits_assessment) or "-", _effort(i.effort))
    console.print(items)
    for note in _oversized_notes(r):
        console.print(note)
    e = r.estimate
    console.print(f"Effort: {_num(e.effort.mid)} person-weeks ({_num(e.effort.min)}-{_num(e.effort.max)})"
                  + (f"; up to {_num(e.assess_first_effort.mid)} more if the assess-first practices are missing."
                     if r.assess_first else "."))
    console.print(_calendar(e))
    console.print(_historical(r))
    console.print(_premise(r))
    return buffer.getvalue()


def roadmap_markdown(r: Roadmap) -> str:
    """The roadmap as Markdown."""
    lines = [
        f"# ML Ops improvement roadmap: {_md(r.organization)}",
        "",
        f"- Assessed on: {r.assessed_on.isoformat()}",
        f"- Target: **{_md(r.target.label)}**{' (the next level)' if r.target.default else ''}",
        f"- Now: {_md(_state_line(r.start))}",
    ]
    if r.assumptions:
        lines.append("- Assumptions: " + ", ".join(f"`{a.practice}={a.status}`" for a in r.assumptions))
    lines += ["", f"**{_headline(r)}**"]
    if r.reached:
        return "\n".join(lines) + "\n"
    e = r.estimate
    lines += [
        "",
        "## Estimate",
        "",
        f"- Effort: {_num(e.effort.mid)} person-weeks (range {_num(e.effort.min)}-{_num(e.effort.max)})"
        + (f"; up to {_num(e.assess_first_effort.mid)} more if the assess-first practices turn out to be missing"
           if r.assess_first else ""),
        f"- {_calendar(e)}",
        f"- {_historical(r)}",
        f"- {_premise(r)}",
    ]
    lines += [f"- {note}" for note in _oversized_notes(r)]
    if r.assess_first:
        lines += ["", "## Assess first", "",
                  "These practices are NY (not yet) or not observed: what they implement is not rated rather than "
                  "failed. "
                  "The plan assumes they are found in place; if one is missing, add it (and its missing "
                  "prerequisites) to the plan.", "",
                  "| Practice | Status | Serves ML | Why | Waited for by | Missing prerequisites | "
                  "Effort if missing (pw) |", "|---|---|---|---|---|---|---|"]
        for a in r.assess_first:
            lines.append(f"| `{a.practice}` {_md(a.name)} | {STATUS_WORDS.get(a.status, a.status)} | {a.serves} | "
                         f"{_md(_why(a)) or '-'} | {', '.join(a.needed_by) or '-'} | "
                         f"{', '.join(a.missing_prerequisites) or '-'} | {_effort(a.effort)} |")
        if r.after_assess_first is not None:
            lines += ["", f"If all are found in place: {_md(_state_line(r.after_assess_first))}."]
    lines += ["", "## Waves", "",
              "| Wave | Practices | Effort pw | Quarters | ML after | Framework changes | Capability changes | "
              "Findings (-resolved, +raised) |", "|---|---|---|---|---|---|---|---|"]
    for w in r.waves:
        frameworks, capability, findings = _wave_changes(w)
        level = f"{w.maturity_level_after} ({_md(w.maturity_level_name_after)})"
        lines.append(f"| {w.number}{' (target reached)' if w.target_reached else ''} | "
                     f"{', '.join(f'`{p}`' for p in w.practices)} | {_effort(w.effort)} | "
                     f"{'-' if w.duration_quarters is None else w.duration_quarters} | {level} | {frameworks} | "
                     f"{capability} | {findings} |")
    lines += ["", "## Items", ""]
    for i in r.items:
        status = STATUS_WORDS.get(i.status, i.status)
        lines += [
            f"### {i.rank}. `{i.practice}` {_md(i.name)}",
            "",
            f"- Wave {i.wave}; status {status}; serves maturity level {i.serves}; effort {_effort(i.effort)} "
            f"person-weeks; value {i.value}",
            f"- Why: {_md(_why(i))}",
            f"- Implements: {', '.join(i.implements) or '-'}",
            f"- Framework levels calling for it: {', '.join(i.framework_levels) or '-'}",
            f"- Waits for: {', '.join(i.requires) or '-'}"
            + (f"; assessment of {', '.join(i.awaits_assessment)}" if i.awaits_assessment else ""),
            f"- Unblocks: {', '.join(i.unblocks) or '-'}",
        ]
        if i.resolves_findings:
            lines.append(f"- Resolves findings: {', '.join(i.resolves_findings)}")
        lines += [f"- Guidance: {_md(i.guidance)}", "- Evidence that it is done:"]
        lines += [f"  - {_md(x)}" for x in i.evidence]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
