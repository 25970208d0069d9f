"""Charts of a report, drawn with matplotlib (Agg, no pyplot state) and deterministic byte for byte.

Three charts, each a function of the :class:`~mlops_maturity.engine.report.ReportContext`:

* ``maturity_profile``: the capability level of every process area, grouped by maturity level, with the
  capability the target level needs;
* ``framework_levels``: the CMMI maturity level and the level reached in every ML Ops maturity model, side by side,
  each on its own scale;
* ``roadmap_timeline``: the roadmap's waves on a timeline (calendar months at the given capacity, else cumulative
  effort), with the maturity level each wave reaches, as inferred.

SVG output keeps text as text (``svg.fonttype = none``), uses a fixed hash salt for element ids and no date, so the
same context gives the same bytes; PNG output carries no software or date metadata. matplotlib is imported lazily:
commands that draw no chart do not pay for it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType
    from mlops_maturity.engine.report import ReportContext

ChartFormat = Literal["svg", "png"]

CAPABILITY_COLORS = {0: "#d7301f", 1: "#fc8d59", 2: "#74add1", 3: "#313695"}
"""Capability level -> bar colour (colour-blind safe diverging scheme)."""
NOT_APPLICABLE_COLOR = "#bdbdbd"
REACHED_COLOR = "#313695"
OPEN_COLOR = "#f0f0f0"
TEXT_COLOR = "#222222"

_RC: dict[RcKeyType, Any] = {
    "svg.hashsalt": "mlops-maturity",
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": "#888888",
    "axes.labelcolor": TEXT_COLOR,
    "xtick.color": TEXT_COLOR,
    "ytick.color": TEXT_COLOR,
    "text.color": TEXT_COLOR,
    "path.simplify": True,
}
_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_PNG_METADATA = {"Software": None}
PNG_DPI = 150


@dataclass(frozen=True)
class Chart:
    """A chart the templates can ask for by name."""

    name: str
    title: str
    draw: Callable[[ReportContext], Figure]


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def maturity_profile(ctx: ReportContext) -> Figure:
    """Process areas (rows, grouped by maturity level) by capability level (bars), target capability as a tick."""
    areas = list(ctx.process_areas)
    rows: list[tuple[float, Any]] = []
    y = 0.0
    group_labels: list[tuple[float, int]] = []
    previous = None
    for pa in areas:
        if previous is not None and pa.maturity_level != previous:
            y += 0.6
        if pa.maturity_level != previous:
            group_labels.append((y, pa.maturity_level))
        rows.append((y, pa))
        previous = pa.maturity_level
        y += 1
    fig = _figure(7.5, 0.24 * y + 1.3)
    ax = fig.add_subplot()
    for pos, pa in rows:
        if pa.capability_level is None:  # not rated or out of scope: hatched, labelled, never drawn as 0
            ax.barh(pos, 3, height=0.7, color="none", edgecolor=NOT_APPLICABLE_COLOR, hatch="///", linewidth=0.6)
            ax.text(1.5, pos, pa.capability_label, va="center", ha="center", fontsize=7, color="#555555")
        else:
            width = max(pa.capability_level, 0.06)
            ax.barh(pos, width, height=0.7, color=CAPABILITY_COLORS[pa.capability_level])
        if pa.target_capability is not None:
            ax.plot([pa.target_capability, pa.target_capability], [pos - 0.45, pos + 0.45], color="#000000",
                    linewidth=1.6, solid_capstyle="butt")
    ax.set_yticks([pos for pos, _ in rows], [f"{pa.id}  {_short(pa.name, 34)}" for _, pa in rows], fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlim(0, 3.05)
    ax.set_xticks([0, 1, 2, 3], [f"{c.level} {c.name}" for c in ctx.capability_levels])
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for pos, level in group_labels:
        ax.annotate(f"ML{level}", xy=(1.0, pos - 0.5), xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", fontsize=8, fontweight="bold", va="top", color="#555555")
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    title = f"Capability profile at maturity level {ctx.maturity.level} ({ctx.maturity.name})"
    if ctx.target.level is not None and ctx.target.required_capability is not None:
        title += f"\nblack tick: the capability maturity level {ctx.target.level} needs"
    _title(fig, title)
    return fig


def framework_levels(ctx: ReportContext) -> Figure:
    """CMMI and every ML Ops model side by side: one row each, a box per level, filled up to the level reached."""
    rows: list[tuple[str, list[tuple[int, bool]], str]] = [(
        "CMMI (staged)",
        [(lv.level, lv.reached) for lv in ctx.maturity.levels],
        f"{ctx.maturity.level} {ctx.maturity.name}",
    )]
    for fw in ctx.frameworks:
        shown = f"{fw.level} {_short(fw.level_name or '', 26)}" if fw.level is not None else "below the lowest level"
        rows.append((_short(fw.name, 38), [(lv.level, lv.reached) for lv in fw.levels], shown))
    lowest = min(level for _, levels, _ in rows for level, _ in levels)
    highest = max(level for _, levels, _ in rows for level, _ in levels)
    fig = _figure(7.5, 0.42 * len(rows) + 1.0)
    ax = fig.add_subplot()
    for index, (_, levels, label) in enumerate(rows):
        for level, reached in levels:
            ax.barh(index, 0.9, left=level - 0.45, height=0.6, color=REACHED_COLOR if reached else OPEN_COLOR,
                    edgecolor="#999999", linewidth=0.6)
            ax.text(level, index, str(level), ha="center", va="center", fontsize=7,
                    color="#ffffff" if reached else "#666666")
        last = max(level for level, _ in levels)
        ax.text(last + 0.6, index, label, va="center", fontsize=7.5, clip_on=True)
    ax.set_yticks(range(len(rows)), [name for name, _, _ in rows], fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlim(lowest - 0.6, highest + 3.9)
    ax.set_xticks([])
    for spine in ("top", "right", "bottom"):
        ax.spines[spine].set_visible(False)
    _title(fig, "Levels reached in CMMI and the ML Ops maturity models (each on its own scale)")
    return fig


def roadmap_timeline(ctx: ReportContext) -> Figure:
    """The roadmap's waves on a timeline, each labelled with its size and the maturity level it reaches."""
    roadmap = ctx.roadmap
    waves = list(roadmap.waves) if roadmap is not None else []
    fig = _figure(7.5, 0.45 * max(len(waves), 1) + 1.9)
    ax = fig.add_subplot()
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    if roadmap is None or not waves:
        message = "No roadmap: the target is already reached." if roadmap is not None and roadmap.reached \
            else "No roadmap."
        ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    calendar = all(w.duration_quarters is not None for w in waves)
    start = 0.0
    for index, wave in enumerate(waves):
        length = (wave.duration_quarters or 0) * 3.0 if calendar else wave.effort.mid
        length = max(length, 0.05)
        color = REACHED_COLOR if wave.target_reached else CAPABILITY_COLORS[2]
        ax.barh(index, length, left=start, height=0.6, color=color)
        label = (f"wave {wave.number}: {len(wave.practices)} practice{'s' if len(wave.practices) != 1 else ''}, "
                 f"then ML{wave.maturity_level_after}")
        ax.annotate(label, xy=(start + length, index), xytext=(4, 0), textcoords="offset points", va="center",
                    fontsize=7.5)
        start += length
    ax.set_yticks(range(len(waves)), [f"Wave {w.number}" for w in waves], fontsize=7.5)
    ax.invert_yaxis()
    median = roadmap.estimate.historical_months
    ax.set_xlim(0, max(start * 1.45, (median or 0) * 1.25 if calendar else 0))
    if calendar:
        ax.set_xlabel(f"months (at {roadmap.estimate.capacity:g} person-weeks per quarter)")
        if median is not None:
            ax.axvline(median, color="#555555", linestyle="--", linewidth=1)
            ax.annotate(f"historical median: {median} months", xy=(median, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, -10), textcoords="offset points", fontsize=7, color="#555555")
    else:
        ax.set_xlabel("cumulative effort, person-weeks (midpoint estimate; no capacity given)")
    _title(fig, f"Roadmap toward {roadmap.target.label}")
    return fig


