"""websocket-unsupported-upgrade: a WebSocket handshake to uvicorn installed without a WebSocket library.

``no-websocket-library`` runs the release as ``pip install uvicorn`` leaves it
(no ``websockets``, no ``wsproto``) and sends a real WebSocket handshake
(``Upgrade: websocket``, ``Sec-WebSocket-Key``) over a raw socket.

Correct behaviour (``fixed``): ``101 Switching Protocols`` and the app's
greeting frame. The failure (``reproduces``): ``WARNING: Unsupported upgrade
request.`` (with, since 0.14.0, ``No supported WebSocket library detected``)
and an HTTP answer instead of 101: the app's plain HTTP response, or a 400
(kind ``unsupported-upgrade``, ``-with-hint`` when the second line is there).
``fix-install-websockets`` installs ``websockets`` next to the release: 101
and the greeting. The reference server does not implement WebSocket (it
refuses upgrades with 501), so these scenarios are not applicable to it.
"""

from __future__ import annotations

import base64
import os
import re
import socket

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail

# Before 0.12 websockets was a hard dependency of uvicorn (#666 made it optional).
RELEASES = ">=0.12"

UNSUPPORTED = r"Unsupported upgrade request\."
HINT = r"No supported WebSocket library detected[^\n]*"
# websockets 11+ dropped the legacy API that old releases import
WEBSOCKETS = {">=0.12,<0.25": ["websockets<11"], ">=0.25": ["websockets"]}


def _no_reference(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return (
            "the reference server does not implement WebSocket (it refuses every "
            "upgrade with 501 websocket_refused): nothing to install or fix there"
        )
    return None


def _handshake(port: int) -> bytes:
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /ws HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request.encode())
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                if b"hello over websocket" in b"".join(chunks):
                    break
        except (TimeoutError, ConnectionError, OSError):
            pass
    return b"".join(chunks)


def _upgrade(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the server did not serve GET /", tail(proc.output()))
    run.step("sending a WebSocket handshake over a raw socket")
    answer = _handshake(port)
    status = answer.split(b"\r\n", 1)[0].decode("latin-1") if answer else "no response"
    proc.wait_for(UNSUPPORTED, 2)
    text = proc.output()
    if re.search(UNSUPPORTED, text):
        hint = re.search(HINT, text)
        kind = "unsupported-upgrade-with-hint" if hint else "unsupported-upgrade"
        lines = [ln for ln in text.splitlines() if re.search(f"{UNSUPPORTED}|{HINT}", ln)]
        return reproduces(kind, f"handshake answered {status!r}", "\n".join(lines[:2]))
    if status.startswith("HTTP/1.1 101") and b"hello over websocket" in answer:
        return fixed("websocket-served", "101 Switching Protocols and the app's frame", status)
    return reproduces("other", f"handshake answered {status!r}", tail(text))


@scenario("no-websocket-library", requires=_no_reference, extras={})
def no_websocket_library(run: Run) -> Verdict:
    return _upgrade(run)


@scenario("fix-install-websockets", requires=_no_reference, extras=WEBSOCKETS)
def fix_install_websockets(run: Run) -> Verdict:
    return _upgrade(run)
