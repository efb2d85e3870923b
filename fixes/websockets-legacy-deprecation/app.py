"""Plain HTTP, and a WebSocket endpoint that greets and closes."""

from repro_apps import websocket_greeting

app = websocket_greeting("hello over websocket")
