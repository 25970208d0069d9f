"""Static checks: mypy over the whole package, and the import-linter layer contracts.

The package-dir layout (``mlops_maturity`` = ``api/``, ``mlops_maturity.engine`` = ``engine/``, ...) hides the package
from both tools: an editable install maps it with an import hook that neither follows. So each check copies the
sources into a temporary tree laid out as the installed package, and runs the tool there with this project's
``pyproject.toml``. Messages name the source files as they are in the repository (``engine/kb.py:12: ...``).

Run locally::

    .venv/bin/python tests/test_typecheck.py          # both checks, the tools' own output
    .venv/bin/pytest -q tests/test_typecheck.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"

# Mirrors [tool.setuptools] package-dir in pyproject.toml (test_package_dirs_match_pyproject holds them together).
PACKAGE_DIRS: dict[str, str] = {
    "mlops_maturity": "api",
    "mlops_maturity.cli": "cli",
    "mlops_maturity.engine": "engine",
    "mlops_maturity.knowledge_base": "knowledge_base",
}

_SOURCE_SUFFIXES = {".py", ".pyi"}


def build_tree(dest: Path) -> None:
    """Copy the package's sources into ``dest`` laid out as installed (``dest/mlops_maturity/engine/...``)."""
    for package, folder in sorted(PACKAGE_DIRS.items()):
        target = dest.joinpath(*package.split("."))
        source = ROOT / folder
        nested = {ROOT / d for p, d in PACKAGE_DIRS.items() if p.startswith(package + ".")}
        for path in sorted(source.rglob("*")):
            if any(n == path or n in path.parents for n in nested) or "__pycache__" in path.parts:
                continue
            if path.is_file() and (path.suffix in _SOURCE_SUFFIXES or path.name == "py.typed"):
                out = target / path.relative_to(source)
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, out)


def _to_repository_paths(text: str, tree: Path) -> str:
    """Rewrite ``<tree>/mlops_maturity/engine/x.py`` and ``mlops_maturity/engine/x.py`` to ``engine/x.py``."""
    text = text.replace(str(tree) + os.sep, "")
    for package, folder in sorted(PACKAGE_DIRS.items(), key=lambda item: -len(item[0])):
        prefix = package.replace(".", "/") + "/"
        text = re.sub(rf"(?m)^{re.escape(prefix)}(?=[\w/]+\.pyi?:)", folder + "/", text)
    return text


def _env(tree: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree)  # the tree's mlops_maturity wins over the editable install's import hook
    env.pop("MYPYPATH", None)
    return env


def _run(command: list[str], tree: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(command, cwd=tree, env=_env(tree), capture_output=True, text=True, check=False)
    return subprocess.CompletedProcess(command, done.returncode, _to_repository_paths(done.stdout, tree),
                                       _to_repository_paths(done.stderr, tree))


def mypy_in(tree: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    """mypy with the [tool.mypy] settings of pyproject.toml, in a tree made by build_tree."""
    return _run([sys.executable, "-m", "mypy", "--config-file", str(PYPROJECT), "--cache-dir",
                 str(tree / ".mypy_cache"), *(targets or ("-p", "mlops_maturity"))], tree)


def lint_imports_in(tree: Path) -> subprocess.CompletedProcess[str]:
    """The [tool.importlinter] contracts of pyproject.toml, in a tree made by build_tree."""
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return _run([sys.executable, "-c", code, str(PYPROJECT), "--no-cache", "--no-logo"], tree)


def run_mypy() -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="mlops-mypy-") as tmp:
        build_tree(Path(tmp))
        return mypy_in(Path(tmp))


def run_import_linter() -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="mlops-lint-imports-") as tmp:
        build_tree(Path(tmp))
        return lint_imports_in(Path(tmp))


def test_package_dirs_match_pyproject() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["package-dir"] == PACKAGE_DIRS


def test_tree_has_every_source_file(tmp_path: Path) -> None:
    build_tree(tmp_path)
    expected = sorted(
        str(Path(*p.split(".")) / f.relative_to(ROOT / d))
        for p, d in PACKAGE_DIRS.items()
        for f in (ROOT / d).rglob("*.py") if "templates" not in f.relative_to(ROOT / d).parts
    )
    assert sorted(str(f.relative_to(tmp_path)) for f in tmp_path.glob("mlops_maturity/**/*.py")
                  if f.parent.name != "templates") == expected


def test_mypy() -> None:
    done = run_mypy()
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Success: no issues found"), done.stdout


def test_mypy_sees_the_package(tmp_path: Path) -> None:
    """A type error planted in a copy of the tree is found: mypy really checks the engine's code."""
    build_tree(tmp_path)
    (tmp_path / "mlops_maturity" / "engine" / "zz_planted.py").write_text(
        "from mlops_maturity.engine.kb import KnowledgeBase\n\n\ndef f(kb: KnowledgeBase) -> int:\n"
        "    return kb.no_such_attribute\n", encoding="utf-8")
    done = mypy_in(tmp_path, "mlops_maturity/engine/zz_planted.py")
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("engine/zz_planted.py:5: error:"), done.stdout
    assert '"KnowledgeBase" has no attribute "no_such_attribute"  [attr-defined]' in done.stdout


def test_layer_contracts() -> None:
    done = run_import_linter()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout, done.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("engine/zz_planted.py", "from mlops_maturity.cli import common", "Layers: cli -> engine -> knowledge data"),
        ("engine/zz_planted.py", "import durable.lang", "Only engine/rules_engine.py imports durable_rules"),
        ("cli/zz_planted.py", "from durable import engine", "Only engine/rules_engine.py imports durable_rules"),
        ("knowledge_base/zz_planted.py", "import mlops_maturity.engine.kb", "Layers: cli -> engine -> knowledge data"),
    ],
    ids=["engine-imports-cli", "engine-imports-durable", "cli-imports-durable", "knowledge-imports-engine"],
)
def test_layer_contracts_catch_a_planted_import(tmp_path: Path, module: str, line: str, broken: str) -> None:
    build_tree(tmp_path)
    (tmp_path / "mlops_maturity" / module).write_text(line + "\n", encoding="utf-8")
    done = lint_imports_in(tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"{broken} BROKEN" in done.stdout, done.stdout


if __name__ == "__main__":
    status = 0
    for run in (run_mypy, run_import_linter):
        result = run()
        sys.stdout.write(result.stdout)
        sys.stderr.write(result.stderr)
        status = status or result.returncode
    sys.exit(status)
