"""The app module runs an event loop while it is imported (to load settings)."""

import asyncio

from repro_apps import Receive, Scope, Send


async def load_settings() -> str:
    await asyncio.sleep(0)
    return "settings loaded at import"


GREETING = asyncio.run(load_settings())


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": GREETING.encode()})
