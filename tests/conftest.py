"""Shared fixtures: the shipped knowledge base, the tiny test knowledge base, a CLI runner."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from mlops_maturity.engine.kb import CACHE_DIR_VARIABLE, KnowledgeBase, load_knowledge_base
from typer.testing import CliRunner

TESTS = Path(__file__).parent
ROOT = TESTS.parent
MINI_KB = TESTS / "fixtures" / "kb" / "mini"
EXAMPLES = ROOT / "examples"

_KB_CACHE: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    """The test run (and every process it starts) caches the knowledge base in a directory of its own, never in
    the user's cache directory; set before any test module loads a knowledge base at import."""
    _KB_CACHE.append(tempfile.mkdtemp(prefix="mlops-maturity-test-cache-"))
    os.environ[CACHE_DIR_VARIABLE] = _KB_CACHE[0]


def pytest_unconfigure(config: pytest.Config) -> None:
    for directory in _KB_CACHE:
        shutil.rmtree(directory, ignore_errors=True)


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