def _title(fig: Figure, text: str) -> None:
    fig.suptitle(text, x=0.01, ha="left", fontsize=9.5)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


CHARTS: dict[str, Chart] = {
    "maturity_profile": Chart("maturity_profile", "Capability profile", maturity_profile),
    "framework_levels": Chart("framework_levels", "Levels reached in the ML Ops maturity models", framework_levels),
    "roadmap_timeline": Chart("roadmap_timeline", "Roadmap waves", roadmap_timeline),
}
"""Chart name -> chart."""


def render_chart(ctx: ReportContext, name: str, fmt: ChartFormat = "svg") -> bytes:
    """Draw one chart as SVG or PNG bytes (the same context always gives the same bytes).

    Raises:
        KeyError: no chart of that name.
    """
    import matplotlib

    chart = CHARTS[name]
    with matplotlib.rc_context(_RC):
        fig = chart.draw(ctx)
        buffer = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buffer, format="svg", metadata=_SVG_METADATA)
        else:
            fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata=_PNG_METADATA)
    return buffer.getvalue()


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|href="#)([^)"]+)')


def inline_svg(svg: bytes, prefix: str) -> str:
    """An SVG document made ready to inline in HTML: no XML prolog or doctype, ids prefixed (several charts on
    one page never clash), scalable to the page width, labelled for screen readers."""
    text = svg.decode("utf-8")
    text = text[text.index("<svg"):]
    text = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", text)
    title = CHARTS[prefix].title if prefix in CHARTS else prefix
    text = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"',
                  lambda m: f'<svg {m.group(1)}role="img" aria-label="{title}" class="chart"', text, count=1)
    return text.strip() + "\n"


