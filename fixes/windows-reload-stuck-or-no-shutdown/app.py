"""An app with lifespan: shutdown leaves a marker file named after the serving process."""

import os
from pathlib import Path

BODY = b"v1"
MARKERS = Path(__file__).resolve().parent / "shutdowns"


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                MARKERS.mkdir(exist_ok=True)
                (MARKERS / str(os.getpid())).write_text("shutdown ran")
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": BODY})
