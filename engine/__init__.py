"""The inference library."""
