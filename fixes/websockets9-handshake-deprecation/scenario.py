"""websockets9-handshake-deprecation: websockets 9 warns about the module uvicorn < 0.14 calls.

uvicorn's websockets protocol before 0.14.0 checks the opening handshake with
``websockets.handshake.check_request``; websockets 9.0 deprecated the top-level
``websockets.handshake`` module (its code moved to ``websockets.legacy``), so the
first WebSocket connection prints ``DeprecationWarning: websockets.handshake is
deprecated`` wherever DeprecationWarnings are shown.

Each scenario starts the default ``--ws auto`` with
``PYTHONWARNINGS=default::DeprecationWarning`` (what pytest or ``-W default``
users get), serves ``GET /``, opens one WebSocket connection with a raw handshake
and reads the log.

- ``websockets-9.1``: websockets 9.1 installed beside the release. ``reproduces``
  (kind ``handshake-deprecation-warning``) on the warning; ``fixed`` (kind
  ``no-warning``) when the handshake succeeds without it; kind
  ``handshake-failed`` when the connection fails. Only releases before 0.16.0
  are run: from 0.16.0 websockets 9 cannot complete the handshake at all
  (``unexpected keyword argument 'logger'``, the websockets-too-old entry).
- ``fix-websockets-8.1``: the websockets release uvicorn's ``standard`` extra
  pinned (``websockets==8.*``) on these releases; only before 0.14.0 (from 0.14.0
  uvicorn needs websockets 9.1+, not applicable).

Releases before 0.12 are run with ``--ws none`` by the harness (their pinned
dependencies do not build here): not applicable. The reference server has no
WebSocket support: not applicable.
"""

from __future__ import annotations

import base64
import os
import re
import socket
import time

from troubleshoot.harness.api import (
    Run,
    ServerSpec,
    Verdict,
    fixed,
    reproduces,
    scenario,
    tail,
)

# From 0.16.0 on websockets 9 cannot complete a handshake at all (uvicorn passes a
# ``logger`` its legacy server does not take: websockets-too-old), so the warning
# this entry is about cannot appear there.
RELEASES = ">=0.12.0,<0.16.0"
EXTRAS = {">=0.12.0": ["websockets==9.1"]}
PINNED = {">=0.12.0,<0.14.0": ["websockets==8.1"]}

WARNING = r"[^\n]*DeprecationWarning: websockets\.handshake is deprecated[^\n]*"


def _no_reference(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server has no WebSocket support and imports no websockets library"
    return None


def _before_014(spec: ServerSpec) -> str | None:
    if (reason := _no_reference(spec)) is not None:
        return reason
    parts = tuple(int(p) for p in (spec.version or "0").split(".")[:2])
    if parts >= (0, 14):
        return "from 0.14.0 uvicorn needs websockets 9.1 or later: 8.1 is not a fix there"
    return None


def _handshake(port: int, timeout: float = 5.0) -> bytes:
    """One raw WebSocket opening handshake; the bytes the server sent back."""
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /ws HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    data = b""
    deadline = time.monotonic() + timeout
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request.encode())
        while time.monotonic() < deadline and b"hello over websocket" not in data:
            try:
                chunk = sock.recv(4096)
            except (TimeoutError, OSError):
                break
            if not chunk:
                break
            data += chunk
    return data


def _run(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli_env(
        "app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        PYTHONWARNINGS="default::DeprecationWarning",
    )
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the server did not serve GET /", tail(proc.output()))
    run.step("opening a WebSocket connection")
    answer = _handshake(port)
    time.sleep(0.3)
    text = proc.output()
    first = answer.split(b"\r\n", 1)[0].decode("latin-1")
    if found := re.search(WARNING, text):
        return reproduces(
            "handshake-deprecation-warning", f"handshake answered: {first}", found[0].strip()
        )
    if first.startswith("HTTP/1.1 101") and b"hello over websocket" in answer:
        return fixed("no-warning", "101 Switching Protocols, no websockets warning", first)
    return reproduces("handshake-failed", f"handshake answered: {first or 'nothing'}", tail(text))


@scenario("websockets-9.1", requires=_no_reference)
def websockets_9_1(run: Run) -> Verdict:
    return _run(run)


@scenario("fix-websockets-8.1", requires=_before_014, extras=PINNED)
def fix_websockets_8_1(run: Run) -> Verdict:
    return _run(run)
