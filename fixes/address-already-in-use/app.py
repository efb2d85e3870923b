"""The server the scenario starts on the taken port (or on a free one)."""

from repro_apps import text

app = text(b"new server")
