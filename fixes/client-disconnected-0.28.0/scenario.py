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
serves ``app:fixed``, the 0.28.0 workaround (the streaming task treats ``OSError`` from
``send`` as the end): no traceback.
"""

from __future__ import annotations

import time

from troubleshoot.harness.api import Run, Verdict, scenario

# Keeps bisect to the releases around the change (ClientDisconnected exists
# only from 0.28.0); earlier releases behave like 0.27.x.
RELEASES = ">=0.20.0"

DISCONNECTED = r"ClientDisconnected"
ERROR = r"Exception in ASGI application"
ENDED = r"[^\n]*stream ended[^\n]*"


@scenario("stream-then-disconnect", "app:app")
@scenario("fix-catch-oserror", "app:fixed")
def _run(run: Run, app: str) -> Verdict:
    launch = run.launch_cli(app, timeout=20)
    if not launch.serves():
        return launch.reproduces("no-start")
    run.step("reading the first chunk of /stream, then closing the socket")
    got = launch.exchange(b"GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", until=b"chunk 0")
    if b"chunk 0" not in got:
        return launch.reproduces("no-stream", "the stream did not start")
    launch.wait_for(f"{ENDED}|{DISCONNECTED}|{ERROR}", 5)
    time.sleep(0.5)  # a traceback is written after the line that matched
    after = launch.get()
    if errors := launch.lines(f"{ERROR}|{DISCONNECTED}"):
        kind = "client-disconnected-traceback" if launch.find(DISCONNECTED) else "app-error"
        reason = f"an error logged for a client disconnect; then GET /: {after.status}"
        return launch.reproduces(
            kind, reason, "\n".join(dict.fromkeys(ln.strip() for ln in errors))
        )
    if (ended := launch.find(ENDED)) and after.ok:
        return launch.fixed("quiet-disconnect", "the stream ended; no error; still serving", ended)
    return launch.reproduces("other", f"then GET /: {after.status}")
