"""``python -m mlops_maturity.cli``: the same as the ``maturity`` command."""

from mlops_maturity.cli import main

main()
