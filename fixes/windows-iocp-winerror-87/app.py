"""Answers with the pid of the worker that accepted the connection.

The handler blocks its worker's event loop for a moment on purpose: a busy
worker cannot accept, so concurrent requests must be accepted by the other
workers from the listening socket they inherited.
"""

import os
import time

from repro_apps import Receive, Scope, Send


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    time.sleep(0.3)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": str(os.getpid()).encode()})
