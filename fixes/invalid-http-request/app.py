"""A plain application; the failure is in what reaches the port, not in the app.

GET /whoami answers with the client address the server put in the scope
(the forwarded one when proxy headers are trusted).
"""


async def serve(scope, receive, send):
    if scope["type"] != "http":
        return
    body = b"ok"
    if scope["path"] == "/whoami":
        body = f"client={(scope.get('client') or ('-', 0))[0]}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def app(scope, receive=None, send=None):
    # ASGI 3, and ASGI 2 for releases before 0.6
    if receive is None:
        return lambda receive, send: serve(scope, receive, send)
    return serve(scope, receive, send)
