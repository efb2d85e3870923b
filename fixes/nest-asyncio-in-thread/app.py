"""A plain ASGI 3 app; the failure is in how the server is started, not in the app."""

from repro_apps import text

app = text(b"served from a thread")
