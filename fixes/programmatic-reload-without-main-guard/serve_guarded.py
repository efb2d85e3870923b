"""The fix: the same call as serve.py, under the `if __name__ == "__main__":` guard.
A spawned child re-imports this script as __mp_main__ and skips the call.

Usage: PORT=8000 MODE=reload|workers python serve_guarded.py
"""

import os

from doctor_sut import run  # uvicorn.run, or reference_server.run: chosen by the harness

if __name__ == "__main__":
    options = {"reload": True} if os.environ["MODE"] == "reload" else {"workers": 2}
    run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]), **options)
