"""websockets-too-old: uvicorn's websockets protocol next to a websockets release it cannot use.

Each ``websockets-N`` scenario installs that websockets release beside the uvicorn
release (nothing else of uvicorn's ``standard`` extra), starts the default ``--ws
auto`` (which picks the websockets implementation whenever ``import websockets``
works), serves ``GET /`` and then opens one WebSocket connection with a raw
handshake on loopback.

Correct behaviour (``fixed``, kind ``handshake-ok``): ``101 Switching Protocols``
and the app's greeting frame. The failure (``reproduces``) has one kind per way it
breaks, read from the server log:

- ``import-error``: the server does not start, because uvicorn imports a
  websockets module or name the release lacks (``No module named
  'websockets.legacy'``, ``cannot import name ...``);
- ``no-attribute-legacy``: it serves HTTP, and the handshake fails with
  ``AttributeError: module 'websockets' has no attribute 'legacy'``;
- ``unexpected-keyword``: the handshake fails with a ``TypeError`` about a keyword
  argument the websockets release does not accept (``logger``, ...);
- ``handshake-failed``: any other failed handshake (the log tail says what).

``fix-websockets-in-range`` installs a websockets release inside the range
uvicorn's own ``standard`` extra asked for at that release: 8.1 for the
``websockets==8.*`` pin before 0.14.0, 9.1 on 0.14.x-0.15.x, 10.0 on
0.16.x-0.19.x, 10.4 from 0.20.0, and 13.1 from 0.50.0 (``--ws auto`` there picks
the Sans-I/O implementation, which imports ``websockets.server.ServerProtocol``;
the extra's floor became 13.0 in 0.50.2, #3021). ``websockets-12.0`` is run as
well: it is not too old for any release run (0.50.0+ included).

``fix-ws-wsproto`` keeps the too-old websockets 8.1 and adds wsproto 1.2.0,
started with ``--ws wsproto``: uvicorn's other WebSocket implementation, which
does not import websockets at all.

Releases before 0.12 are run with ``--ws none`` by the harness (their pinned
dependencies do not build here): not applicable. The reference server has no
WebSocket support: not applicable either.
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
    not_applicable,
    reproduces,
    scenario,
    tail,
)

RELEASES = ">=0.12.0"

IN_RANGE = {
    ">=0.12.0,<0.14.0": ["websockets==8.1"],
    ">=0.14.0,<0.16.0": ["websockets==9.1"],
    ">=0.16.0,<0.20.0": ["websockets==10.0"],
    ">=0.20.0,<0.50.0": ["websockets==10.4"],
    ">=0.50.0": ["websockets==13.1"],
}


def _websockets(version: str) -> dict[str, list[str]]:
    return {">=0.12.0": [f"websockets=={version}"]}


EXTRAS = IN_RANGE

IMPORT_ERROR = (
    r"[^\n]*(?:ModuleNotFoundError|ImportError): (?:No module named 'websockets[^\n]*"
    r"|cannot import name [^\n]*websockets[^\n]*)"
)
NO_LEGACY = r"[^\n]*AttributeError: module 'websockets' has no attribute 'legacy'[^\n]*"
KEYWORD = r"[^\n]*TypeError: [^\n]*unexpected keyword argument[^\n]*"


def _no_reference(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server has no WebSocket support and imports no websockets library"
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


def _run(run: Run, *args: str) -> Verdict:
    port = run.port()
    proc = run.start_cli_env("app:app", "--host", "127.0.0.1", "--port", str(port), *args)
    run.step(f"waiting for HTTP on port {port}")
    served = run.wait_serving(proc, port)
    if not served:
        text = proc.output()
        if found := re.search(IMPORT_ERROR, text):
            return reproduces("import-error", "the server did not start", found[0].strip())
        if "Invalid value" in text and "--ws" in text:
            return not_applicable(f"this release rejects {' '.join(args) or '--ws auto'}")
        return reproduces("no-start", "the server did not serve GET /", tail(text))
    run.step("opening a WebSocket connection")
    answer = _handshake(port)
    time.sleep(0.3)  # the server logs the failure after answering
    text = proc.output()
    first = answer.split(b"\r\n", 1)[0].decode("latin-1")
    if first.startswith("HTTP/1.1 101") and b"hello over websocket" in answer:
        return fixed("handshake-ok", "101 Switching Protocols and the greeting frame", first)
    status = first or "no response"
    if found := re.search(NO_LEGACY, text):
        return reproduces("no-attribute-legacy", f"handshake answered: {status}", found[0].strip())
    if found := re.search(KEYWORD, text):
        return reproduces("unexpected-keyword", f"handshake answered: {status}", found[0].strip())
    if found := re.search(IMPORT_ERROR, text):
        return reproduces("import-error", f"handshake answered: {status}", found[0].strip())
    return reproduces("handshake-failed", f"handshake answered: {status}", tail(text))


@scenario("websockets-8.1", requires=_no_reference, extras=_websockets("8.1"))
def websockets_8_1(run: Run) -> Verdict:
    return _run(run)


@scenario("websockets-9.0", requires=_no_reference, extras=_websockets("9.0"))
def websockets_9_0(run: Run) -> Verdict:
    return _run(run)


@scenario("websockets-9.1", requires=_no_reference, extras=_websockets("9.1"))
def websockets_9_1(run: Run) -> Verdict:
    return _run(run)


@scenario("websockets-10.0", requires=_no_reference, extras=_websockets("10.0"))
def websockets_10_0(run: Run) -> Verdict:
    return _run(run)


@scenario("websockets-12.0", requires=_no_reference, extras=_websockets("12.0"))
def websockets_12_0(run: Run) -> Verdict:
    return _run(run)


@scenario("fix-websockets-in-range", requires=_no_reference, extras=IN_RANGE)
def fix_websockets_in_range(run: Run) -> Verdict:
    return _run(run)


WSPROTO = {">=0.12.0": ["websockets==8.1", "wsproto==1.2.0"]}


@scenario("fix-ws-wsproto", requires=_no_reference, extras=WSPROTO)
def fix_ws_wsproto(run: Run) -> Verdict:
    return _run(run, "--ws", "wsproto")
