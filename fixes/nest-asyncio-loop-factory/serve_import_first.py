"""Fix: import uvicorn before anything applies nest_asyncio.

uvicorn binds ``asyncio.run`` when it is imported (Python 3.12+), so importing
it first keeps the real function, which accepts ``loop_factory``.
"""

import os  # noqa: I001 (the import order is the fix)

from doctor_sut import run  # imported before the patch

import nest_asyncio

nest_asyncio.apply()

if __name__ == "__main__":
    run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))
