"""setup-event-loop-removed: a launcher calls ``Config.setup_event_loop()`` (removed in 0.36.0).

Correct behaviour (``fixed``): the launcher's server answers ``GET /``. The
failure (``reproduces``): the launcher dies before serving with an
``AttributeError``: kind ``attribute-missing`` (0.36.0: ``'Config' object has
no attribute 'setup_event_loop'``) or kind ``explicit-error`` (0.36.1 and
later: ``The `setup_event_loop` method was replaced by `get_loop_factory` ...``).

``fix-get-loop-factory`` runs the updated launcher (``config.get_loop_factory()``
with ``asyncio.Runner``) on the same releases.

The reference server has no ``Config``/``Server`` objects to drive: this class
is about uvicorn's internal API, so against it the scenarios are not-applicable.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import (
    Run,
    ServerSpec,
    Verdict,
    fixed,
    reproduces,
    scenario,
    tail,
)

# Config.setup_event_loop exists since 0.5.0; from 0.12 the releases install with
# their own dependencies, so the launcher needs no pure-Python flags.
RELEASES = ">=0.12.0"

SIGNS = {
    "explicit-error": r"AttributeError: The `setup_event_loop` method was replaced by "
    r"`get_loop_factory`[^\n]*",
    "attribute-missing": r"AttributeError: 'Config' object has no attribute "
    r"'setup_event_loop'[^\n]*",
}


def _uvicorn_api(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return (
            "the reference server has no Config/Server objects for a launcher to drive; "
            "this class concerns uvicorn's internal API (Config.setup_event_loop)"
        )
    return None


def _needs_runner(server: ServerSpec) -> str | None:
    if (reason := _uvicorn_api(server)) is not None:
        return reason
    if server.version is not None and tuple(int(p) for p in server.version.split(".")[:2]) < (
        0,
        36,
    ):
        return "Config.get_loop_factory() exists from uvicorn 0.36.0 (the fix targets 0.36.0+)"
    return None


def _launch(run: Run, script: str) -> Verdict:
    port = run.port()
    proc = run.start_script_env(script, PORT=str(port))
    run.step(f"waiting for {script} to serve on port {port} or exit")
    state = run.exit_or_serve(proc, port, timeout=20)
    text = proc.output()
    for kind, pattern in SIGNS.items():
        if found := re.search(pattern, text):
            return reproduces(kind, f"the launcher died before serving ({state})", found[0])
    if state == "serving":
        started = [line for line in text.splitlines() if "Uvicorn running" in line]
        return fixed("serves", f"{script} served GET / with 200", "\n".join(started[:1]))
    return reproduces("other-failure", f"{script}: {state}", tail(text))


@scenario("setup-event-loop", requires=_uvicorn_api)
def setup_event_loop(run: Run) -> Verdict:
    return _launch(run, "launcher.py")


@scenario("fix-get-loop-factory", requires=_needs_runner)
def fix_get_loop_factory(run: Run) -> Verdict:
    return _launch(run, "launcher_fixed.py")
