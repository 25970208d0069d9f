"""``python -m mlops_maturity.cli``: the same as the ``maturity`` command."""

from mlops_maturity.cli.app import main

main()
