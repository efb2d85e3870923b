"""A healthy app: the failure is in the server's logging set-up, not here."""

from repro_apps import text

app = text(b"served without a console", handles_lifespan=False)
