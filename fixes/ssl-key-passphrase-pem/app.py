"""A minimal ASGI app: answers every HTTP request with ``ok``."""

from repro_apps import text

app = text(b"ok", handles_lifespan=False)
