"""The fix: the Content-Length header is computed from the body actually sent.

(Or leave the header out and let the server add it, or stream with chunked
encoding.) Replaces app.py in the ``fix-length-from-body`` scenario.
"""

BODY = b"hello, world"


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(BODY)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})
