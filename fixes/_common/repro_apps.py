"""Small ASGI apps that repros share; the harness copies this file into every run.

Only what is not the point of a repro lives here: an app that serves a body, the
same app for releases that speak ASGI 2 only, a WebSocket greeting. A repro whose
trigger is in its app writes that app itself.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict

Scope = Dict[str, Any]
Message = Dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

TEXT = [(b"content-type", b"text/plain")]


async def lifespan(receive: Receive, send: Send) -> None:
    """Complete startup and shutdown (what every app with nothing to set up does)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def text(body: bytes, *, status: int = 200, handles_lifespan: bool = True) -> App:
    """An ASGI 3 app answering every HTTP request with ``body`` (text/plain).
    Without ``handles_lifespan`` it ignores lifespan scopes (returns at once)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan" and handles_lifespan:
            await lifespan(receive, send)
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": status, "headers": TEXT})
        await send({"type": "http.response.body", "body": body})

    return app


async def read_body(receive: Receive) -> bytes:
    """The whole request body, however many messages it came in."""
    body, more = b"", True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    return body


def body_size() -> App:
    """An ASGI 3 app answering ``<path> read <n> bytes``: which requests reached the
    app, with how much body (what a request-smuggling repro reads back)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = f"{scope['path']} read {len(await read_body(receive))} bytes"
        await send({"type": "http.response.start", "status": 200, "headers": TEXT})
        await send({"type": "http.response.body", "body": body.encode()})

    return app


def dual(app: App) -> Callable[..., Any]:
    """``app`` as ASGI 3 (``app(scope, receive, send)``) and as ASGI 2
    (``app(scope)(receive, send)``, the only interface of releases before 0.6)."""

    def either(scope: Scope, receive: Receive | None = None, send: Send | None = None) -> Any:
        if receive is None or send is None:
            return lambda receive, send: app(scope, receive, send)
        return app(scope, receive, send)

    return either


def websocket_greeting(greeting: str, body: bytes = b"ok") -> App:
    """Accept a WebSocket, send ``greeting``, close; plain HTTP gets ``body``."""
    http = text(body, handles_lifespan=False)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.send", "text": greeting})
            await send({"type": "websocket.close"})
            return
        await http(scope, receive, send)

    return app
