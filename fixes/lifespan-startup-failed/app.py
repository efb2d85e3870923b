"""An app whose lifespan startup fails, reporting it the way Starlette/FastAPI do.

Startup needs DATABASE_URL. Without it the startup code raises; like
Starlette's router, the app then sends ``lifespan.startup.failed`` with the
traceback as its message and re-raises.
"""

import os
import traceback

from repro_apps import Receive, Scope, Send, text

http = text(b"database connected", handles_lifespan=False)


def connect_database() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set: cannot connect to the database")
    return url


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "lifespan":
        await http(scope, receive, send)
        return
    message = await receive()
    assert message["type"] == "lifespan.startup"
    try:
        connect_database()
    except BaseException:
        await send({"type": "lifespan.startup.failed", "message": traceback.format_exc()})
        raise
    await send({"type": "lifespan.startup.complete"})
    await receive()  # lifespan.shutdown
    await send({"type": "lifespan.shutdown.complete"})
