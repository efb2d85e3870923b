"""Renderers for paste matches and entries: one module per output format."""
