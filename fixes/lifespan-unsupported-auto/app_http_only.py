"""An HTTP-only app, like Django's ``get_asgi_application()``: it has no
lifespan support and raises for any other scope type."""

from repro_apps import Receive, Scope, Send, text

http = text(b"http only")


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        raise ValueError(f"this app can only handle ASGI/HTTP connections, not {scope['type']}")
    await http(scope, receive, send)
