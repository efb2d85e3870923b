"""The fix: the same settings loaded in the lifespan startup, on uvicorn's own loop."""

import asyncio

SETTINGS = {}


async def load_settings():
    await asyncio.sleep(0)
    return {"greeting": "settings loaded at import"}


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                SETTINGS.update(await load_settings())
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": SETTINGS["greeting"].encode()})
