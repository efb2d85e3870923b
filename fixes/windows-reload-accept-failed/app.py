"""A minimal ASGI app whose response body the scenario edits to trigger reloads."""

BODY = b"v1"


async def serve(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": BODY})


def app(scope, receive=None, send=None):
    # ASGI 3 (app(scope, receive, send)), and ASGI 2 for releases before 0.6
    if receive is None:
        return lambda receive, send: serve(scope, receive, send)
    return serve(scope, receive, send)
