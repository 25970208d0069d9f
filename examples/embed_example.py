"""Embedding mlops-maturity in a consulting firm's own tooling: the Python API and a firm's Jinja2 environment.

Run it from anywhere (it writes into OUTDIR, by default a new temporary directory):

    python examples/embed_example.py [FACT_FILE] [OUTDIR]

It shows three ways in:

1. the plain API: load the knowledge base and a fact file, assess, and read the result;
2. the report API: build the documented report context once and render it through the built-in templates
   (``render`` returns the bytes; nothing is printed or written by the library);
3. the firm's own ``jinja2.Environment``: ``register_jinja`` adds the tool's filters and globals, so the firm's
   templates can call the engine (``maturity_context(path)``) and use the built-in macros (``builtin_loader``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import jinja2
from mlops_maturity import assess, load_facts, load_kb
from mlops_maturity.engine.report import build_context, builtin_loader, register_jinja, render

HERE = Path(__file__).resolve().parent

FIRM_LETTER = """\
{%- import "builtin/macros.md.j2" as md -%}
{%- set ctx = maturity_context(fact_file) -%}
{%- set level = md.level_badge(ctx.maturity.level, ctx.maturity.name, "CMMI maturity level") -%}
Dear {{ client }},

thank you for the interviews. {{ ctx.organization.name }} is at {{ level }}.
{% if ctx.roadmap and not ctx.roadmap.reached %}
Our proposal for the first wave toward {{ ctx.roadmap.target.label }}:
{% for item in ctx.roadmap["items"] if item.wave == 1 %}
- {{ item.name }} (now {{ item.status | maturity_characterization }}, {{ item.effort | maturity_effort }})
{% endfor %}
{% endif %}
Kind regards,
Northwind Advisory
"""


def main(argv: list[str]) -> None:
    """Assess, render the built-in reports, then render a letter from the firm's own environment."""
    fact_file = Path(argv[0]) if argv else HERE / "enterprise-near-l3.yaml"
    outdir = Path(argv[1]) if len(argv) > 1 else Path(tempfile.mkdtemp(prefix="maturity-embed-"))
    outdir.mkdir(parents=True, exist_ok=True)

    # 1. The plain API: every function returns a pydantic model.
    kb = load_kb()
    facts = load_facts(fact_file, kb)
    result = assess(kb, facts)
    print(f"{result.organization}: maturity level {result.maturity_level} ({result.maturity_level_name})")

    # 2. The report API: one context (documented in docs/report-context.md), any number of templates.
    context = build_context(kb, facts, source=str(fact_file))
    for template, name in (("markdown", "report.md"), ("html", "report.html")):
        report = render(context, template)
        (outdir / name).write_bytes(report.content)
        print(f"wrote {outdir / name} ({report.media_type}, {len(report.content)} bytes)")

    # 3. The firm's own environment (not sandboxed: it runs the firm's own templates).
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.DictLoader({"letter.md.j2": FIRM_LETTER}), builtin_loader()]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
    )
    register_jinja(env)
    letter = env.get_template("letter.md.j2").render(fact_file=str(fact_file), client="Ms. Example")
    (outdir / "firm-letter.md").write_text(letter, encoding="utf-8")
    print(f"wrote {outdir / 'firm-letter.md'}")
    print(letter)


if __name__ == "__main__":
    main(sys.argv[1:])
