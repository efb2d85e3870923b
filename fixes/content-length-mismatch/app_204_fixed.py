"""The fix for app_204.py: the 204 goes out without a body (what
``return Response(status_code=204)`` sends). Replaces app.py in
``fix-no-body-204``."""


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/deleted":
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
