"""The server the scenarios start (on an absent address, or on 127.0.0.1)."""

from repro_apps import text

app = text(b"new server")
