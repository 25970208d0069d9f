"""Regenerate the golden reports and the template-context reference page.

    python tests/golden/report/regenerate.py

Writes, for every ``examples/*.yaml``, ``tests/golden/report/<example>.md`` and ``<example>.html`` (the built-in
Markdown and HTML templates), and ``docs/report-context.md`` (every field of the template context with its type,
description and an example value from ``examples/enterprise-near-l3.yaml``). ``tests/test_report.py`` checks the
golden files byte for byte and that the reference page lists every field.

The golden HTML is rendered with ``charts=False`` (a placeholder where each chart goes) and a fixed tool version:
chart bytes depend on the installed matplotlib, and a version bump should not change every golden file. Charts are
tested for determinism and content separately.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
GOLDEN = Path(__file__).resolve().parent
DOC = ROOT / "docs" / "report-context.md"
DOC_EXAMPLE = "enterprise-near-l3"
GOLDEN_VERSION = "0.0.0-golden"

if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))


def examples() -> list[Path]:
    """The example fact files."""
    return sorted((ROOT / "examples").glob("*.yaml"))


def golden_context(path: Path, kb: Any = None) -> Any:
    """The context the golden files are rendered from (source relative to the repository, fixed version)."""
    from mlops_maturity.engine.facts import load_fact_file
    from mlops_maturity.engine.kb import load_knowledge_base
    from mlops_maturity.engine.report import ToolInfo, build_context
    from mlops_maturity.engine.session import Session

    kb = kb or load_knowledge_base()
    facts = load_fact_file(path, kb)
    context = build_context(Session(kb, facts, source=path.relative_to(ROOT).as_posix()))
    return context.model_copy(update={"tool": ToolInfo(name="mlops-maturity", version=GOLDEN_VERSION)})


def golden_reports(context: Any) -> dict[str, bytes]:
    """Suffix -> the golden bytes for one context."""
    from mlops_maturity.engine.report import render

    return {
        ".md": render(context, "markdown").content,
        ".html": render(context, "html", charts=False).content,
    }


# --- the reference page -------------------------------------------------------------------------------------------


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def _type(schema: dict[str, Any], node: dict[str, Any]) -> str:
    if "$ref" in node:
        return node["$ref"].split("/")[-1]
    if "anyOf" in node:
        return " or ".join(_type(schema, n) for n in node["anyOf"])
    kind = node.get("type")
    if kind == "array":
        return f"list of {_type(schema, node.get('items', {}))}"
    if kind == "object" and "additionalProperties" in node and isinstance(node["additionalProperties"], dict):
        return f"map of {_type(schema, node['additionalProperties'])}"
    if "enum" in node:
        return " | ".join(json.dumps(v) for v in node["enum"])
    if "const" in node:
        return json.dumps(node["const"])
    fmt = node.get("format")
    return f"{kind} ({fmt})" if fmt else str(kind or "any")


def _object_of(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any] | None:
    """The object schema a field holds (directly, in a list, or optional), if any."""
    node = _resolve(schema, node)
    if "anyOf" in node:
        for option in node["anyOf"]:
            found = _object_of(schema, option)
            if found is not None:
                return found
        return None
    if node.get("type") == "array":
        return _object_of(schema, node.get("items", {}))
    return node if "properties" in node else None


def _example(value: Any) -> str:
    if value is _MISSING:
        return ""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) > 70:
        text = text[:67] + "..."
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


_MISSING = object()


def _first(value: Any) -> Any:
    """An example element of a list value (the first), or the value itself."""
    if isinstance(value, list):
        return value[0] if value else _MISSING
    return value


def field_rows(schema: dict[str, Any], data: Any) -> list[tuple[str, str, str, str]]:
    """(path, type, description, example) for every field of the context, depth first, recursion cut."""
    rows: list[tuple[str, str, str, str]] = []

    def walk(node: dict[str, Any], value: Any, prefix: str, seen: tuple[str, ...]) -> None:
        for name, field in node["properties"].items():
            sub = value.get(name, _MISSING) if isinstance(value, dict) else _MISSING
            resolved = _resolve(schema, field)
            description = field.get("description") or resolved.get("description") or ""
            is_list = resolved.get("type") == "array" or any(
                _resolve(schema, o).get("type") == "array" for o in resolved.get("anyOf", []))
            path = f"{prefix}{name}" + ("[]" if is_list else "")
            child = _object_of(schema, field)
            example = "" if child is not None else _example(_first(sub) if is_list else sub)
            rows.append((path, _type(schema, field), " ".join(description.split()), example))
            if child is not None:
                ref = child.get("title", "")
                if ref in seen:
                    rows.append((f"{path}.…", "", f"(recursive: the same fields as {ref})", ""))
                    continue
                walk(child, _first(sub) if is_list else sub, path + ".", (*seen, ref))

    walk(schema, data, "", (schema.get("title", ""),))
    return rows


def reference_page(context: Any) -> str:
    """docs/report-context.md."""
    from mlops_maturity.engine.report import CONTEXT_SCHEMA_VERSION, FILTERS, ReportContext

    schema = ReportContext.model_json_schema()
    data = context.template_data()
    lines = [
        "# The report template context",
        "",
        "<!-- Generated by tests/golden/report/regenerate.py from the ReportContext model; do not edit by hand. -->",
        "",
        f"Every report template (Markdown, HTML, Word, or a firm's own) receives one context, version "
        f"`{CONTEXT_SCHEMA_VERSION}`: the JSON form of the `ReportContext` model (`engine/report.py`). Its JSON Schema "
        "is printed by `maturity schema report-context`. Top-level fields are top-level template variables: "
        "`{{ organization.name }}`, `{% for pa in process_areas %}`. Dates are ISO strings (`2026-03-12`).",
        "",
        "Note: `roadmap.items` is a dict key that collides with Jinja's attribute lookup of `dict.items`; write "
        "`roadmap[\"items\"]`.",
        "",
        "Besides the fields below, templates have:",
        "",
        "- `chart(name, width_mm=160)`: one of `maturity_profile` (current against target), `heat_map`, "
        "`framework_levels`, `roadmap_timeline`; inline SVG in HTML (drawn without matplotlib), a PNG image in Word, "
        "a PNG data URI (Markdown image) elsewhere.",
        "- `report.layout` (`full` or `one-pager`, from `maturity report --layout`) and `report.appendix` (from "
        "`--appendix`; only then is `crosswalk` computed): the built-in templates follow them.",
        "- filters: " + ", ".join(f"`{name}`" for name in FILTERS) + " (see `engine/report.py`), and Jinja2's "
        "built-in filters and tests.",
        "- macros: `builtin/macros.html.j2` and `builtin/macros.md.j2` (`level_badge`, `process_area_matrix`, "
        "`goal_summary`, `practice_mark`, `generic_goal_cell`, `target_profile_table`, `level_needs`, "
        "`framework_table`, `direct_table`, `crosswalk_table`, `findings_list`, `explanation_tree` (with `goal_gap`, "
        "`model_practice_gap`, `alternative_gap`, `practice_gap`, `prerequisite_tree`), `roadmap_table`, "
        "`evidence_table`, `main_gaps`, `framework_explanation`; Markdown also `heat_map_table`); layouts `builtin/base.html.j2`, `builtin/report.html.j2`, `builtin/report.md.j2` to "
        "extend (see `examples/templates/`).",
        "",
        "Templates run in a sandbox: no attribute or key starting with `_`, no mutation of lists or dicts, no "
        "`range()` over 10,000 items (1,000,000 in total), strings built by operators, calls and filters up to "
        "1,000,000 characters, output up to 20,000,000 characters, 60 seconds at most. A violation is an error that "
        "names the template and the line; nothing is written.",
        "",
        f"Examples come from `examples/{DOC_EXAMPLE}.yaml` (the first element of each list).",
        "",
        "| Field | Type | Description | Example |",
        "|---|---|---|---|",
    ]
    for path, kind, description, example in field_rows(schema, data):
        lines.append(f"| `{path}` | {kind.replace('|', '/')} | {description.replace('|', '/')} | {example} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Write the golden files and the reference page."""
    from mlops_maturity.engine.kb import load_knowledge_base

    kb = load_knowledge_base()
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for path in examples():
        context = golden_context(path, kb)
        for suffix, content in golden_reports(context).items():
            target = GOLDEN / f"{path.stem}{suffix}"
            target.write_bytes(content)
            sys.stdout.write(f"wrote {target.relative_to(ROOT)}\n")
        if path.stem == DOC_EXAMPLE:
            DOC.parent.mkdir(exist_ok=True)
            DOC.write_text(reference_page(context), encoding="utf-8")
            sys.stdout.write(f"wrote {DOC.relative_to(ROOT)}\n")


if __name__ == "__main__":
    main()
