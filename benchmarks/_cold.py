"""What the cold-start benchmarks share: the baselines a fresh process is measured against, and compiled bytecode.

Two baselines, each run in the same turns as the commands measured:

- ``DEPENDENCY_STACK``, the bare import of the dependency stack. ``import pydantic`` is lazy (pydantic 2 imports its
  model machinery on first use), and ``import typer`` does not import what typer needs to parse a command line, so
  this is less than any program that uses the stack pays.
- ``MINIMAL_PROGRAM``, a minimal program on the same stack: one pydantic model validated, a one-command typer app
  invoked with an option, the durable_rules engine, a jinja2 template and a YAML document. This is the floor of a
  command-line tool built on these libraries, before any code of its own.

``ensure_bytecode`` compiles the project's modules first: pip writes bytecode for the dependencies when it installs
them, but an editable install of the project gets its bytecode only when Python may write it, and where
``PYTHONDONTWRITEBYTECODE`` is set (as on some CI machines) every fresh process would compile the project's
sources again, which measures the compiler, not the program.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEPENDENCY_STACK = "import durable.engine, pydantic, typer, jinja2, ruamel.yaml, yaml, rich, orjson"

MINIMAL_PROGRAM = """
import durable.engine, jinja2, orjson, rich, ruamel.yaml, yaml
import typer
from pydantic import BaseModel

class Settings(BaseModel):
    name: str
    level: int = 1

app = typer.Typer(add_completion=False)

@app.command()
def main(name: str, level: int = 1) -> None:
    data = yaml.safe_load("level: %d" % level)
    text = jinja2.Environment(autoescape=True).from_string("{{ s.name }} {{ s.level }}").render(
        s=Settings(name=name, level=data["level"]))
    orjson.dumps(text)

app(["x", "--level", "2"], standalone_mode=False)
"""

REFERENCE_ROADMAP = """
import sys
from mlops_maturity.engine import roadmap
planned = roadmap.roadmap_file
roadmap.roadmap_file = lambda *args, **kwargs: planned(*args, **{**kwargs, "evaluator": "reference"})
from mlops_maturity.cli import main
sys.argv = ["maturity", "roadmap", sys.argv[1], "--format", "json"]
sys.exit(main())
"""
"""``maturity roadmap EXAMPLE --format json`` by the command line's own path (``cli.main``, which imports only the
roadmap command), with the reference evaluator in place of the rules engine: the command line has no switch for it.
Everything else the command does (loading, the cross-check, planning, the JSON) is the same."""

PACKAGE_DIRS = ("api", "engine", "cli", "knowledge_base")


def ensure_bytecode() -> str:
    """Compile the project's modules to ``__pycache__`` (as ``pip install`` does for an installed package); the
    line to print about it."""
    for name in PACKAGE_DIRS:
        compileall.compile_dir(str(ROOT / name), quiet=1)
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return ("note: PYTHONDONTWRITEBYTECODE is set; the project's bytecode was compiled first, as an installed "
                "package's is")
    return "bytecode of the project's modules compiled first, as an installed package's is"


def alternating_medians(commands: list[list[str]], repeat: int) -> list[float]:
    """Median seconds of each command run ``repeat`` times in turns (one of each, then again), so that a busy moment
    of a shared machine weighs on all alike; each is run once untimed first (which may fill the knowledge-base
    cache). Standard output is discarded; a failing command raises."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    for command in commands:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    samples: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for command, times in zip(commands, samples, strict=True):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
            times.append(time.perf_counter() - start)
    return [statistics.median(times) for times in samples]
