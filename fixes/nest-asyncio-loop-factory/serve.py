"""nest_asyncio is applied before uvicorn is imported (often by a dependency, at import time)."""

import os

import nest_asyncio

nest_asyncio.apply()

from doctor_sut import run  # noqa: E402  (uvicorn.run, imported after the patch)

if __name__ == "__main__":
    run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))
