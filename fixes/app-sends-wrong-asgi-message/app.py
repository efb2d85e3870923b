"""ASGI 3 apps whose first message of an HTTP response is not ``http.response.start``.

``typo``: ``http.request.start`` (the old typo of uvicorn's own docs, #651);
``websocket``: ``websocket.accept`` on an HTTP scope (a websocket handler routed
an HTTP request); ``fixed``: the right message. Only ``GET /wrong`` sends the
wrong type; every other path is answered correctly (so a harness can see the
server is up). Lifespan is completed so every server starts the same way.
"""

from repro_apps import TEXT, App, Message, Receive, Scope, Send, text

hello = text(b"hello")


def _make(first: Message) -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/wrong":
            return await hello(scope, receive, send)
        await send(first)
        await send({"type": "http.response.body", "body": b"hello"})

    return app


typo = _make({"type": "http.request.start", "status": 200, "headers": TEXT})
websocket = _make({"type": "websocket.accept"})
fixed = _make({"type": "http.response.start", "status": 200, "headers": TEXT})
