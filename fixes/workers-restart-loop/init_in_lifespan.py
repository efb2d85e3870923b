"""The fix for crash_at_import.py: the same check, moved from import time into the
lifespan startup, where a failure is reported as a startup failure (exit code 3)."""

import os


def check_settings():
    if not os.environ.get("DATABASE_URL"):
        raise RuntimeError("DATABASE_URL is not set")


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                check_settings()
            except RuntimeError as exc:
                await send({"type": "lifespan.startup.failed", "message": str(exc)})
                return
            await send({"type": "lifespan.startup.complete"})
            message = await receive()
            await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
