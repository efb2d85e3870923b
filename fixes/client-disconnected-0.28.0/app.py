"""A streaming endpoint shaped like Starlette's StreamingResponse.

The body is produced in a child task of a task group (as Starlette does with
anyio, next to a task that listens for the disconnect), so an exception raised
by ``send`` leaves the app wrapped in an exception group rather than bare.
When the stream ends (normally or because the client left) the app logs
``stream ended`` to stderr.
"""

import asyncio
import sys


async def stream(send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    for index in range(40):
        await send({"type": "http.response.body", "body": b"chunk %d\n" % index, "more_body": True})
        await asyncio.sleep(0.05)
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] != "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})
        return
    if hasattr(asyncio, "TaskGroup"):  # Python 3.11+
        async with asyncio.TaskGroup() as group:
            group.create_task(stream(send))
    else:
        task = asyncio.ensure_future(stream(send))
        try:
            await task
        except Exception as exc:
            raise RuntimeError("streaming task failed") from exc
    print("stream ended", file=sys.stderr, flush=True)
