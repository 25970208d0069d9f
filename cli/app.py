"""The whole ``maturity`` application: importing this module registers every command on :data:`app`.

Each command parses its options, makes one engine call, and renders. The commands live in the modules that
:data:`mlops_maturity.cli.COMMAND_MODULES` names (the core ones in :mod:`~mlops_maturity.cli.core_cmd`), imported
here in that order so that ``maturity --help`` lists the core commands first.
"""

from importlib import import_module

from mlops_maturity.cli import COMMAND_MODULES
from mlops_maturity.cli.common import app

for _module in dict.fromkeys(COMMAND_MODULES.values()):  # in order, each once
    import_module(f"mlops_maturity.cli.{_module}")

__all__ = ["app"]


def main() -> None:
    """Console-script entry point of earlier installations; see :func:`mlops_maturity.cli.main`."""
    from mlops_maturity.cli import main as run

    run()
