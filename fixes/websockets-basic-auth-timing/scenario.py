"""websockets-basic-auth-timing: PYSEC-2021-95 / CVE-2021-33880, is it reached through uvicorn?

The advisory's flaw (websockets before 9.1) is a timing difference in the
credential check of websockets' ``basic_auth_protocol_factory``, a server
protocol factory an application passes to ``websockets.serve``. uvicorn builds its
own protocol on websockets' ``WebSocketServerProtocol`` and never installs that
factory, so HTTP Basic credentials are not checked by websockets at all.

Each ``websockets-X.Y`` scenario installs that websockets release beside the
uvicorn release (the scenario asks the interpreter which one it imports), starts
``--ws websockets`` and opens a WebSocket over a raw loopback socket with
*wrong* ``Authorization: Basic`` credentials. ``fixed`` (kind
``no-basic-auth-on-path``): the handshake is accepted (``101``) and the app's
frame arrives: no credential comparison ran, so there is nothing to time.
``reproduces`` (kind ``credentials-checked``) would be a ``401`` from websockets'
Basic Auth (not seen on any release). The timing attack itself is not measured:
on a shared loopback the difference is far below the noise.
"""

from __future__ import annotations

import re
import socket
import subprocess

from troubleshoot.harness.api import (
    Run,
    ScenarioFn,
    ServerSpec,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

RELEASES = ">=0.12.0,<0.16.0"  # later releases need websockets 10+ (no release below 9.1 runs)
HANDSHAKE = (
    b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    b"Authorization: Basic d3Jvbmc6d3Jvbmc=\r\n\r\n"  # wrong:wrong
)


def _uvicorn_only(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server has no WebSocket support"
    return None


def _raw(port: int, payload: bytes, wait: float = 3.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(payload)
        sock.settimeout(wait)
        chunks = []
        try:
            while data := sock.recv(65536):
                chunks.append(data)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def _websockets_version(run: Run) -> str:
    done = subprocess.run(
        [str(run.server.python), "-c", "import websockets; print(websockets.__version__)"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def _serve(run: Run, want: str) -> Verdict:
    have = _websockets_version(run)
    if have != want:
        return reproduces("wrong-websockets", f"websockets {want} was asked for, {have} installed")
    port = run.port()
    proc = run.start_cli(
        "app:app", "--host", "127.0.0.1", "--port", str(port), "--ws", "websockets"
    )
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return not_applicable(f"the server did not serve GET /: {tail(proc.output(), 2)}")
    answer = _raw(port, HANDSHAKE)
    status = answer.split(b"\r\n", 1)[0].decode("latin-1") or "no response"
    seen = f"websockets {have}, wrong Basic credentials: {status}"
    if status.startswith("HTTP/1.1 101") and b"hello" in answer:
        return fixed("no-basic-auth-on-path", f"{seen}; the app's frame arrived", status)
    if re.search(
        r"(?:AttributeError|ImportError|ModuleNotFoundError)[^\n]*websockets", proc.output()
    ):
        # this uvicorn release cannot use that websockets release at all
        return not_applicable(f"{seen}: {tail(proc.output(), 1)}")
    if re.match(r"HTTP/1\.1 401", status):
        return reproduces("credentials-checked", seen, answer.decode("latin-1")[:300])
    return reproduces("other", seen, tail(proc.output()))


def _pinned(version: str) -> ScenarioFn:
    extras = {"": [f"websockets=={version}"]}

    @scenario(f"websockets-{version}", requires=_uvicorn_only, extras=extras)
    def run_it(run: Run) -> Verdict:
        return _serve(run, version)

    return run_it


websockets_8_1 = _pinned("8.1")
websockets_9_1 = _pinned("9.1")
