"""The workaround when several workers are needed but the main thread is taken:
the thread starts the server's command line as a separate process
(``uvicorn app:app --workers 2``), whose own main thread handles the signals.

Usage: PORT=8000 SERVER_CLI='["uvicorn"]' python serve_subprocess_thread.py
(SERVER_CLI, a JSON list, is the command of the server under test.)
"""

import json
import os
import subprocess
import threading


def serve() -> None:
    cli = json.loads(os.environ["SERVER_CLI"])
    args = ["app:app", "--workers", "2", "--host", "127.0.0.1", "--port", os.environ["PORT"]]
    subprocess.run([*cli, *args], check=False)


if __name__ == "__main__":
    server = threading.Thread(target=serve, name="web-server")
    server.start()
    server.join()
