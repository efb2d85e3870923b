"""A plain application; the failure is in what reaches the port, not in the app."""


async def serve(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def app(scope, receive=None, send=None):
    # ASGI 3, and ASGI 2 for releases before 0.6
    if receive is None:
        return lambda receive, send: serve(scope, receive, send)
    return serve(scope, receive, send)
