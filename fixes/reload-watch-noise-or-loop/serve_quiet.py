"""The fix: the same launcher, with watchfiles' per-batch INFO line turned off."""

import logging
import sys

from doctor_sut import run

logging.basicConfig(
    level=logging.INFO,
    format="%(asctime)s %(levelname)s [%(name)s] %(message)s",
    handlers=[logging.StreamHandler(), logging.FileHandler("server.log")],
)
logging.getLogger("watchfiles.main").setLevel(logging.WARNING)

if __name__ == "__main__":
    run("main:app", host="127.0.0.1", port=int(sys.argv[1]), reload=True)
