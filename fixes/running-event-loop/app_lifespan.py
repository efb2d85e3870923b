"""The fix: the same settings loaded in the lifespan startup, on uvicorn's own loop."""

import asyncio

from repro_apps import Receive, Scope, Send

SETTINGS = {"greeting": ""}


async def load_settings() -> str:
    await asyncio.sleep(0)
    return "settings loaded at import"


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                SETTINGS["greeting"] = await load_settings()
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": SETTINGS["greeting"].encode()})
