"""A launcher that logs to the console and to server.log, in the working
directory, which is also the directory ``--reload`` watches by default.

With ``QUIET=1``, the fix: watchfiles' per-batch INFO line turned off.
Usage: PORT=8000 [QUIET=1] python serve.py
"""

import logging
import os

from doctor_sut import run

logging.basicConfig(
    level=logging.INFO,
    format="%(asctime)s %(levelname)s [%(name)s] %(message)s",
    handlers=[logging.StreamHandler(), logging.FileHandler("server.log")],
)
if os.environ.get("QUIET"):
    logging.getLogger("watchfiles.main").setLevel(logging.WARNING)

if __name__ == "__main__":
    run("main:app", host="127.0.0.1", port=int(os.environ["PORT"]), reload=True)
