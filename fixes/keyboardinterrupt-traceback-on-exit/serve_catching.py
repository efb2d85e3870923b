"""The workaround for 0.29.0-0.30.2: catch the KeyboardInterrupt uvicorn re-raises."""

import contextlib
import os

from doctor_sut import run

if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))
