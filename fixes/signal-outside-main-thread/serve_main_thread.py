"""The fix: the server owns the main thread; the other work moves to a thread.

python serve_main_thread.py (MODE=reload|workers)
"""

import os
import threading
import time
from typing import Any, Dict

from doctor_sut import run

MODES: Dict[str, Any] = {"plain": {}, "reload": {"reload": True}, "workers": {"workers": 2}}


def background_work() -> None:
    # stands in for the bot, scheduler or GUI loop that used to own the main thread
    while True:
        time.sleep(0.5)


if __name__ == "__main__":
    threading.Thread(target=background_work, name="worker", daemon=True).start()
    options = MODES[os.environ.get("MODE", "plain")]
    run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]), **options)
