"""A healthy app that answers every request with 200."""

from repro_apps import text

app = text(b"ok", handles_lifespan=False)
