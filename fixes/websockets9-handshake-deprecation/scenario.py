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

from troubleshoot.harness.api import (
    WEBSOCKET_IS_UVICORNS,
    Run,
    ServerSpec,
    Verdict,
    releases,
    scenario,
)

# From 0.16.0 on websockets 9 cannot complete a handshake at all (uvicorn passes a
# ``logger`` its legacy server does not take: websockets-too-old), so the warning
# this entry is about cannot appear there.
RELEASES = ">=0.12.0,<0.16.0"
EXTRAS = {">=0.12.0": ["websockets==9.1"]}
PINNED = {">=0.12.0,<0.14.0": ["websockets==8.1"]}
BEFORE_014 = releases(
    "<0.14",
    "from 0.14.0 uvicorn needs websockets 9.1 or later: 8.1 is not a fix there",
    reference=WEBSOCKET_IS_UVICORNS(ServerSpec("reference")),
)

WARNING = r"[^\n]*DeprecationWarning: websockets\.handshake is deprecated[^\n]*"


@scenario("websockets-9.1", requires=WEBSOCKET_IS_UVICORNS)
@scenario("fix-websockets-8.1", requires=BEFORE_014, extras=PINNED)
def _run(run: Run) -> Verdict:
    launch = run.launch_cli(
        "app:app", env={"PYTHONWARNINGS": "default::DeprecationWarning"}, timeout=20
    )
    return launch.websocket_verdict(
        {"handshake-deprecation-warning": WARNING},
        greeting="hello over websocket",
        accepted="no-warning",
    )
