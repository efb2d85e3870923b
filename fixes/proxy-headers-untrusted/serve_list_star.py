"""``uvicorn.run()`` with ``forwarded_allow_ips=["*"]`` (a list, as Python callers write it)."""

import sys

from doctor_sut import run

if __name__ == "__main__":
    run(
        "app:app",
        host="127.0.0.1",
        port=int(sys.argv[1]),
        proxy_headers=True,
        forwarded_allow_ips=["*"],
    )