# --- the crosswalk's chart (drawn from a Crosswalk, not from a report context) ----------------------------------

TARGET_COLORS = {2: "#74add1", 3: "#313695"}
"""Maturity level of a target profile -> outline colour of its areas' targets."""
COVERED_COLOR = "#fc8d59"


def crosswalk_profile(cw: Any) -> Figure:
    """One panel per framework: covered specific practices per process area (filled bar) against the ML 2 and ML 3
    target profiles (outline: every specific practice of the area), areas of levels 2 and 3."""
    rows = cw.rows
    columns = min(3, max(len(rows), 1))
    lines = max(1, -(-len(rows) // columns))
    first = rows[0].profile.areas if rows else []
    areas = [a for a in first if a.maturity_level <= 3]
    fig = _figure(3.0 * columns + 1.2, (0.17 * len(areas) + 0.9) * lines + 0.8)
    axes = fig.subplots(lines, columns, squeeze=False, sharey=True)
    widest = max((a.total for a in areas), default=1)
    for index, row in enumerate(rows):
        ax = axes[index // columns][index % columns]
        by_id = {a.id: a for a in row.profile.areas}
        for pos, area in enumerate(areas):
            mine = by_id[area.id]
            ax.barh(pos, mine.total, height=0.72, color="none", edgecolor=TARGET_COLORS[area.maturity_level],
                    linewidth=0.8)
            if mine.covered:
                ax.barh(pos, mine.covered, height=0.72, color=COVERED_COLOR, linewidth=0)
            ax.text(mine.total + 0.3, pos, f"{mine.covered}/{mine.total}", va="center", fontsize=6,
                    color="#555555")
        t2, t3 = row.profile.target_profiles[0], row.profile.target_profiles[1]
        label = row.profile.characterization.label if row.profile.characterization else "-"
        ax.set_title(f"{_short(row.framework, 24)} ({row.provenance})\n{label}; ML{row.strict.maturity_level} "
                     f"strict; T2 {t2.covered}/{t2.total}, T3 {t3.covered}/{t3.total}", fontsize=7.5, loc="left")
        ax.set_xlim(0, widest + 3.5)
        ax.tick_params(axis="x", labelsize=6.5)
        ax.grid(axis="x", color="#eeeeee", linewidth=0.5)
        ax.set_axisbelow(True)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
    for index in range(len(rows), lines * columns):
        axes[index // columns][index % columns].set_axis_off()
    for line in axes:
        line[0].set_yticks(range(len(areas)), [f"{a.id} (ML{a.maturity_level})" for a in areas], fontsize=6.5)
    axes[0][0].invert_yaxis()
    _title(fig, "Achievement profile of each framework's practice set: specific practices covered (filled) against "
           "the target profiles\n(outline: every specific practice of the area; light: ML 2 target, dark: ML 3 "
           "target)")
    return fig


def render_crosswalk_chart(cw: Any, fmt: ChartFormat = "svg") -> bytes:
    """The crosswalk's achievement-profile chart as SVG or PNG bytes (deterministic, like :func:`render_chart`)."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = crosswalk_profile(cw)
        buffer = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buffer, format="svg", metadata=_SVG_METADATA)
        else:
            fig.savefig(buffer, format="png", dpi=PNG_DPI, metadata=_PNG_METADATA)
    return buffer.getvalue()
