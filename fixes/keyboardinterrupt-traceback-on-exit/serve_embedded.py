"""Embed the server in your own asyncio program: await Server.serve()."""

import asyncio
import os

import uvicorn


async def main() -> None:
    config = uvicorn.Config("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))
    await uvicorn.Server(config).serve()


if __name__ == "__main__":
    asyncio.run(main())
