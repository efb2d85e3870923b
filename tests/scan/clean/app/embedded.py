"""Serving from a coroutine the right way: await Server.serve()."""

import asyncio

import uvicorn
from uvicorn.main import run


async def main() -> None:
    config = uvicorn.Config("app.main:app", port=8001)
    server = uvicorn.Server(config)
    await server.serve()


def blocking() -> None:
    run("app.main:app")  # not at import time: only when someone calls it


if __name__ == "__main__":
    asyncio.run(main())
