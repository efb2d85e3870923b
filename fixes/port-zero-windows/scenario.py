"""port-zero-windows: ``--port 0`` (any free port) crashing at startup in uvicorn 0.13.4.

uvicorn 0.13.4 reads the port it announces from ``getpeername()`` of the
listening socket (320fd6d9, #930); a listening socket has no peer, so startup
raises ``OSError`` right after ``Application startup complete.``: ``[WinError
10057] ... socket is not connected`` on Windows (the report, #974), ``[Errno
107] Transport endpoint is not connected`` on Linux, ``[Errno 57] Socket is not
connected`` on macOS. It is the same bug on every platform, so it runs here.

- ``port-zero``: ``uvicorn app:app --host 127.0.0.1 --port 0``. ``reproduces``
  (kind ``getpeername-not-connected``) when startup fails with the not-connected
  error; ``fixed`` (kind ``announced-port-serves``) when the server announces
  the port the OS picked and answers there. A server that neither crashes nor
  announces a usable port is ``reproduces`` (``other-failure``).
- ``fix-explicit-port``: the workaround on 0.13.4, a free port chosen by the
  caller (``--port P``); ``fixed`` when it serves.

From 0.10.9 (#531) uvicorn announces the real port of ``--port 0``; before, it
printed ``:0``, so the check starts there.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, reproduces, scenario, tail

RELEASES = ">=0.10.9"

NOT_CONNECTED = (
    r"[^\n]*(?:\[WinError 10057\]|\[Errno 107\] Transport endpoint is not connected"
    r"|\[Errno 57\] Socket is not connected)[^\n]*"
)
ANNOUNCED = r"(?:Uvicorn running on|listening url=)\s*http://127\.0\.0\.1:(\d+)"


@scenario("port-zero")
def port_zero(run: Run) -> Verdict:
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", "0")
    run.step("waiting for `--port 0` to announce its port or exit")
    announced = proc.wait_for(ANNOUNCED, 15)
    text = proc.output()
    if (found := re.search(NOT_CONNECTED, text)) and "getpeername" in text:
        proc.wait(10)
        return reproduces("getpeername-not-connected", f"exit {proc.returncode}", found[0].strip())
    port = re.search(ANNOUNCED, text)
    if announced and port and int(port[1]) != 0 and run.wait_serving(proc, int(port[1])):
        return fixed(
            "announced-port-serves", f"serves on the announced port {port[1]}", tail(text, 2)
        )
    return reproduces("other-failure", f"exit {proc.returncode}", tail(text))


@scenario("fix-explicit-port")
def fix_explicit_port(run: Run) -> Verdict:
    port = run.port()
    run.step(f"starting the server on a free port chosen beforehand ({port}) instead of 0")
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    if run.wait_serving(proc, port, timeout=15) and run.get(port).text == "served by app:app":
        return fixed("serves", f"serves on {port}", tail(proc.output(), 2))
    return reproduces("no-serve", f"exit {proc.returncode}", tail(proc.output()))
