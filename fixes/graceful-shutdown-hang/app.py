"""An app with responses that outlive a shutdown request, like SSE or long-poll endpoints.

- ``/``: a plain 200 (the harness polls it to know the server is up);
- ``/stream``: an endless chunked response that never calls ``receive()``
  (an infinite generator behind a ``StreamingResponse``);
- ``/stream-watching``: the same stream, but a second task waits on
  ``receive()`` and ends the stream when ``http.disconnect`` arrives (what
  disconnect-aware SSE libraries do);
- ``/background``: a complete response, then work that goes on for an hour
  (a background task started after the response).
"""

import asyncio
import contextlib
import functools


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _start(send, headers=()):
    await send({"type": "http.response.start", "status": 200, "headers": list(headers)})


async def _ticks(send, stop):
    while not stop.is_set():
        await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
        # asyncio.TimeoutError is not the builtin TimeoutError before Python 3.11,
        # and old releases run on 3.8-3.10 here.
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.5)


async def _watch_disconnect(receive, stop):
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            stop.set()
            return


def app(scope, receive=None, send=None):
    """ASGI 3 when called with three arguments; ASGI 2 (uvicorn before 0.7.0)
    when called with the scope only."""
    if receive is None:
        return functools.partial(_asgi3, scope)
    return _asgi3(scope, receive, send)


async def _asgi3(scope, receive, send):
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/stream":
        await _start(send, [(b"content-type", b"text/plain")])
        await _ticks(send, asyncio.Event())
    elif path == "/stream-watching":
        await _start(send, [(b"content-type", b"text/plain")])
        stop = asyncio.Event()
        watcher = asyncio.ensure_future(_watch_disconnect(receive, stop))
        try:
            await _ticks(send, stop)
        finally:
            watcher.cancel()
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    elif path == "/background":
        await _start(send, [(b"content-length", b"5")])
        await send({"type": "http.response.body", "body": b"done\n"})
        await asyncio.sleep(3600)  # the "background task" after the response
    else:
        await _start(send, [(b"content-length", b"2")])
        await send({"type": "http.response.body", "body": b"ok"})
