"""The app whose ``BODY`` the scenario edits to trigger a reload (ASGI 3 and 2)."""

from repro_apps import dual, text

BODY = b"v1"
app = dual(text(BODY, handles_lifespan=False))
