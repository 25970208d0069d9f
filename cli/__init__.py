"""The typer command-line application (``maturity``).

:func:`main` is the entry point. The commands are registered on one typer application by their modules;
:mod:`mlops_maturity.cli.app` imports them all. A command line that names a command imports only the module of
that command (:data:`COMMAND_MODULES`): typer builds the options of every registered command before it parses
one, and a fresh process pays for each. Anything else (no command, ``--help``, a name that is not a command)
loads them all, so help lists every command and a misspelt one gets typer's suggestion.
"""

import gc
import os
import sys
from collections.abc import Sequence
from importlib import import_module
from types import ModuleType
from typing import Any

GC_THRESHOLD = 100_000
"""Allocations between two collections of the youngest generation while a command runs (Python's default: 700)."""

COMMAND_MODULES: dict[str, str] = {
    "assess": "core_cmd",
    "kb": "core_cmd",
    "init": "core_cmd",
    "schema": "core_cmd",
    "roadmap": "roadmap_cmd",
    "why": "explain_cmd",
    "how": "explain_cmd",
    "crosswalk": "crosswalk_cmd",
    "report": "report_cmd",
    "questionnaire": "intake_cmd",
    "import": "intake_cmd",
    "interview": "interview_cmd",
}
"""Top-level command (or group) -> the module of this package that registers it, in the order ``maturity --help``
lists them (held equal to what the modules register by ``tests/test_cli_lazy.py``)."""


def command_module(argv: Sequence[str]) -> str | None:
    """The one module a command line needs (its first word names a command), or None: load every command."""
    return COMMAND_MODULES.get(argv[0]) if argv else None


PLUGIN_LOADER = "pydantic.plugin._loader"
"""Pydantic's plugin loader. Importing it imports ``importlib.metadata`` (and with it ``email``, ``zipfile``,
``socket``, ``csv``), ~20 ms of a cold command, even when no plugin will be looked up."""

PLUGINS_OFF = ("__all__", "1", "true")
"""Values of ``PYDANTIC_DISABLE_PLUGINS`` with which pydantic's loader finds no plugin without looking."""


def _plugin_loader_stand_in() -> ModuleType:
    """A stand-in for :data:`PLUGIN_LOADER` whose ``get_plugins`` returns none, as the loader does, while
    ``PYDANTIC_DISABLE_PLUGINS`` turns every plugin off; otherwise, and for any other name of the loader's, it
    imports the real loader (which then replaces it) and answers with that."""
    stand_in = ModuleType(PLUGIN_LOADER)

    def real() -> ModuleType:
        if sys.modules.get(PLUGIN_LOADER) is stand_in:
            del sys.modules[PLUGIN_LOADER]
        return import_module(PLUGIN_LOADER)

    def get_plugins() -> Any:
        if os.getenv("PYDANTIC_DISABLE_PLUGINS") in PLUGINS_OFF:
            return ()
        return real().get_plugins()

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):  # what the import system asks of any module (``__path__``): not the loader's
            raise AttributeError(name)
        return getattr(real(), name)

    stand_in.get_plugins = get_plugins  # type: ignore[attr-defined]
    stand_in.__getattr__ = __getattr__  # type: ignore[method-assign]
    return stand_in


def main() -> None:
    """Console-script entry point (``maturity``, and ``python -m mlops_maturity.cli``)."""
    # One command is one short process. The cyclic garbage collector would trace the many objects that imports
    # create and keep (typer, pydantic and the engine make tens of thousands) again and again while the command
    # runs, and once more at exit, to find almost nothing: a tenth of a cold ``maturity assess``. It runs rarely
    # here (memory stays bounded), and objects alive at the end are frozen, so the final collection skips them.
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_THRESHOLD, *thresholds[1:])
    # Pydantic looks for plugins (which instrument validation) among every installed package's entry points the
    # first time it builds a validator: ~8 ms of a cold command, for plugins this tool has no use for. The command
    # line does not load them unless PYDANTIC_DISABLE_PLUGINS is set otherwise; the library API leaves it alone.
    # Where they are off, not even the loader is imported (its imports cost more than the scan; see PLUGIN_LOADER):
    # a stand-in answers for it, and gives way to it whenever plugins are turned back on.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in PLUGINS_OFF and PLUGIN_LOADER not in sys.modules:
        sys.modules[PLUGIN_LOADER] = _plugin_loader_stand_in()
    try:
        module = command_module(sys.argv[1:])
        if module is None:
            from mlops_maturity.cli.app import app
        else:
            import_module(f"{__name__}.{module}")
            from mlops_maturity.cli.common import app
        app()
    finally:
        gc.freeze()
        gc.set_threshold(*thresholds)
