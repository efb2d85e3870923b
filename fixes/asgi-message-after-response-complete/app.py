"""An error-handling middleware that sends a 500 even when the response already went out.

The route answers, then fails afterwards (a task run after the body was
sent). The middleware catches the exception and sends its own
``http.response.start``: a second response on a completed one. GET / is a
correct route.
"""


async def route(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"done"})
    if scope["path"] == "/fails-after-response":
        raise ValueError("audit log write failed after the response was sent")


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    try:
        await route(scope, receive, send)
    except Exception:
        headers = [(b"content-type", b"text/plain")]
        await send({"type": "http.response.start", "status": 500, "headers": headers})
        await send({"type": "http.response.body", "body": b"Internal Server Error"})
