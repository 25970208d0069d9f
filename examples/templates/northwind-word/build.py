"""Build Northwind Advisory's branded Word template ``report.docx`` (an example of a firm's own Word template).

    python examples/templates/northwind-word/build.py

It reuses the layout of the built-in template (``engine/templates/build_docx_template.py``) with the firm's brand:
its green, its font, its own title band and header text, and a confidentiality footer. Render it with:

    maturity report examples/enterprise-near-l3.yaml --template examples/templates/northwind-word --out client.docx

A firm can equally open the generated ``report.docx`` in Word and change its named styles (Report Title, Heading 1,
Table Text, ...) and texts; the docxtpl tags ({{ ... }}, {%p ... %}, {%tr ... %}) are what fills it in.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
BUILDER = ROOT / "engine" / "templates" / "build_docx_template.py"

spec = importlib.util.spec_from_file_location("build_docx_template", BUILDER)
assert spec is not None and spec.loader is not None
builder = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = builder  # dataclasses look their module up
spec.loader.exec_module(builder)

NORTHWIND = builder.Brand(
    accent="0B6E4F",
    accent_light="E3F1EC",
    font="Times New Roman",  # metric-compatible Liberation Serif where it is not installed
    title="Northwind Advisory · ML Ops maturity review",
    header="Prepared for {{ organization.name }} · {{ organization.assessed_on }} · Confidential",
    footer="Northwind Advisory · Confidential · {{ organization.name }}",
    author="Northwind Advisory",
)


def build() -> bytes:
    """The branded template's bytes (deterministic)."""
    return builder.build(NORTHWIND)


if __name__ == "__main__":
    (HERE / "report.docx").write_bytes(build())
