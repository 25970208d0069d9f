"""Running the ``maturity`` command in a real pseudo-terminal of a given size, and checking what a user sees there:
no line wider than the terminal, no id split or cut. Shared by the terminal tests of every command."""

from __future__ import annotations

import os
import re
import sys
from functools import cache

import pexpect

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")
ID_TOKEN = re.compile(r"(?<![\w.-])([a-z]{2,5}\.[a-z0-9][a-z0-9.-]*|[A-Z]{2,5}\.(?:SP|GP|SG|GG)[0-9.]*)")


def run_in_terminal(args: list[str], columns: int, rows: int = 50, env: dict[str, str] | None = None,
                    timeout: float = 120) -> tuple[int, list[str]]:
    """Run ``maturity ARGS`` in a pty of ``columns`` x ``rows`` (COLUMNS unset: the width comes from the terminal
    itself); the exit status and the lines it printed, with colour codes removed."""
    environment = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES", "NO_COLOR"}}
    environment.update({"TERM": "xterm-256color", "PYTHONUNBUFFERED": "1"})
    environment.update(env or {})
    child = pexpect.spawn(sys.executable, ["-m", "mlops_maturity.cli", *args], dimensions=(rows, columns),
                          env=environment, encoding="utf-8", timeout=timeout)
    output = child.read()
    child.close()
    lines = [ANSI.sub("", line) for line in output.replace("\r\n", "\n").split("\n")]
    return child.exitstatus if child.exitstatus is not None else -1, lines


def raw_in_terminal(args: list[str], columns: int, env: dict[str, str] | None = None) -> str:
    """The raw output (colour codes kept) of ``maturity ARGS`` in a pty."""
    environment = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES", "NO_COLOR"}}
    environment.update({"TERM": "xterm-256color"})
    environment.update(env or {})
    child = pexpect.spawn(sys.executable, ["-m", "mlops_maturity.cli", *args], dimensions=(50, columns),
                          env=environment, encoding="utf-8", timeout=120)
    output: str = child.read()
    child.close()
    return output


@cache
def known_ids() -> frozenset[str]:
    """Every id a user may need to type or look up: practices, CMMI practices, goals, process areas, frameworks."""
    from mlops_maturity.engine.kb import load_knowledge_base

    kb = load_knowledge_base()
    ids = set(kb.practices) | {pa.id for pa in kb.process_areas} | set(kb.frameworks)
    ids |= set(kb.model_practices) | set(kb.goals)
    ids |= {g.split(".", 1)[1] for g in kb.goals if "." in g}
    return frozenset(ids)


def split_ids(lines: list[str]) -> list[str]:
    """Tokens that look like an id but are not one: the remains of an id split across lines or cut short."""
    known = known_ids()
    bad = []
    for line in lines:
        for token in ID_TOKEN.findall(line):
            token = token.rstrip(".,;:)")
            if token not in known and any(k.startswith(token) and k != token for k in known):
                bad.append(token)
    return bad


def too_wide(lines: list[str], columns: int) -> list[str]:
    """Lines wider than the terminal."""
    from rich.cells import cell_len

    return [line for line in lines if cell_len(line) > columns]
