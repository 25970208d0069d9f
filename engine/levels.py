"""Levels the user names: the next CMMI maturity level, and the checks of a maturity or framework level.

One place for these so that ``roadmap``, ``explain``, ``report`` and ``crosswalk`` agree on what "the next level"
is and accept (and refuse, with the same message) the same levels.
"""

from __future__ import annotations

from mlops_maturity.engine import documents
from mlops_maturity.engine.errors import Problem, UserInputError
from mlops_maturity.engine.kb import KnowledgeBase

LOWEST_MATURITY_LEVEL = 1
HIGHEST_MATURITY_LEVEL = 5


def next_level(level: int) -> int | None:
    """The CMMI maturity level above ``level``, or ``None`` at the highest level (5).

    What ``None`` means is the caller's decision: the roadmap plans nothing ("already at the highest level"),
    the report leaves its roadmap out, ``why`` explains how level 5 was reached.
    """
    return level + 1 if level < HIGHEST_MATURITY_LEVEL else None


def check_maturity_level(level: object, *, parameter: str = "target", shown: str | None = None) -> int:
    """``level`` when it is a CMMI maturity level (a whole number 1-5); otherwise a :class:`UserInputError`.

    Args:
        level: the value given.
        parameter: the engine parameter that gave it, named in the problem (the CLI names its flag instead).
        shown: how the user wrote it (default: ``str(level)``).

    Raises:
        UserInputError: not a whole number (``True`` is not one), or outside 1-5.
    """
    if isinstance(level, bool) or not isinstance(level, int) \
            or not LOWEST_MATURITY_LEVEL <= level <= HIGHEST_MATURITY_LEVEL:
        raise UserInputError([Problem.of_parameter(
            parameter, str(level) if shown is None else shown,
            f"CMMI maturity levels are {LOWEST_MATURITY_LEVEL}-{HIGHEST_MATURITY_LEVEL}, got {level!r}")])
    return level


def check_framework_level(
    kb: KnowledgeBase,
    framework: object,
    level: object | None,
    *,
    parameter: str = "target",
    level_parameter: str | None = None,
    shown: str | None = None,
) -> None:
    """Check a framework id and, unless ``None``, one of its levels against the knowledge base.

    Args:
        kb: the knowledge base.
        framework: the framework id given.
        level: the framework level given; ``None`` checks the framework alone.
        parameter: the engine parameter that gave the framework (and the level, unless ``level_parameter``),
            named in the problem.
        level_parameter: the parameter that gave the level, when it is a separate one (``framework`` and
            ``level`` of :func:`mlops_maturity.engine.explain.explain_file`).
        shown: how the user wrote the target (default: the framework id, or the level, as text).

    Raises:
        UserInputError: unknown framework or a level the framework lacks, with a suggestion.
    """
    if not isinstance(framework, str) or framework not in kb.frameworks:
        raise UserInputError([Problem.of_parameter(
            parameter, str(framework) if shown is None else shown,
            f"unknown framework {framework!r}{documents.suggest(framework, kb.frameworks)} "
            f"(known: {', '.join(kb.frameworks)})")])
    if level is None:
        return
    levels = [lv.level for lv in kb.frameworks[framework].levels]
    if isinstance(level, bool) or not isinstance(level, int) or level not in levels:
        hint = documents.suggest(str(level), [str(n) for n in levels])
        raise UserInputError([Problem.of_parameter(
            level_parameter or parameter, str(level) if shown is None else shown,
            f"framework {framework} has no level {level!r}{hint} (levels: {', '.join(map(str, levels))})")])


__all__ = [
    "HIGHEST_MATURITY_LEVEL",
    "LOWEST_MATURITY_LEVEL",
    "check_framework_level",
    "check_maturity_level",
    "next_level",
]
