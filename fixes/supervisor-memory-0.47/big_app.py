"""An app that holds about 100 MB from import time (a model, a cache, a table)."""

import os

# Filled with a non-zero byte so every page is really touched (counted in RSS).
BALLAST = b"\x01" * (100 * 1024 * 1024)
print(f"big_app imported in pid {os.getpid()}", flush=True)


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})
