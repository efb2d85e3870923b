"""The fix for crash_at_import.py: the same check, moved from import time into the
lifespan startup, where a failure is reported as a startup failure (exit code 3)."""

import os

from repro_apps import Receive, Scope, Send, text

http = text(b"ok", handles_lifespan=False)


def check_settings() -> None:
    if not os.environ.get("DATABASE_URL"):
        raise RuntimeError("DATABASE_URL is not set")


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "lifespan":
        await http(scope, receive, send)
        return
    message = await receive()
    if message["type"] == "lifespan.startup":
        try:
            check_settings()
        except RuntimeError as exc:
            await send({"type": "lifespan.startup.failed", "message": str(exc)})
            return
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        await send({"type": "lifespan.shutdown.complete"})
