"""The workaround for 0.18.0/0.18.1: pass uvicorn's default logging config explicitly."""

import os

from doctor_sut import run
from uvicorn.config import LOGGING_CONFIG

if __name__ == "__main__":
    run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]), log_config=LOGGING_CONFIG)
