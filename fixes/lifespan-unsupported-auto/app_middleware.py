"""A working lifespan behind a middleware that only accepts HTTP.

The inner app warms its cache at startup and answers whether it is ready.
The middleware asserts ``scope["type"] == "http"``, so the lifespan call
fails in the middleware before it reaches the app: under ``--lifespan auto``
the startup silently does not run.
"""

from typing import Dict, Optional

from repro_apps import App, Receive, Scope, Send, lifespan, text

STATE: Dict[str, Optional[str]] = {"cache": None}


async def inner(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        STATE["cache"] = "warm"  # the startup's work, run when the lifespan reaches the app
        await lifespan(receive, send)
        return
    await text(b"cache ready" if STATE["cache"] else b"cache missing")(scope, receive, send)


class TimingMiddleware:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http", f"TimingMiddleware got a {scope['type']} scope"
        await self.app(scope, receive, send)


app = TimingMiddleware(inner)
