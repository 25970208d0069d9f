"""The typer command-line application (``maturity``).

:func:`main` is the entry point; the commands are in :mod:`mlops_maturity.cli.app`, which it imports only once the
garbage collector is set for a short process, so that the imports benefit too.
"""

import gc

GC_THRESHOLD = 100_000
"""Allocations between two collections of the youngest generation while a command runs (Python's default: 700)."""


def main() -> None:
    """Console-script entry point (``maturity``, and ``python -m mlops_maturity.cli``)."""
    # One command is one short process. The cyclic garbage collector would trace the many objects that imports
    # create and keep (typer, pydantic and the engine make tens of thousands) again and again while the command
    # runs, and once more at exit, to find almost nothing: a tenth of a cold ``maturity assess``. It runs rarely
    # here (memory stays bounded), and objects alive at the end are frozen, so the final collection skips them.
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
    try:
        from mlops_maturity.cli.app import app

        app()
    finally:
        gc.freeze()
        gc.set_threshold(*thresholds)
