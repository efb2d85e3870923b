"""A hand-written lifespan whose startup raises before it answers.

Startup warms a cache from a service that is down; the exception escapes the
app before any lifespan.startup.* message is sent. Requests work, but the
cache (and everything else startup should have done) is missing.
"""

from typing import Dict, Optional

from repro_apps import Receive, Scope, Send, text

STATE: Dict[str, Optional[str]] = {"cache": None}


def warm_cache() -> str:
    raise ConnectionError("cache warm-up failed: redis at 10.0.0.5:6379 refused the connection")


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        message = await receive()
        if message["type"] == "lifespan.startup":
            STATE["cache"] = warm_cache()
            await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = b"cache ready" if STATE["cache"] is not None else b"cache missing"
    await text(body)(scope, receive, send)
