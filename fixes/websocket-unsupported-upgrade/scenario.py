"""websocket-unsupported-upgrade: a WebSocket handshake to uvicorn without a WebSocket library.

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

from troubleshoot.harness.api import WEBSOCKET_IS_UVICORNS, Run, Verdict, scenario

# Before 0.12 websockets was a hard dependency of uvicorn (#666 made it optional).
RELEASES = ">=0.12"

UNSUPPORTED = r"[^\n]*Unsupported upgrade request\.[^\n]*"
HINT = r"\n[^\n]*No supported WebSocket library detected[^\n]*"  # the next line, since 0.14.0
SIGNS = {"unsupported-upgrade-with-hint": UNSUPPORTED + HINT, "unsupported-upgrade": UNSUPPORTED}
# websockets 11+ dropped the legacy API that old releases import
WEBSOCKETS = {">=0.12,<0.25": ["websockets<11"], ">=0.25": ["websockets"]}


@scenario("no-websocket-library", requires=WEBSOCKET_IS_UVICORNS, extras={})
@scenario("fix-install-websockets", requires=WEBSOCKET_IS_UVICORNS, extras=WEBSOCKETS)
def _upgrade(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", timeout=20)
    served = "websocket-served"
    greeting = "hello over websocket"
    return launch.websocket_verdict(
        SIGNS, greeting=greeting, accepted=served, otherwise="other", settle=2
    )
