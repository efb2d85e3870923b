"""What notebook helpers, dashboards and agent SDKs do: apply nest_asyncio (often by
importing a library that applies it), then run the server in a background thread.

``python serve_in_thread.py PORT [MODE]``, MODE one of:

- ``patched`` (default): nest_asyncio applied, uvicorn's default event loop;
- ``asyncio-loop``: nest_asyncio applied, ``run(..., loop="asyncio")``;
- ``unpatched``: no nest_asyncio.
"""

import sys
import threading

PORT = int(sys.argv[1])
MODE = sys.argv[2] if len(sys.argv) > 2 else "patched"

if MODE != "unpatched":
    import nest_asyncio

    nest_asyncio.apply()

from app import app  # noqa: E402
from doctor_sut import run  # noqa: E402  (uvicorn imported after the patch, as in the pastes)


def serve():
    options = {"host": "127.0.0.1", "port": PORT, "log_level": "info"}
    if MODE == "asyncio-loop":
        options["loop"] = "asyncio"
    run(app, **options)


thread = threading.Thread(target=serve, name="server-thread")
thread.start()
thread.join()
