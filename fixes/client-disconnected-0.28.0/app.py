"""A streaming endpoint shaped like Starlette's StreamingResponse.

The body is produced in a child task of a task group (as Starlette does with
anyio, next to a task that listens for the disconnect), so an exception raised
by ``send`` leaves the app wrapped in an exception group rather than bare.
When the stream ends (normally or because the client left) the app logs
``stream ended`` to stderr. ``app`` streams as it is; ``fixed`` is the
workaround on 0.28.0: the streaming task treats a failed send (the client went
away; ClientDisconnected is an OSError) as the end of the stream.
"""

import asyncio
import sys
from typing import Any, Callable, Coroutine

from repro_apps import App, Receive, Scope, Send, text

ok = text(b"ok", handles_lifespan=False)


async def stream(send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    for index in range(40):
        await send({"type": "http.response.body", "body": b"chunk %d\n" % index, "more_body": True})
        await asyncio.sleep(0.05)
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def stream_until_gone(send: Send) -> None:
    try:
        await stream(send)
    except OSError:  # uvicorn 0.28.0: ClientDisconnected; the client is gone
        return


def streaming(produce: Callable[[Send], Coroutine[Any, Any, None]]) -> App:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/stream":
            return await ok(scope, receive, send)
        if hasattr(asyncio, "TaskGroup"):  # Python 3.11+
            async with asyncio.TaskGroup() as group:
                group.create_task(produce(send))
        else:
            task = asyncio.ensure_future(produce(send))
            try:
                await task
            except Exception as exc:
                raise RuntimeError("streaming task failed") from exc
        print("stream ended", file=sys.stderr, flush=True)

    return app


app = streaming(stream)
fixed = streaming(stream_until_gone)
