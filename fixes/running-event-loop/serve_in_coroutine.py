"""The caller already runs an event loop (a notebook cell, an async main) and
starts the server from inside it.

Usage: PORT=8000 MODE=run|serve python serve_in_coroutine.py

- ``run``: ``run("app_lifespan:app")``: the mistake; run() starts a loop of its own.
- ``serve``: the fix, ``await uvicorn.Server(uvicorn.Config(...)).serve()`` on the
  loop that is already running (uvicorn only).
"""

import asyncio
import os


async def main() -> None:
    port = int(os.environ["PORT"])
    if os.environ["MODE"] == "serve":
        import uvicorn

        config = uvicorn.Config("app_lifespan:app", host="127.0.0.1", port=port)
        await uvicorn.Server(config).serve()
    else:
        from doctor_sut import run

        run("app_lifespan:app", host="127.0.0.1", port=port)


if __name__ == "__main__":
    asyncio.run(main())
