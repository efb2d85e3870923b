"""An app whose lifespan startup fails (a database that cannot be reached)."""

from repro_apps import Receive, Scope, Send, text

http = text(b"ok", handles_lifespan=False)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await receive()  # lifespan.startup
        await send({"type": "lifespan.startup.failed", "message": "database unreachable"})
        return
    await http(scope, receive, send)
