"""The app and its launcher in one script, as people freeze it: uvicorn.run(app) at the bottom."""

import os

import uvicorn
from repro_apps import text

app = text(b"ok", handles_lifespan=False)

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8000")))
