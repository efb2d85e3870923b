"""A small app that logs each request through the standard logging module."""

import logging

from repro_apps import Receive, Scope, Send, text

logger = logging.getLogger("main")
ok = text(b"ok", handles_lifespan=False)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http":
        logger.info("handled %s", scope["path"])
    await ok(scope, receive, send)
