"""Another program (say, a stale uvicorn from an earlier run) holding the port."""

import os
import socket
import time

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.bind(("127.0.0.1", int(os.environ["PORT"])))
sock.listen(16)
print("blocker listening", flush=True)
time.sleep(120)
