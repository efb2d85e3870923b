"""An app that holds about 100 MB from import time (a model, a cache, a table)."""

import os

from repro_apps import text

# Filled with a non-zero byte so every page is really touched (counted in RSS).
BALLAST = b"\x01" * (100 * 1024 * 1024)
print(f"big_app imported in pid {os.getpid()}", flush=True)

app = text(b"ok", handles_lifespan=False)
