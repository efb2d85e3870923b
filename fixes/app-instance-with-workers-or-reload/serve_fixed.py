"""The fixes: the same app (built in app_object.py), handed over by name.

Usage: python serve_fixed.py PORT import-string|factory

- ``import-string``: ``run("app_object:app", workers=2)``: each worker imports it.
- ``factory``: ``run("app_object:make", factory=True, workers=2)``: each worker
  calls the factory (the option exists in uvicorn 0.13.0 and later).
"""

import sys

from doctor_sut import run  # uvicorn.run, or reference_server.run: chosen by the harness

if __name__ == "__main__":
    port, mode = int(sys.argv[1]), sys.argv[2]
    if mode == "factory":
        run("app_object:make", factory=True, host="127.0.0.1", port=port, workers=2)
    else:
        run("app_object:app", host="127.0.0.1", port=port, workers=2)
