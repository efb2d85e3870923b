"""A launcher written for uvicorn <= 0.18: python serve.py passes debug=True."""

import os

from doctor_sut import run

if __name__ == "__main__":
    run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]), debug=True)
