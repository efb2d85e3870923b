"""The app module runs an event loop while it is imported (to load settings)."""

import asyncio


async def load_settings():
    await asyncio.sleep(0)
    return {"greeting": "settings loaded at import"}


SETTINGS = asyncio.run(load_settings())


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": SETTINGS["greeting"].encode()})
