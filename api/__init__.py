"""Public Python API of mlops-maturity."""
