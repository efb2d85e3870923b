"""A launcher that logs to the console and to server.log, in the working
directory, which is also the directory ``--reload`` watches by default."""

import logging
import sys

from doctor_sut import run

logging.basicConfig(
    level=logging.INFO,
    format="%(asctime)s %(levelname)s [%(name)s] %(message)s",
    handlers=[logging.StreamHandler(), logging.FileHandler("server.log")],
)

if __name__ == "__main__":
    run("main:app", host="127.0.0.1", port=int(sys.argv[1]), reload=True)
