"""Layers point down: cli -> engine -> knowledge data; only the adapter touches durable_rules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_engine_never_imports_the_cli() -> None:
    for path in (ROOT / "engine").rglob("*.py"):
        assert not any(n.startswith("mlops_maturity.cli") for n in _imports(path)), path


def test_only_the_adapter_imports_durable() -> None:
    for folder in ("engine", "cli", "api"):
        for path in (ROOT / folder).rglob("*.py"):
            uses = any(n == "durable" or n.startswith("durable.") for n in _imports(path))
            assert uses == (path.name == "rules_engine.py"), path


def test_engine_never_prints_or_exits() -> None:
    for path in (ROOT / "engine").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"print", "exit", "quit"}, f"{path}:{node.lineno}"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert (node.value.id, node.attr) not in {("sys", "exit"), ("sys", "stdout"), ("os", "_exit")}, (
                    f"{path}:{node.lineno}"
                )
