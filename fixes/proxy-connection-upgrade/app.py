"""The app behind the proxy: plain HTTP (the proxy's WebSocket route is never asked for)."""

from repro_apps import text

app = text(b"plain http through the proxy")
