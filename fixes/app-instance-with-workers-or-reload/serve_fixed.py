"""The fixes: the same app (built in app_object.py), handed over by name.

Usage: PORT=8000 python serve_fixed.py import-string|factory

- ``import-string``: ``run("app_object:app", workers=2)``: each worker imports it.
- ``factory``: ``run("app_object:make", factory=True, workers=2)``: each worker
  calls the factory (the option exists in uvicorn 0.13.0 and later).
"""

import os
import sys

from doctor_sut import run  # uvicorn.run, or reference_server.run: chosen by the harness

if __name__ == "__main__":
    port = int(os.environ["PORT"])
    if sys.argv[1] == "factory":
        run("app_object:make", factory=True, host="127.0.0.1", port=port, workers=2)
    else:
        run("app_object:app", host="127.0.0.1", port=port, workers=2)
