"""An app whose responses disagree with their own Content-Length header.

GET /too-much declares 2 bytes and sends 12; GET /too-little declares 50 and
sends 12 (the shape of a middleware that rewrites a body but keeps the old
header). GET / is a correct response.
"""

BODY = b"hello, world"


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    declared = {"/too-much": b"2", "/too-little": b"50"}.get(scope["path"])
    length = declared if declared is not None else str(len(BODY)).encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", length)]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})
