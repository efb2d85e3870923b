"""Fix: run uvicorn's Server on a loop you start yourself, so uvicorn never calls asyncio.run.

``asyncio.run(server.serve())`` goes through nest_asyncio's patched ``run``
without the ``loop_factory`` keyword it cannot take.
"""

import asyncio
import os

import nest_asyncio

nest_asyncio.apply()

import uvicorn  # noqa: E402

if __name__ == "__main__":
    config = uvicorn.Config("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))
    asyncio.run(uvicorn.Server(config).serve())
