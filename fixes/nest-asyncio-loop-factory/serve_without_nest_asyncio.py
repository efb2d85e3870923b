"""Workaround: the same launcher as serve.py with nest_asyncio removed (not
imported, not applied, not installed)."""

import os

from doctor_sut import run

if __name__ == "__main__":
    run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))
