"""websockets-legacy-deprecation: DeprecationWarnings from uvicorn's legacy websockets protocol.

The release runs next to websockets 15.0.1 (the legacy API is deprecated
since websockets 14.0) with DeprecationWarnings shown
(``PYTHONWARNINGS=default::DeprecationWarning``, what pytest and ``-W``
users get), serves ``GET /``, and the scenario reads the startup log.

Correct behaviour (``fixed``): no DeprecationWarning from websockets. The
failure (``reproduces``, kind ``legacy-deprecation-warning``):
``websockets.legacy is deprecated`` and/or ``WebSocketServerProtocol is
deprecated``, because ``--ws auto`` picks the legacy implementation
(``websockets_impl.py``) before 0.50.0.

- ``auto-with-websockets-15``: the default ``--ws auto``.
- ``fix-ws-sansio``: ``--ws websockets-sansio`` (0.35.0+; not applicable
  before, where the choice does not exist).
- ``fix-filter-warning``: the default ``--ws auto`` with the entry's test-suite
  filters (``error``, then ``ignore`` for exactly the two websockets messages),
  given as ``PYTHONWARNINGS``: ``fixed`` when the server starts and serves
  with no websockets warning shown and none raised as an error.

The reference server does not implement WebSocket (upgrades are refused
with 501) and imports no websockets library: not applicable.
"""

from __future__ import annotations

from troubleshoot.harness.api import WEBSOCKET_IS_UVICORNS, Run, Verdict, not_applicable, scenario

# websockets 14+ needs Python 3.9+: releases before 0.19 run on Python 3.8 here.
RELEASES = ">=0.19.0"
EXTRAS = {">=0.19.0": ["websockets==15.0.1"]}

SIGNS = {
    "legacy-deprecation-warning": r"DeprecationWarning: (?:websockets\.legacy is deprecated"
    r"|websockets\.server\.WebSocketServerProtocol is deprecated)[^\n]*",
    "other-websockets-warning": r"DeprecationWarning:[^\n]*websockets[^\n]*",
}
SHOWN = "default::DeprecationWarning"
# pyproject's filterwarnings = ["error", "ignore:...", ...] as -W options (the last match wins)
FILTERED = ",".join(
    [
        "error",
        "ignore:websockets.legacy is deprecated:DeprecationWarning",
        "ignore:websockets.server.WebSocketServerProtocol is deprecated:DeprecationWarning",
    ]
)


@scenario("auto-with-websockets-15", requires=WEBSOCKET_IS_UVICORNS)
@scenario("fix-ws-sansio", "--ws", "websockets-sansio", requires=WEBSOCKET_IS_UVICORNS)
@scenario("fix-filter-warning", warnings=FILTERED, requires=WEBSOCKET_IS_UVICORNS)
def _run(run: Run, *args: str, warnings: str = SHOWN) -> Verdict:
    launch = run.launch_cli("app:app", *args, env={"PYTHONWARNINGS": warnings}, timeout=20)
    if launch.find(r"Invalid value for '--ws'"):
        return not_applicable(f"this release has no '{' '.join(args)}' choice")
    if not launch.serves():
        return launch.reproduces("no-start")
    return launch.verdict(SIGNS, serves="no-warning", options=False)
