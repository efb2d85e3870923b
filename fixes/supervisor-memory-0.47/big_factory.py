"""The fix: the same app built by a factory (``--factory``), so importing the
module is cheap and the 100 MB are allocated only where the app is created."""

import os

BALLAST = b""


async def _app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def create_app():
    global BALLAST
    BALLAST = b"\x01" * (100 * 1024 * 1024)
    print(f"big_factory app created in pid {os.getpid()}", flush=True)
    return _app
