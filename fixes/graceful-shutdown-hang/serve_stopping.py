"""The fix: the stream ends by itself when the server is told to stop.

Serving programmatically, a ``uvicorn.Server`` subclass records the signal
in ``handle_exit`` before uvicorn starts its graceful shutdown; the endless
stream polls that flag and finishes its response, so the shutdown has
nothing left to wait for. The app object itself is passed to ``Config``
(not ``"serve_stopping:app"``: that would import this file a second time,
and its copy of the flag would never be set).

Usage: PORT=8000 python serve_stopping.py
"""

import asyncio
import os
from types import FrameType
from typing import List, Optional

import uvicorn
from repro_apps import TEXT, Receive, Scope, Send, text

STOPPING: List[int] = []  # endpoints poll this: not empty once the server is told to stop
ok = text(b"ok", handles_lifespan=False)


class Server(uvicorn.Server):  # type: ignore[misc]
    def handle_exit(self, sig: int, frame: Optional[FrameType]) -> None:
        STOPPING.append(sig)
        super().handle_exit(sig, frame)


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http" or scope["path"] != "/stream":
        await ok(scope, receive, send)
        return
    await send({"type": "http.response.start", "status": 200, "headers": TEXT})
    while not STOPPING:
        await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
        await asyncio.sleep(0.5)
    await send({"type": "http.response.body", "body": b"bye\n", "more_body": False})


if __name__ == "__main__":
    Server(uvicorn.Config(app, host="127.0.0.1", port=int(os.environ["PORT"]))).run()
