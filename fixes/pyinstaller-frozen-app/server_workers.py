"""The multi-worker launcher to freeze, with the fix applied: freeze_support()
first in the main block, and the app passed as an import string that names a
module of its own (webapp.py), imported here so PyInstaller bundles it.

``APP=server:app`` names the launcher itself instead, as people first try:
the frozen main script is not importable by name, so the workers cannot load it.
The scenario copies this file over server.py before freezing it.
"""

import multiprocessing
import os

import uvicorn
import webapp  # bundled by PyInstaller because it is imported; workers import it by name

app = webapp.app  # what APP=server:app points at


if __name__ == "__main__":
    multiprocessing.freeze_support()  # spawned workers of a frozen program stop here
    port = int(os.environ.get("PORT", "8000"))
    uvicorn.run(os.environ.get("APP", "webapp:app"), host="127.0.0.1", port=port, workers=2)
