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

from troubleshoot.harness.api import (
    WEBSOCKET_IS_UVICORNS,
    Run,
    Verdict,
    not_applicable,
    pinned,
    status_line,
)

RELEASES = ">=0.12.0,<0.16.0"  # later releases need websockets 10+ (no release below 9.1 runs)
HANDSHAKE = (
    b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    b"Authorization: Basic d3Jvbmc6d3Jvbmc=\r\n\r\n"  # wrong:wrong
)
CANNOT_USE = r"(?:AttributeError|ImportError|ModuleNotFoundError)[^\n]*websockets"


@pinned("websockets", ("8.1", "9.1"), requires=WEBSOCKET_IS_UVICORNS)
def _serve(run: Run) -> Verdict:
    version = run.version("websockets")
    launch = run.launch_cli("app:app", "--ws", "websockets", timeout=20)
    if early := launch.unserved():
        return early
    answer = launch.raw(HANDSHAKE)
    status = status_line(answer)
    seen = f"websockets {version}, wrong Basic credentials: {status}"
    if status.startswith("HTTP/1.1 101") and b"hello" in answer:
        return launch.fixed("no-basic-auth-on-path", f"{seen}; the app's frame arrived", status)
    if launch.find(CANNOT_USE):
        # this uvicorn release cannot use that websockets release at all
        return not_applicable(f"{seen}: {launch.tail(1)}")
    if status.startswith("HTTP/1.1 401"):
        return launch.reproduces("credentials-checked", seen, answer.decode("latin-1")[:300])
    return launch.reproduces("other", seen)
