"""The same launcher with debug=True replaced by reload=True and log_level="debug"."""

import os

from doctor_sut import run

if __name__ == "__main__":
    run(
        "app:app",
        host="127.0.0.1",
        port=int(os.environ["PORT"]),
        reload=True,
        log_level="debug",
    )
