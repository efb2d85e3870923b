"""A small app that logs each request through the standard logging module."""

import logging

logger = logging.getLogger("main")


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    logger.info("handled %s", scope["path"])
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})
