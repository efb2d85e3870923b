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

from troubleshoot.harness.api import (
    WEBSOCKET_IS_UVICORNS,
    Run,
    Verdict,
    not_applicable,
    pinned,
    scenario,
)

RELEASES = ">=0.12.0"

IN_RANGE = {
    ">=0.12.0,<0.14.0": ["websockets==8.1"],
    ">=0.14.0,<0.16.0": ["websockets==9.1"],
    ">=0.16.0,<0.20.0": ["websockets==10.0"],
    ">=0.20.0,<0.50.0": ["websockets==10.4"],
    ">=0.50.0": ["websockets==13.1"],
}
EXTRAS = IN_RANGE
WSPROTO = {">=0.12.0": ["websockets==8.1", "wsproto==1.2.0"]}

IMPORT_ERROR = (
    r"[^\n]*(?:ModuleNotFoundError|ImportError): (?:No module named 'websockets[^\n]*"
    r"|cannot import name [^\n]*websockets[^\n]*)"
)
SIGNS = {
    "no-attribute-legacy": r"AttributeError: module 'websockets' has no attribute 'legacy'[^\n]*",
    "unexpected-keyword": r"[^\n]*TypeError: [^\n]*unexpected keyword argument[^\n]*",
    "import-error": IMPORT_ERROR,
}


@scenario("fix-websockets-in-range", requires=WEBSOCKET_IS_UVICORNS, extras=IN_RANGE)
@scenario("fix-ws-wsproto", "--ws", "wsproto", requires=WEBSOCKET_IS_UVICORNS, extras=WSPROTO)
@pinned("websockets", ("8.1", "9.0", "9.1", "10.0", "12.0"), requires=WEBSOCKET_IS_UVICORNS)
def _run(run: Run, *args: str) -> Verdict:
    launch = run.launch_cli("app:app", *args, timeout=20)
    if not launch.serves():
        if found := launch.find(IMPORT_ERROR):
            return launch.reproduces("import-error", excerpt=found)
        if "Invalid value" in launch.text and "--ws" in launch.text:
            return not_applicable(f"this release rejects {' '.join(args) or '--ws auto'}")
    return launch.websocket_verdict(SIGNS, greeting="hello over websocket", accepted="handshake-ok")
