"""One module per command; each exposes ``register(top, run_flows)``."""
