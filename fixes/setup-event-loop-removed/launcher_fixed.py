"""The same launcher, updated for uvicorn >= 0.36: ask the config for a loop factory.

``Config.get_loop_factory()`` returns the factory for ``--loop`` (or None for
asyncio's default), and ``asyncio.Runner`` (Python 3.11+) creates the loop
with it. Code that does not need its own loop can simply call ``server.run()``.
"""

import asyncio
import os

import uvicorn

config = uvicorn.Config("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))
server = uvicorn.Server(config)
with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
    runner.run(server.serve())
