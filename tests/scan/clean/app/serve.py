"""Guarded programmatic launches with import strings."""

import os

import uvicorn
from uvicorn import run as serve

APP = "app.main:app"

if __name__ == "__main__":
    uvicorn.run("app.main:app", reload=True)
    uvicorn.run(APP, workers=4)
    serve("app.main:create_app", factory=True, workers=2)
    uvicorn.run(os.environ.get("APP", "app.main:app"), workers=int(os.environ.get("W", "2")))
