"""The user's start script, unluckily named uvicorn.py: `import uvicorn` finds this file."""

import os

import uvicorn  # mypy, like Python, resolves this to the file itself: it has no run

if __name__ == "__main__":
    uvicorn.run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))  # type: ignore[attr-defined]
