"""A small app for the reloader scenarios (they edit its two-letter ``BODY``)."""

from repro_apps import text

BODY = b"ok"
app = text(BODY, handles_lifespan=False)
