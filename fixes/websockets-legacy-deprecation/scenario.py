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

import re

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

# websockets 14+ needs Python 3.9+: releases before 0.19 run on Python 3.8 here.
RELEASES = ">=0.19.0"
EXTRAS = {">=0.19.0": ["websockets==15.0.1"]}

WARNING = (
    r"DeprecationWarning: (?:websockets\.legacy is deprecated"
    r"|websockets\.server\.WebSocketServerProtocol is deprecated)[^\n]*"
)
ANY_WS_WARNING = r"DeprecationWarning:[^\n]*websockets[^\n]*"
READY = r"Uvicorn running on"


def _no_reference(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return (
            "the reference server does not implement WebSocket (upgrades are refused "
            "with 501) and imports no websockets library: no legacy protocol to warn about"
        )
    return None


SHOWN = "default::DeprecationWarning"
# pyproject's filterwarnings = ["error", "ignore:...", ...] as -W options (the last match wins)
FILTERED = ",".join(
    [
        "error",
        "ignore:websockets.legacy is deprecated:DeprecationWarning",
        "ignore:websockets.server.WebSocketServerProtocol is deprecated:DeprecationWarning",
    ]
)


def _run(run: Run, *args: str, warnings: str = SHOWN) -> Verdict:
    port = run.port()
    proc = run.start_cli_env(
        "app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *args,
        PYTHONWARNINGS=warnings,
    )
    run.step(f"waiting for HTTP on port {port}")
    served = run.wait_serving(proc, port)
    text = proc.output()
    if re.search(r"Invalid value for '--ws'", text):
        return not_applicable(f"this release has no '{' '.join(args)}' choice")
    if not served:
        return reproduces("no-start", "the server did not serve GET /", tail(text))
    warnings = re.findall(WARNING, text)
    if warnings:
        return reproduces(
            "legacy-deprecation-warning",
            f"{len(warnings)} websockets deprecation warning(s) at startup",
            "\n".join(dict.fromkeys(warnings)),
        )
    other = re.findall(ANY_WS_WARNING, text)
    if other:
        return reproduces(
            "other-websockets-warning",
            "a websockets DeprecationWarning at startup",
            "\n".join(dict.fromkeys(other)),
        )
    return fixed("no-warning", "served without a websockets DeprecationWarning", _line(text, READY))


def _line(text: str, pattern: str) -> str:
    return next((ln for ln in text.splitlines() if re.search(pattern, ln)), "")


@scenario("auto-with-websockets-15", requires=_no_reference)
def auto_with_websockets_15(run: Run) -> Verdict:
    return _run(run)


@scenario("fix-ws-sansio", requires=_no_reference)
def fix_ws_sansio(run: Run) -> Verdict:
    return _run(run, "--ws", "websockets-sansio")


@scenario("fix-filter-warning", requires=_no_reference)
def fix_filter_warning(run: Run) -> Verdict:
    return _run(run, warnings=FILTERED)
