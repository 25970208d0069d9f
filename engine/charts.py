"""Charts of a report: drawn as SVG directly for HTML, with matplotlib as PNG for Word; deterministic byte for byte.

Four charts, each a function of the :class:`~mlops_maturity.engine.report.ReportContext`:

* ``maturity_profile``: current against target profile: the capability level of every process area, grouped by
  maturity level, with the capability the target level needs;
* ``heat_map``: coverage by process area (rows) and practice dimension (columns), with each area's capability;
* ``framework_levels``: the CMMI maturity level and the level reached in every ML Ops maturity model, side by side,
  each on its own scale;
* ``roadmap_timeline``: the roadmap's waves on a timeline (calendar months at the given capacity, else cumulative
  effort), with the maturity level each wave reaches, as inferred.

:func:`chart_svg` writes SVG markup itself (no plotting library: an HTML report never imports matplotlib or
numpy). :func:`render_chart` draws with matplotlib (Agg, no pyplot state), imported lazily: PNG for Word and
Markdown, or matplotlib's SVG. Its SVG keeps text as text (``svg.fonttype = none``), uses a fixed hash salt for
element ids and no date; its PNG carries no software or date metadata.
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


def heat_map(ctx: ReportContext) -> Figure:
    """Process areas (rows) by practice dimension (columns): practices in place of those applicable, in bins."""
    from matplotlib.patches import Patch, Rectangle

    dims = ctx.heat_map.dimensions
    rows = ctx.heat_map.rows
    fig = _figure(7.5, 0.2 * len(rows) + 1.3)
    ax = fig.add_subplot()
    for y, r in enumerate(rows):
        ax.text(-0.5, y, r.capability_label, ha="center", va="center", fontsize=7)
        for x, cell in enumerate(r.cells):
            _, fill, _ = heat_bin(cell.percent)
            ax.add_patch(Rectangle((x + 0.04, y - 0.44), 0.92, 0.88, color=fill, linewidth=0))
            ax.text(x + 0.5, y, f"{cell.satisfied}/{cell.total}" if cell.total else "-", ha="center", va="center",
                    fontsize=6.5, color=TEXT_COLOR)
    ax.set_xlim(-1, len(dims))
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_yticks(range(len(rows)), [f"ML{r.maturity_level} {r.process_area} {_short(r.name, 26)}" for r in rows],
                  fontsize=7)
    ax.set_xticks([-0.5, *[x + 0.5 for x in range(len(dims))]], ["capability", *dims], fontsize=7.5)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.legend(handles=[Patch(color=fill, label=label) for _, fill, label in HEAT_BINS], loc="upper center",
              bbox_to_anchor=(0.5, 0.0), ncol=len(HEAT_BINS), fontsize=7, frameon=False)
    _title(fig, "Coverage by process area and practice dimension (practices in place / applicable)")
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
    "maturity_profile": Chart("maturity_profile", "Capability profile: current against target", maturity_profile),
    "heat_map": Chart("heat_map", "Coverage by process area and practice dimension", heat_map),
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


# --- SVG drawn directly (HTML reports: no plotting library on that path) ------------------------------------------

SVG_WIDTH = 760
_FONT = 'font-family="DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif"'
HEAT_BINS: tuple[tuple[str, str, str], ...] = (
    ("none", "#eeeeee", "no practice"),
    ("0", "#f4a582", "none in place"),
    ("low", "#fddbc7", "under half"),
    ("high", "#92c5de", "half or more"),
    ("all", "#4393c3", "all in place"),
)
"""Heat-map bins: key, fill colour, legend text (colour-blind safe diverging scheme)."""


def heat_bin(percent: int | None) -> tuple[str, str, str]:
    """The bin of a heat-map cell's percentage (None: no practice of that dimension implements the area)."""
    if percent is None:
        return HEAT_BINS[0]
    if percent == 0:
        return HEAT_BINS[1]
    if percent < 50:
        return HEAT_BINS[2]
    if percent < 100:
        return HEAT_BINS[3]
    return HEAT_BINS[4]


_SVG_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def _esc(text: object) -> str:
    """Text for SVG content and double-quoted attributes (``xml.sax.saxutils`` would import urllib, http and ssl)."""
    return str(text).translate(_SVG_ESCAPES)


def _svg(name: str, height: float, body: list[str]) -> str:
    title = CHARTS[name].title
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_WIDTH} {height:g}" role="img" '
            f'aria-label="{_esc(title)}" class="chart chart-{name}" {_FONT} font-size="11" fill="{TEXT_COLOR}">\n'
            f"<title>{_esc(title)}</title>\n" + "\n".join(body) + "\n</svg>\n")


def _text(x: float, y: float, text: object, *, anchor: str = "start", size: float | None = None,
          weight: str | None = None, fill: str | None = None) -> str:
    extra = f' font-size="{size:g}"' if size else ""
    extra += f' font-weight="{weight}"' if weight else ""
    extra += f' fill="{fill}"' if fill else ""
    return f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" dominant-baseline="middle"{extra}>{_esc(text)}</text>'


