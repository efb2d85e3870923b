"""The fix: the same app built by a factory (``--factory``), so importing the
module is cheap and the 100 MB are allocated only where the app is created."""

import os
from typing import List

from repro_apps import App, text

BALLAST: List[bytes] = []


def create_app() -> App:
    BALLAST.append(b"\x01" * (100 * 1024 * 1024))
    print(f"big_factory app created in pid {os.getpid()}", flush=True)
    return text(b"ok", handles_lifespan=False)
