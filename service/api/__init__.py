"""HTTP API (routes -> deps -> pipeline)."""
