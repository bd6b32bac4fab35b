"""Rule families, one module each; registry.py lists every rule explicitly."""
