"""Build the built-in Word template ``report.docx`` with python-docx (run it after changing this file).

    python engine/templates/build_docx_template.py

The template holds docxtpl tags (Jinja2 inside Word): ``{{ ... }}`` in runs, ``{%p ... %}`` paragraph-level
loops and conditions, ``{%tr ... %}`` table-row loops, and ``{{ chart("...") }}`` paragraphs where the charts go
as images. It sees the same context as the other templates (docs/report-context.md). The generated file is
committed; ``tests/test_report_docx.py`` checks that it is what this script builds. A firm's own Word template
can be made the same way, or by typing the same tags into Word.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

HERE = Path(__file__).parent
OUTPUT = HERE / "report.docx"
ACCENT = RGBColor(0x31, 0x36, 0x95)
_FIXED_TIME = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def _tag(document: object, text: str) -> None:
    """A paragraph holding only a docxtpl block tag (``{%p ... %}``): docxtpl removes the paragraph."""
    document.add_paragraph(text)  # type: ignore[attr-defined]


def _table(document: object, headers: list[str], loop: str, cells: list[str], end: str = "{%tr endfor %}") -> None:
    """A table: a header row, then a row loop over ``loop`` with one row of ``cells``."""
    table = document.add_table(rows=4, cols=len(headers))  # type: ignore[attr-defined]
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    table.rows[1].cells[0].text = loop
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        cell.text = text
    table.rows[3].cells[0].text = end


def _model_practice(document: object) -> None:
    """A CMMI practice of the explanation (``mp``): its class, a direct characterization, and its alternatives
    with what each lacks (the cheapest marked)."""
    document.add_paragraph(  # type: ignore[attr-defined]
        "{{ mp.id }} {{ mp.name }}: {{ mp.status | practice_class }}{% if mp.direct %}, characterized directly as "
        "{{ mp.direct.status | characterization }}: {{ mp.direct.rationale }}{% endif %}{% if mp.inherits %}; "
        "inherits {{ mp.inherits }} ({{ mp.inherited_status | practice_class }}){% endif %}", style="List Bullet 2")
    _tag(document, "{%p for x in mp.alternatives %}")
    document.add_paragraph(  # type: ignore[attr-defined]
        "{{ x.label }}{% if x.cheapest %} (cheapest){% endif %}: {{ x.status | practice_class }}{% if x.lacks %}; "
        "lacks {% for q in x.lacks %}{{ q.name }} ({{ q.id }}, {{ q.characterization }}){% if not loop.last %}, "
        "{% endif %}{% endfor %}; cost {{ x.cost | effort }}{% endif %}", style="List Bullet 3")
    _tag(document, "{%p endfor %}")


def build() -> bytes:
    """The template's bytes (deterministic: fixed document properties and zip timestamps)."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    props = document.core_properties
    props.title = "ML Ops maturity assessment: {{ organization.name }}"
    props.author = "mlops-maturity"
    props.created = props.modified = _FIXED_TIME
    props.last_modified_by = "mlops-maturity"
    props.revision = 1

    document.add_heading("ML Ops maturity assessment: {{ organization.name }}", level=0)
    document.add_paragraph("Assessed on {{ organization.assessed_on }}{% if organization.assessor %} by "
                           "{{ organization.assessor }}{% endif %}.")
    _tag(document, "{%p if organization.scope %}")
    document.add_paragraph("Scope: {{ organization.scope }}")
    _tag(document, "{%p endif %}")

    document.add_heading("Result", level=1)
    level = document.add_paragraph()
    level.alignment = WD_ALIGN_PARAGRAPH.LEFT
    run = level.add_run("CMMI maturity level {{ maturity.level }} ({{ maturity.name }})")
    run.bold = True
    run.font.size = Pt(18)
    run.font.color.rgb = ACCENT
    document.add_paragraph("{{ maturity.ml_meaning }}")
    document.add_paragraph("{{ practice_summary.satisfied }} of {{ practice_summary.total }} practices are fully or "
                           "largely implemented; {{ practice_summary.observed }} were observed; "
                           "{{ findings | length | plural('finding') }}.")
    _tag(document, "{%p if target.level is not none %}")
    document.add_paragraph("Target: maturity level {{ target.level }} ({{ target.name }}){% if target.reached %}, "
                           "already reached{% endif %}.")
    _tag(document, "{%p elif maturity.next_level is none %}")
    document.add_paragraph("Already at the highest level: there is no roadmap.")
    _tag(document, "{%p endif %}")

    document.add_heading("Capability profile", level=1)
    document.add_paragraph('{{ chart("maturity_profile") }}')
    _table(document, ["ML", "Process area", "Rating", "Capability", "Target"],
           "{%tr for pa in process_areas %}",
           ["{{ pa.maturity_level }}", "{{ pa.id }} {{ pa.name }}", "{{ pa.status | status_label }}",
            "{{ pa.capability_level | capability }}",
            "{% if pa.target_capability is not none %}{{ pa.target_capability }}{% else %}-{% endif %}"])

    document.add_heading("ML Ops maturity models", level=1)
    document.add_paragraph('{{ chart("framework_levels") }}')
    _table(document, ["Model", "Level reached"], "{%tr for fw in frameworks %}",
           ["{{ fw.name }}", "{% if fw.level is not none %}{{ fw.level }} {{ fw.level_name }}{% else %}below level "
            "{{ fw.lowest_level }}{% endif %}"])

    document.add_heading("Findings", level=1)
    _tag(document, "{%p for f in findings %}")
    finding = document.add_paragraph(style="List Bullet")
    finding.add_run("{{ f.severity }}: {{ f.name }}. ").bold = True
    finding.add_run("{{ f.message }} Recommendation: {{ f.recommendation }}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if not findings %}")
    document.add_paragraph("No insight rule fired.")
    _tag(document, "{%p endif %}")

    _tag(document, "{%p if explanation %}")
    document.add_heading("{% if explanation.reached %}How level {{ explanation.level }} was reached{% else %}"
                         "Why level {{ explanation.level }} ({{ explanation.level_name }}) is not reached"
                         "{% endif %}", level=1)
    _tag(document, "{%p for line in explanation.summary %}")
    document.add_paragraph("{{ line }}", style="List Bullet")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p if not explanation.reached %}")
    _tag(document, "{%p for area in explanation.process_areas %}")
    area = document.add_paragraph()
    area.add_run("{{ area.id }} {{ area.name }}").bold = True
    area.add_run(" (maturity level {{ area.maturity_level }}): {{ area.status | status_label }}, "
                 "{% if area.capability_level is not none %}capability level {{ area.capability_level }}{% else %}"
                 "no capability level{% endif %}, needs {{ area.required_capability }}: {{ area.meaning }}")
    _tag(document, "{%p for goal in area.goals + area.generic_goals %}")
    document.add_paragraph("{{ goal.id }} {{ goal.name }}: {{ goal.status | status_label }}, {{ goal.meaning }}",
                           style="List Bullet")
    _tag(document, "{%p for mp in goal.practices %}")
    _model_practice(document)
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p for gg in explanation.generic_goals %}")
    document.add_paragraph("{{ gg.id }} {{ gg.name }} (organization-wide): {{ gg.status | status_label }}, "
                           "{{ gg.meaning }}", style="List Bullet")
    _tag(document, "{%p for mp in gg.practices %}")
    _model_practice(document)
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p for o in explanation.obstacles %}")
    document.add_paragraph("Adopting practices cannot change {{ o.id }}: {{ o.reason }}.", style="List Bullet")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if explanation.adoption %}")
    document.add_paragraph("{% if explanation.minimal %}Smallest set{% else %}A set{% endif %} of practices whose "
                           "adoption reaches level {{ explanation.level }}"
                           "{% if explanation.verified %} (verified by re-running the engine){% endif %}:")
    _tag(document, "{%p for a in explanation.adoption %}")
    document.add_paragraph("{{ a.name }} ({{ a.id }}): now {{ a.characterization }}; needed for "
                           "{{ a.fixes | join(', ') or 'prerequisite of ' ~ a.prerequisite_of | join(', ') }}.",
                           style="List Number")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p endif %}")

    _tag(document, "{%p if roadmap %}")
    document.add_heading("Roadmap toward {{ roadmap.target.label }}", level=1)
    _tag(document, "{%p if roadmap.reached %}")
    document.add_paragraph("The target is already reached: nothing to plan.")
    _tag(document, "{%p else %}")
    document.add_paragraph('{{ chart("roadmap_timeline") }}')
    _table(document, ["#", "Wave", "Practice", "Now", "Needed for", "Effort"], '{%tr for item in roadmap["items"] %}',
           ["{{ item.rank }}", "{{ item.wave }}", "{{ item.name }} ({{ item.practice }})", "{{ item.status }}",
            "{{ item.needed_for | join(', ') or 'prerequisite' }}", "{{ item.effort | effort }}"])
    _tag(document, "{%p for wave in roadmap.waves %}")
    document.add_paragraph("Wave {{ wave.number }}: {{ wave.practices | length | plural('practice') }}, "
                           "{{ wave.effort | effort }}. After it: maturity level {{ wave.maturity_level_after }} "
                           "({{ wave.maturity_level_name_after }}){% if wave.target_reached %}, target reached"
                           "{% endif %}.", style="List Bullet")
    _tag(document, "{%p endfor %}")
    document.add_paragraph("Total effort: {{ roadmap.estimate.effort | effort }}.{% if "
                           "roadmap.estimate.historical_months is not none %} Organizations historically needed a "
                           "median of {{ roadmap.estimate.historical_months }} months for the same step.{% endif %}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p if roadmap.assess_first %}")
    document.add_paragraph("Assess first (no evidence recorded; they may already be in place):")
    _tag(document, "{%p for item in roadmap.assess_first %}")
    document.add_paragraph("{{ item.name }} ({{ item.practice }}): {{ item.status | characterization }}.",
                           style="List Bullet")
    _tag(document, "{%p endfor %}")
    _tag(document, "{%p endif %}")
    _tag(document, "{%p elif roadmap_unavailable %}")
    document.add_heading("Roadmap toward level {{ target.level }} ({{ target.name }})", level=1)
    document.add_paragraph("No roadmap: {{ roadmap_unavailable }}")
    _tag(document, "{%p endif %}")

    document.add_heading("Crosswalk: the models against CMMI", level=1)
    _tag_table = ["{{ row.name }}", "{{ row.provenance }}",
                  "{{ row.strict.maturity_level }} {{ row.strict.maturity_level_name }}",
                  "{% if row.profile.characterization %}{{ row.profile.characterization.level }}: "
                  "{{ row.profile.characterization.label }}{% else %}-{% endif %}",
                  "{% if row.article_verdict %}{{ row.article_verdict.maturity_level }}{% if "
                  "row.article_verdict.near_miss %} (near miss){% endif %}{% else %}-{% endif %}",
                  "{{ row.agreement.label }}"]
    _table(document, ["Model", "Provenance", "Strict rating (CMMI level)", "Achievement profile", "Article's verdict",
                      "Agreement"], "{%tr for row in crosswalk.rows %}", _tag_table)

    document.add_heading("Evidence per practice", level=1)
    _table(document, ["Practice", "Status", "Evidence", "Note"],
           '{%tr for p in practices if p.status != "not_observed" %}',
           ["{{ p.name }} ({{ p.id }})", "{{ p.status }}", "{{ p.evidence | join('; ') or '-' }}",
            "{{ p.note or p.reason or '-' }}"])

    footer = document.sections[0].footer.paragraphs[0]
    footer.text = "{{ organization.name }}: generated by {{ tool.name }} {{ tool.version }}"
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalize(buffer.getvalue())


def _normalize(data: bytes) -> bytes:
    sys.path.insert(0, str(HERE.parent.parent))
    from mlops_maturity.engine.report import normalize_docx

    return normalize_docx(data)


if __name__ == "__main__":
    OUTPUT.write_bytes(build())  # silent, like the rest of the engine package; git shows whether it changed
