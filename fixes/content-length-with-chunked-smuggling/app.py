"""Answers every request with its path and the size of the body it read.

Callable both ways: ``app(scope, receive, send)`` (ASGI 3) and ``app(scope)``
(ASGI 2, what uvicorn releases before 0.6 call).
"""


async def _serve(scope, receive, send):
    if scope["type"] != "http":
        return
    size = 0
    more = True
    while more:
        message = await receive()
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
    body = f"{scope['path']} read {size} bytes".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def app(scope, receive=None, send=None):
    if receive is None:

        async def instance(receive, send):
            await _serve(scope, receive, send)

        return instance
    return _serve(scope, receive, send)
