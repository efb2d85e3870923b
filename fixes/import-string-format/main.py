"""A correct app; the server is started with `main` (no `:app`) or `main.py:app`."""

from repro_apps import text

app = text(b"served by main:app", handles_lifespan=False)
