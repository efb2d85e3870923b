"""An app that writes generated code into the working directory at import
(a settings snapshot, a client generated from a schema, a build stamp)."""

import time
from pathlib import Path

Path("build_info.py").write_text(f"BUILT_AT = {time.time()!r}\n")


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})
