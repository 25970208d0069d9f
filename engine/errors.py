"""Errors the engine raises. The CLI maps them to exit codes; the engine never prints or exits."""

from __future__ import annotations

from dataclasses import dataclass


class MaturityError(Exception):
    """Base of every error of this package."""


@dataclass(frozen=True)
class Problem:
    """One located problem in a user's input: ``file: line N: field: message``, or, for a bad argument of an engine
    call, ``parameter: value: message`` (:meth:`of_parameter`).

    The engine names its own parameters (``target``, ``assume``, ``kb_dir``), never a command-line flag: a Python
    caller passed no flag. The CLI, which knows which flag gave which parameter, renames ``parameter`` to the flag
    the user typed before it prints the problem.

    Attributes:
        file: the file the problem is in (empty for a problem with an argument alone).
        field: the field of the file, or the value given for ``parameter``.
        message: what is wrong and what is valid.
        line: the line in ``file``, when known.
        parameter: the engine parameter that got the bad value (e.g. ``target``, ``kb_dir``), else empty.
    """

    file: str
    field: str
    message: str
    line: int | None = None
    parameter: str = ""

    @classmethod
    def of_parameter(cls, parameter: str, value: str, message: str) -> Problem:
        """A problem with ``value``, the value (as given) of the engine parameter ``parameter``."""
        return cls(file="", field=value, message=message, parameter=parameter)

    def __str__(self) -> str:
        where = f"{self.file}: line {self.line}" if self.line else self.file
        return ": ".join(part for part in (self.parameter, where, self.field, self.message) if part)


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
