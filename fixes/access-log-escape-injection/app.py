"""Any path answers 200 ``ok``: what is under test is the server's access log.

Callable both ways: ``app(scope, receive, send)`` (ASGI 3) and ``app(scope)``
returning the coroutine function (ASGI 2, what uvicorn releases before 0.6 call;
later releases detect a plain function as ASGI 2 and call it that way too).
"""


async def _serve(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def app(scope, receive=None, send=None):
    if receive is None:

        async def instance(receive, send):
            await _serve(scope, receive, send)

        return instance
    return _serve(scope, receive, send)
