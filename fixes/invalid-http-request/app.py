"""A plain application; the failure is in what reaches the port, not in the app.

GET /whoami answers with the client address the server put in the scope
(the forwarded one when proxy headers are trusted). ASGI 3, and ASGI 2 for
releases before 0.6.
"""

from repro_apps import Receive, Scope, Send, dual


async def serve(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    body = b"ok"
    if scope["path"] == "/whoami":
        body = f"client={(scope.get('client') or ('-', 0))[0]}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


app = dual(serve)
