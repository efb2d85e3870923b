"""A minimal ASGI app."""

from repro_apps import text

app = text(b"ok", handles_lifespan=False)
