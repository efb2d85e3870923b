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
  caller (``--port P``); ``fixed`` (kind ``serves``) when it serves, else ``no-serve``.

From 0.10.9 (#531) uvicorn announces the real port of ``--port 0``; before, it
printed ``:0``, so the check starts there.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, scenario

RELEASES = ">=0.10.9"

NOT_CONNECTED = (
    r"[^\n]*(?:\[WinError 10057\]|\[Errno 107\] Transport endpoint is not connected"
    r"|\[Errno 57\] Socket is not connected)[^\n]*"
)
ANNOUNCED = r"(?:Uvicorn running on|listening url=)\s*http://127\.0\.0\.1:(\d+)"


@scenario("port-zero")
def port_zero(run: Run) -> Verdict:
    launch = run.launch_cli(
        "app:app", "--host", "127.0.0.1", "--port", "0", bind=False, watch=ANNOUNCED
    )
    if (found := launch.find(NOT_CONNECTED)) and "getpeername" in launch.text:
        launch.proc.wait(10)
        return launch.reproduces("getpeername-not-connected", excerpt=found)
    announced = re.search(ANNOUNCED, launch.text)
    if launch.state == "matched" and announced and int(announced[1]) != 0:
        launch.port = int(announced[1])  # serving there is the fix
        launch.settle(20)
    return launch.verdict(serves="announced-port-serves", options=False)


@scenario("fix-explicit-port")
def fix_explicit_port(run: Run) -> Verdict:
    launch = run.launch_cli("app:app")
    return launch.verdict(serves="serves", body="served by app:app", otherwise="no-serve")
