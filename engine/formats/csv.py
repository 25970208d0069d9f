"""CSV for a work tracker: one row per roadmap item (RFC 4180 through the csv module: comma-separated, fields with
commas, quotes or line breaks quoted, CRLF line ends), in plan order, with a header row.

Columns: wave, rank, id, name, status now, effort scope, units, effort min/max/expected (person-weeks, after
scaling by size and status), value, value per effort, quick win, reason (plain words), goal codes, evidence of
done (``; ``-joined), the assessor's note. Practices to assess first are rows with wave ``assess first`` and the
effort they would cost if missing."""

from __future__ import annotations

import io
from typing import Any

from mlops_maturity.engine import words
from mlops_maturity.engine.formats import RenderOptions

KINDS = frozenset({"roadmap"})

HEADER = ["wave", "rank", "id", "name", "status now", "effort scope", "units", "effort min (pw)", "effort max (pw)",
          "effort expected (pw)", "value", "value per effort", "quick win", "reason", "goal codes",
          "evidence of done", "note"]


def _codes(item: Any) -> str:
    return "; ".join(r.text for r in item.reasons)


def render(document: Any, kind: str, options: RenderOptions) -> str:
    import csv  # here, not at the top: every command lists the formats (imports this module), few write CSV (~1 ms)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    num = words.plain_number
    for i in document.items:
        b = i.effort_basis
        writer.writerow([i.wave, i.rank, i.practice, i.name, i.status, b.scope or "", b.units, num(i.effort.min),
                         num(i.effort.max), num(i.effort.mid), i.value,
                         "" if i.value_per_effort is None else num(i.value_per_effort),
                         "yes" if i.quick_win else "no", i.why, _codes(i), "; ".join(i.evidence), i.note or ""])
    for a in document.assess_first:
        b = a.effort_basis
        writer.writerow(["assess first", "", a.practice, a.name, a.status, b.scope or "", b.units, 0,
                         num(a.effort.max), num(a.effort.mid), "", "", "", a.why, _codes(a), "; ".join(a.evidence),
                         a.note or ""])
    return buffer.getvalue()
