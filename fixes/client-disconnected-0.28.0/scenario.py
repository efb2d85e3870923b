"""client-disconnected-0.28.0: a client leaves in the middle of a streaming response.

``stream-then-disconnect`` reads the headers and first chunk of ``/stream``
(40 chunks, 50 ms apart) over a raw socket, closes the socket, and waits for
the app to finish.

Correct behaviour (``fixed``): the disconnect is not an application error: the
app's stream ends (its later sends are dropped) and nothing is logged as an
exception. The failure (``reproduces``, uvicorn 0.28.0): ``send()`` raises
``uvicorn.protocols.utils.ClientDisconnected``; wrapped by the app's task
group it escapes as ``Exception in ASGI application`` with an exception-group
traceback (kind ``client-disconnected-traceback``). ``fix-catch-oserror``
applies the 0.28.0 workaround (the streaming task treats ``OSError`` from
``send`` as the end): no traceback.
"""

from __future__ import annotations

import re
import socket
import time

from troubleshoot.harness.api import Run, Verdict, fixed, reproduces, scenario, tail

# Keeps bisect to the releases around the change (ClientDisconnected exists
# only from 0.28.0); earlier releases behave like 0.27.x.
RELEASES = ">=0.20.0"

DISCONNECTED = r"ClientDisconnected"
ERROR = r"Exception in ASGI application"
ENDED = r"stream ended"


def _read_some_and_leave(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        data = b""
        while b"chunk 0" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


def _run(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the server did not serve GET /", tail(proc.output()))
    run.step("reading the first chunk of /stream, then closing the socket")
    got = _read_some_and_leave(port)
    if b"chunk 0" not in got:
        return reproduces("no-stream", "the stream did not start", tail(proc.output()))
    proc.wait_for(f"{ENDED}|{DISCONNECTED}|{ERROR}", 5)
    time.sleep(0.5)  # a traceback is written after the line that matched
    text = proc.output()
    after = run.get(port, "/")
    if re.search(DISCONNECTED, text) or re.search(ERROR, text):
        lines = [ln.strip() for ln in text.splitlines() if re.search(f"{ERROR}|{DISCONNECTED}", ln)]
        kind = "client-disconnected-traceback" if re.search(DISCONNECTED, text) else "app-error"
        return reproduces(kind, f"an error logged for a client disconnect; then GET /: {after.status}", "\n".join(dict.fromkeys(lines)))
    if re.search(ENDED, text) and after.ok:
        return fixed("quiet-disconnect", "the stream ended without an error; still serving", _line(text, ENDED))
    return reproduces("other", f"then GET /: {after.status}", tail(text))


def _line(text: str, pattern: str) -> str:
    return next(line for line in text.splitlines() if re.search(pattern, line))


@scenario("stream-then-disconnect")
def stream_then_disconnect(run: Run) -> Verdict:
    return _run(run)


@scenario("fix-catch-oserror")
def fix_catch_oserror(run: Run) -> Verdict:
    run.copy("app_fixed.py", "app.py")
    return _run(run)
