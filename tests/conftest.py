"""Shared fixtures: the shipped knowledge base, the tiny test knowledge base, a CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlops_maturity.engine.kb import KnowledgeBase, load_knowledge_base
from typer.testing import CliRunner

TESTS = Path(__file__).parent
ROOT = TESTS.parent
MINI_KB = TESTS / "fixtures" / "kb" / "mini"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The shipped knowledge base."""
    return load_knowledge_base()


@pytest.fixture(scope="session")
def mini_kb() -> KnowledgeBase:
    """A tiny standalone knowledge base for engine tests."""
    return load_knowledge_base(base=MINI_KB)


@pytest.fixture()
def runner() -> CliRunner:
    """A CLI runner; ``result.stderr`` is kept apart from ``result.stdout``."""
    return CliRunner()
