"""An app whose lifespan startup fails, reporting it the way Starlette/FastAPI do.

Startup needs DATABASE_URL. Without it the startup code raises; like
Starlette's router, the app then sends ``lifespan.startup.failed`` with the
traceback as its message and re-raises.
"""

import os
import traceback


def connect_database():
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise RuntimeError("DATABASE_URL is not set: cannot connect to the database")
    return url


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
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
        return
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"database connected"})
