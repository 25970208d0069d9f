"""The shipped knowledge base (YAML data)."""
