"""Regenerate the golden explanations: ``python tests/golden/explain/regenerate.py`` (from the repository root).

For every example fact file ``examples/NAME.yaml``, the explanation of the level above the example's assessed level
(``maturity why examples/NAME.yaml --level N``) is written as ``NAME.level-N.md`` (Markdown) and
``NAME.level-N.json`` (JSON) beside this script. Stale golden files (an example was removed) are deleted.
``tests/test_explain_golden.py`` fails on any difference and points here.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent


def golden_texts() -> dict[str, str]:
    """File name -> expected text, for every example."""
    from mlops_maturity.engine.api import to_json
    from mlops_maturity.engine import formats
    from mlops_maturity.engine.explain import level_explanation
    from mlops_maturity.engine.facts import load_fact_file
    from mlops_maturity.engine.kb import load_knowledge_base
    from mlops_maturity.engine.session import Session

    kb = load_knowledge_base()
    out: dict[str, str] = {}
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        facts = load_fact_file(path, kb)
        source = path.relative_to(ROOT).as_posix()  # relative: the golden files do not depend on the checkout
        session = Session(kb, facts, source=source)  # the rules engine, verified: one assessment per example
        level = min(session.assessment.maturity_level + 1, 5)
        explanation = level_explanation(session, level)
        out[f"{path.stem}.level-{level}.md"] = formats.render("markdown", explanation)
        out[f"{path.stem}.level-{level}.json"] = to_json(explanation)
    return out


def main() -> int:
    """Write every golden file and delete stale ones."""
    texts = golden_texts()
    for name, text in texts.items():
        (HERE / name).write_text(text, encoding="utf-8")
    for stale in sorted(set(p.name for p in HERE.glob("*.md")) | set(p.name for p in HERE.glob("*.json"))):
        if stale not in texts:
            (HERE / stale).unlink()
            sys.stderr.write(f"removed stale {stale}\n")
    sys.stderr.write(f"wrote {len(texts)} golden files to {HERE.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
