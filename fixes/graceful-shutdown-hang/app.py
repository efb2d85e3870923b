"""An app with responses that outlive a shutdown request, like SSE or long-poll endpoints.

- ``/``: a plain 200 (the harness polls it to know the server is up);
- ``/stream``: an endless chunked response that never calls ``receive()``
  (an infinite generator behind a ``StreamingResponse``);
- ``/stream-watching``: the same stream, but a second task waits on
  ``receive()`` and ends the stream when ``http.disconnect`` arrives (what
  disconnect-aware SSE libraries do);
- ``/background``: a complete response, then work that goes on for an hour
  (a background task started after the response).

ASGI 3, and ASGI 2 for uvicorn before 0.7.0 (``dual``).
"""

import asyncio
import contextlib

from repro_apps import TEXT, Receive, Scope, Send, dual, text

ok = text(b"ok")
LENGTH_5 = [(b"content-length", b"5")]


async def _ticks(send: Send, stop: asyncio.Event) -> None:
    while not stop.is_set():
        await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
        # asyncio.TimeoutError is not the builtin TimeoutError before Python 3.11,
        # and old releases run on 3.8-3.10 here.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def _watch_disconnect(receive: Receive, stop: asyncio.Event) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    stop.set()


async def _asgi3(scope: Scope, receive: Receive, send: Send) -> None:
    path = scope.get("path")
    if scope["type"] != "http" or path not in ("/stream", "/stream-watching", "/background"):
        await ok(scope, receive, send)  # lifespan, and GET /
    elif path == "/background":
        await send({"type": "http.response.start", "status": 200, "headers": LENGTH_5})
        await send({"type": "http.response.body", "body": b"done\n"})
        await asyncio.sleep(3600)  # the "background task" after the response
    else:
        await send({"type": "http.response.start", "status": 200, "headers": TEXT})
        stop = asyncio.Event()
        watching = path == "/stream-watching"
        watcher = asyncio.ensure_future(_watch_disconnect(receive, stop)) if watching else None
        try:
            await _ticks(send, stop)
        finally:
            if watcher is not None:
                watcher.cancel()
        await send({"type": "http.response.body", "body": b"", "more_body": False})


app = dual(_asgi3)