def _rect(x: float, y: float, w: float, h: float, fill: str, *, stroke: str | None = None,
          dash: bool = False, extra: str = "") -> str:
    attrs = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    attrs += ' stroke-dasharray="3 2"' if dash else ""
    return f'<rect x="{x:g}" y="{y:g}" width="{max(w, 0):g}" height="{h:g}" fill="{fill}"{attrs}{extra}/>'


def svg_maturity_profile(ctx: ReportContext) -> str:
    """Current against target profile: each area's capability (bar) and what the target needs (outline)."""
    left, right, row, bar = 250.0, SVG_WIDTH - 90.0, 19.0, 13.0
    unit = (right - left) / 3
    body: list[str] = []
    y = 34.0
    for c in ctx.capability_levels:
        x = left + c.level * unit
        body.append(f'<line x1="{x:g}" y1="28" x2="{x:g}" y2="@BOTTOM@" stroke="#dddddd"/>')
        body.append(_text(x, 18, f"{c.level} {c.name}", anchor="middle" if c.level else "start", size=10))
    previous = None
    for pa in ctx.process_areas:
        if pa.maturity_level != previous:
            y += 6
            body.append(_text(0, y + 6, f"Maturity level {pa.maturity_level}", size=10, weight="bold",
                              fill="#555555"))
            y += 16
            previous = pa.maturity_level
        mid = y + row / 2
        body.append(_text(0, mid, f"{pa.id} {_short(pa.name, 34)}", size=10.5))
        top = mid - bar / 2
        if pa.capability_level is None:
            body.append(_rect(left, top, 3 * unit, bar, "#f7f7f7", stroke=NOT_APPLICABLE_COLOR, dash=True))
            body.append(_text(left + 1.5 * unit, mid, pa.capability_label, anchor="middle", size=9.5, fill="#555555"))
        else:
            width = pa.capability_level * unit or 4.0
            body.append(_rect(left, top, width, bar, CAPABILITY_COLORS[pa.capability_level]))
        if pa.target_capability is not None:
            short = pa.meets_target is False
            body.append(_rect(left, top - 2, pa.target_capability * unit, bar + 4, "none",
                              stroke=CAPABILITY_COLORS[0] if short else "#000000", dash=not short))
        label = pa.capability_label if pa.capability_level is not None else ""
        if pa.target_capability is not None:
            label = f"{label} of {pa.target_capability}" if label else f"target {pa.target_capability}"
        body.append(_text(right + 8, mid, label, size=10, fill=CAPABILITY_COLORS[0] if pa.meets_target is False
                          else None))
        y += row
    y += 10
    legend = "Bar: capability level reached."
    if ctx.target.required_capability is not None:
        legend += (f" Outline: what {ctx.target.label} needs (red: below it).")
    body.append(_text(0, y + 6, legend, size=10, fill="#555555"))
    height = y + 18
    return _svg("maturity_profile", height, [b.replace("@BOTTOM@", f"{y - 8:g}") for b in body])


def svg_heat_map(ctx: ReportContext) -> str:
    """Process areas by practice dimension: the share of each cell's practices in place, coloured in bins."""
    dims = ctx.heat_map.dimensions
    left, cap_w, cell_w, row = 230.0, 70.0, (SVG_WIDTH - 230.0 - 70.0) / max(len(dims), 1), 18.0
    body: list[str] = [_text(left + cap_w / 2, 14, "capability", anchor="middle", size=10, weight="bold")]
    for i, d in enumerate(dims):
        body.append(_text(left + cap_w + (i + 0.5) * cell_w, 14, d, anchor="middle", size=10, weight="bold"))
    y = 26.0
    previous = None
    for r in ctx.heat_map.rows:
        if r.maturity_level != previous:
            if previous is not None:
                y += 4
                body.append(f'<line x1="0" y1="{y - 2:g}" x2="{SVG_WIDTH}" y2="{y - 2:g}" stroke="#bbbbbb"/>')
            previous = r.maturity_level
        mid = y + row / 2
        body.append(_text(0, mid, f"ML{r.maturity_level}  {r.process_area} {_short(r.name, 28)}", size=10))
        body.append(_text(left + cap_w / 2, mid, r.capability_label, anchor="middle", size=10))
        for i, cell in enumerate(r.cells):
            _, fill, _ = heat_bin(cell.percent)
            x = left + cap_w + i * cell_w
            body.append(_rect(x + 1, y + 1, cell_w - 2, row - 2, fill))
            text = f"{cell.satisfied}/{cell.total}" if cell.total else "-"
            body.append(_text(x + cell_w / 2, mid, text, anchor="middle", size=9.5))
        y += row
    y += 10
    x = 0.0
    for _, fill, label in HEAT_BINS:
        body.append(_rect(x, y, 12, 12, fill))
        body.append(_text(x + 16, y + 6, label, size=10))
        x += 30 + 6.2 * len(label)
    body.append(_text(x + 6, y + 6, "cell: practices in place / applicable practices", size=10, fill="#555555"))
    return _svg("heat_map", y + 20, body)


