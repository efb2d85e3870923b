"""Start the server from a worker thread: python serve_thread.py (MODE=plain|reload|workers).

Many programs do this to run a web server next to a GUI, a bot or a scheduler
that owns the main thread.
"""

import os
import threading
from typing import Any, Dict

from doctor_sut import run

MODES: Dict[str, Any] = {"plain": {}, "reload": {"reload": True}, "workers": {"workers": 2}}


def serve() -> None:
    options = MODES[os.environ.get("MODE", "plain")]
    run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]), **options)


if __name__ == "__main__":
    server = threading.Thread(target=serve, name="web-server")
    server.start()
    server.join()
