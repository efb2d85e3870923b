"""What notebook helpers, dashboards and agent SDKs do: apply nest_asyncio (often by
importing a library that applies it), then run the server in a background thread.

``PORT=8000 MODE=... python serve_in_thread.py``, MODE one of:

- ``patched`` (default): nest_asyncio applied, uvicorn's default event loop;
- ``asyncio-loop``: nest_asyncio applied, ``run(..., loop="asyncio")``;
- ``unpatched``: no nest_asyncio.
"""

import os
import threading

MODE = os.environ.get("MODE", "patched")

if MODE != "unpatched":
    import nest_asyncio

    nest_asyncio.apply()

from app import app  # noqa: E402
from doctor_sut import run  # noqa: E402  (uvicorn imported after the patch, as in the pastes)


def serve() -> None:
    options = {"loop": "asyncio"} if MODE == "asyncio-loop" else {}
    run(app, host="127.0.0.1", port=int(os.environ["PORT"]), log_level="info", **options)


thread = threading.Thread(target=serve, name="server-thread")
thread.start()
thread.join()
