"""``uvicorn.run()`` with ``forwarded_allow_ips=["*"]`` (a list, as Python callers write it)."""

import os

from doctor_sut import run

if __name__ == "__main__":
    port = int(os.environ["PORT"])
    run("app:app", host="127.0.0.1", port=port, proxy_headers=True, forwarded_allow_ips=["*"])
