"""Start the server from a script with default settings: python serve.py."""

import os

from doctor_sut import run

if __name__ == "__main__":
    run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))
