"""Accepts every WebSocket (no authentication of its own) and says hello."""

from repro_apps import websocket_greeting

app = websocket_greeting("hello")
