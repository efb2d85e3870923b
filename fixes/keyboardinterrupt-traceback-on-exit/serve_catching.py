"""The workaround for 0.29.0-0.30.2: catch the KeyboardInterrupt uvicorn re-raises."""

import os

from doctor_sut import run

if __name__ == "__main__":
    try:
        run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))
    except KeyboardInterrupt:
        pass
