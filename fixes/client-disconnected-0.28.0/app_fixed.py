"""The workaround on 0.28.0: the streaming task treats a failed send (the
client went away; ClientDisconnected is an OSError) as the end of the stream."""

import asyncio
import sys


async def stream(send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    try:
        for index in range(40):
            await send(
                {"type": "http.response.body", "body": b"chunk %d\n" % index, "more_body": True}
            )
            await asyncio.sleep(0.05)
        await send({"type": "http.response.body", "body": b"", "more_body": False})
    except OSError:  # uvicorn 0.28.0: ClientDisconnected; the client is gone
        return


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
        await stream(send)
    print("stream ended", file=sys.stderr, flush=True)
