"""uvloop-on-windows: ``--loop uvloop`` where uvloop is not installed, and the ``--loop auto`` fix.

uvloop does not exist for Windows: it cannot be installed there (its build
stops with ``RuntimeError: uvloop does not support Windows at the moment``),
and ``uvicorn[standard]`` leaves it out on win32 by an environment marker. What
uvicorn does with ``--loop uvloop`` when uvloop is missing does not depend on
the platform, so it is reproduced here in a release environment without uvloop
(plain ``uvicorn`` has not depended on it since 0.12.0; older releases are
installed without dependencies):

- ``loop-uvloop-missing``: the server fails to start with
  ``ModuleNotFoundError: No module named 'uvloop'`` (``reproduces``);
- ``fix-loop-auto``: ``--loop auto`` falls back to asyncio and serves (``fixed``).

The reference server has one asyncio loop and no ``--loop`` option: not-applicable there.
The pip build failure itself needs Windows and is not run.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail

RELEASES = ">=0.12.0"
MISSING = r"No module named '?uvloop'?"


def _no_loop_choice(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return (
            "the reference server always runs asyncio's own loop; it has no --loop option "
            "and does not model uvloop"
        )
    return None


@scenario("loop-uvloop-missing", requires=_no_loop_choice)
def loop_uvloop_missing(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--loop", "uvloop", "--host", "127.0.0.1", "--port", str(port))
    run.step("starting with --loop uvloop in an environment without uvloop")
    state = run.exit_or_serve(proc, port, watch=MISSING)
    text = proc.output()
    if found := re.search(rf"^.*{MISSING}.*$", text, re.MULTILINE):
        return reproduces(
            "uvloop-missing", "the server cannot start: uvloop is not installed", found[0]
        )
    if run.get(port, "/").ok:
        return fixed("served", "served with --loop uvloop (uvloop present)", tail(text))
    return reproduces("no-start", f"the server did not start ({state})", tail(text))


@scenario("fix-loop-auto", requires=_no_loop_choice)
def fix_loop_auto(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--loop", "auto", "--host", "127.0.0.1", "--port", str(port))
    run.step("starting with --loop auto in the same environment")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "--loop auto did not serve", tail(proc.output()))
    return fixed(
        "served-asyncio", "--loop auto fell back to asyncio and served GET /", tail(proc.output())
    )