def svg_framework_levels(ctx: ReportContext) -> str:
    """CMMI and every ML Ops model: a box per level, filled up to the level reached."""
    rows: list[tuple[str, list[tuple[int, bool]], str]] = [(
        "CMMI (staged)", [(lv.level, lv.reached) for lv in ctx.maturity.levels],
        f"{ctx.maturity.level} {ctx.maturity.name}")]
    for fw in ctx.frameworks:
        reached = f"{fw.level} {_short(fw.level_name or '', 30)}" if fw.level is not None else "below the lowest level"
        rows.append((_short(fw.name, 40), [(lv.level, lv.reached) for lv in fw.levels], reached))
    left, box, row = 270.0, 26.0, 24.0
    body: list[str] = []
    y = 6.0
    for name, levels, label in rows:
        mid = y + row / 2
        body.append(_text(0, mid, name, size=10.5))
        lowest = min(level for level, _ in levels)
        x = left
        for level, is_reached in levels:
            x = left + (level - lowest) * (box + 4)
            body.append(_rect(x, mid - 9, box, 18, REACHED_COLOR if is_reached else OPEN_COLOR, stroke="#999999"))
            body.append(_text(x + box / 2, mid, level, anchor="middle", size=10,
                              fill="#ffffff" if is_reached else "#666666"))
        body.append(_text(x + box + 10, mid, label, size=10))
        y += row
    return _svg("framework_levels", y + 6, body)


def svg_roadmap_timeline(ctx: ReportContext) -> str:
    """The roadmap's waves on a timeline (months at the given capacity, else cumulative effort)."""
    roadmap = ctx.roadmap
    waves = list(roadmap.waves) if roadmap is not None else []
    if roadmap is None or not waves:
        message = "No roadmap: the target is already reached." if roadmap is not None and roadmap.reached \
            else "No roadmap."
        return _svg("roadmap_timeline", 40, [_text(SVG_WIDTH / 2, 20, message, anchor="middle")])
    calendar = all(w.duration_quarters is not None for w in waves)
    lengths = [max((w.duration_quarters or 0) * 3.0 if calendar else w.effort.mid, 0.05) for w in waves]
    median = roadmap.estimate.historical_months if calendar else None
    total = max(sum(lengths), median or 0)
    left, right, row = 70.0, SVG_WIDTH - 250.0, 24.0
    scale = (right - left) / total
    body: list[str] = []
    y, start = 6.0, 0.0
    for wave, length in zip(waves, lengths, strict=True):
        mid = y + row / 2
        body.append(_text(0, mid, f"Wave {wave.number}", size=10.5))
        color = REACHED_COLOR if wave.target_reached else CAPABILITY_COLORS[2]
        body.append(_rect(left + start * scale, mid - 8, length * scale, 16, color))
        n = len(wave.practices)
        body.append(_text(left + (start + length) * scale + 6, mid,
                          f"{n} practice{'s' if n != 1 else ''}, then ML{wave.maturity_level_after}"
                          f"{', target reached' if wave.target_reached else ''}", size=10))
        start += length
        y += row
    body.append(f'<line x1="{left:g}" y1="{y + 2:g}" x2="{right:g}" y2="{y + 2:g}" stroke="#888888"/>')
    unit = "months" if calendar else "person-weeks"
    planned = sum(lengths)
    body.append(_text(left, y + 14, "0", size=9.5))
    body.append(_text(left + planned * scale, y + 14, f"{plain(planned)} {unit}", anchor="middle", size=9.5))
    caption_y = y + 30
    if median is not None:
        x = left + median * scale
        body.append(f'<line x1="{x:g}" y1="2" x2="{x:g}" y2="{y + 20:g}" stroke="#555555" stroke-dasharray="4 3"/>')
        body.append(_text(x + 4, y + 28, f"historical median: {median} months", size=9.5, fill="#555555"))
        caption_y = y + 46
    axis = (f"months at {roadmap.estimate.capacity:g} person-weeks per quarter" if calendar
            else "cumulative effort in person-weeks (midpoint estimate; no capacity given)")
    body.append(_text(0, caption_y, f"Roadmap toward {roadmap.target.label}; axis: {axis}.", size=10,
                      fill="#555555"))
    y = caption_y - 30
    return _svg("roadmap_timeline", y + 40, body)


def plain(value: float) -> str:
    """A number without needless decimals."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


SVG_CHARTS: dict[str, Callable[[ReportContext], str]] = {
    "maturity_profile": svg_maturity_profile,
    "heat_map": svg_heat_map,
    "framework_levels": svg_framework_levels,
    "roadmap_timeline": svg_roadmap_timeline,
}
"""Chart name -> its SVG drawing (no plotting library: the HTML report's path)."""


def chart_svg(ctx: ReportContext, name: str) -> str:
    """One chart as inline SVG markup for HTML (deterministic; imports no plotting library).

    Raises:
        KeyError: no chart of that name.
    """
    return SVG_CHARTS[name](ctx)


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
