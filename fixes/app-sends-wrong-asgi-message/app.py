"""ASGI 3 apps whose first message of an HTTP response is not ``http.response.start``.

``typo``: ``http.request.start`` (the old typo of uvicorn's own docs, #651);
``websocket``: ``websocket.accept`` on an HTTP scope (a websocket handler routed
an HTTP request); ``fixed``: the right message. Only ``GET /wrong`` sends the
wrong type; every other path is answered correctly (so a harness can see the
server is up). Lifespan is declined cleanly so
every server starts the same way.
"""


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _make(first_type):
    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        start_type = first_type if scope["path"] == "/wrong" else "http.response.start"
        if start_type == "websocket.accept":
            await send({"type": "websocket.accept"})
        else:
            await send(
                {
                    "type": start_type,
                    "status": 200,
                    "headers": [(b"content-type", b"text/plain")],
                }
            )
        await send({"type": "http.response.body", "body": b"hello"})

    return app


typo = _make("http.request.start")
websocket = _make("websocket.accept")
fixed = _make("http.response.start")
