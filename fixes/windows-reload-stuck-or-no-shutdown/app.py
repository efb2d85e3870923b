"""An app with lifespan: shutdown leaves a marker file named after the serving process."""

import os
from pathlib import Path

from repro_apps import Receive, Scope, Send, text

BODY = b"v1"
MARKERS = Path(__file__).resolve().parent / "shutdowns"
http = text(BODY, handles_lifespan=False)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    while scope["type"] == "lifespan":
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            MARKERS.mkdir(exist_ok=True)
            (MARKERS / str(os.getpid())).write_text("shutdown ran")
            await send({"type": "lifespan.shutdown.complete"})
            return
    await http(scope, receive, send)
