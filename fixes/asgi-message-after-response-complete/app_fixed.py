"""The fix: the middleware remembers whether the response started, and only
sends its 500 when nothing was sent yet; otherwise it re-raises, so the server
logs the real error once. Replaces app.py in ``fix-respond-once``."""


async def route(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"done"})
    if scope["path"] == "/fails-after-response":
        raise ValueError("audit log write failed after the response was sent")


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    started = False

    async def tracking_send(message):
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await route(scope, receive, tracking_send)
    except Exception:
        if started:
            raise  # too late for a 500: let the server log the real error
        headers = [(b"content-type", b"text/plain")]
        await send({"type": "http.response.start", "status": 500, "headers": headers})
        await send({"type": "http.response.body", "body": b"Internal Server Error"})
