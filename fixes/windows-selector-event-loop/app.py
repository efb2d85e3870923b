"""Each request runs a child process through asyncio (what Playwright and shell tools do)."""

import asyncio
import sys

from repro_apps import Receive, Scope, Send


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "print('sub-ok')", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": out.strip()})
