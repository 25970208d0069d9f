"""Errors the engine raises. The CLI maps them to exit codes; the engine never prints or exits."""

from __future__ import annotations

from dataclasses import dataclass


class MaturityError(Exception):
    """Base of every error of this package."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a user's file: ``file: line N: field: message``."""

    file: str
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}: line {self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class UserInputError(MaturityError):
    """Bad input from the user (a fact file, an option, an overlay). Exit code 2.

    Args:
        problems: every problem found (all are reported, not only the first).
    """

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(file="", field="", message=problems)]
        self.problems = problems
        super().__init__("\n".join(str(p).lstrip(": ") for p in problems))


class KnowledgeBaseError(UserInputError):
    """The knowledge base (shipped or overlaid) does not load or does not validate."""


class InferenceError(MaturityError):
    """The rules engine failed internally (an action raised, a fact was lost)."""


class VerificationError(MaturityError):
    """The durable_rules result disagrees with the reference evaluator: an internal error, never hidden.

    Attributes:
        engine_result: the JSON of the rules engine's assessment.
        reference_result: the JSON of the reference evaluator's assessment.
        differences: human-readable differences.
    """

    def __init__(self, differences: list[str], engine_result: str, reference_result: str) -> None:
        self.differences = differences
        self.engine_result = engine_result
        self.reference_result = reference_result
        super().__init__(
            "the rules engine and the reference evaluator disagree:\n  " + "\n  ".join(differences[:20])
        )
