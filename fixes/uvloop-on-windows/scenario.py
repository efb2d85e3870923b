"""uvloop-on-windows: ``--loop uvloop`` where uvloop is not installed, and the ``--loop auto`` fix.

uvloop does not exist for Windows: it cannot be installed there (its build
stops with ``RuntimeError: uvloop does not support Windows at the moment``),
and ``uvicorn[standard]`` leaves it out on win32 by an environment marker. What
uvicorn does with ``--loop uvloop`` when uvloop is missing does not depend on
the platform, so it is reproduced here in a release environment without uvloop
(plain ``uvicorn`` has not depended on it since 0.12.0; older releases are
installed without dependencies):

- ``loop-uvloop-missing``: the server fails to start with
  ``ModuleNotFoundError: No module named 'uvloop'`` (``reproduces``, kind
  ``uvloop-missing``); serving is ``fixed`` (kind ``served``);
- ``fix-loop-auto``: ``--loop auto`` falls back to asyncio and serves (``fixed``,
  kind ``served-asyncio``).

A server that neither fails so nor serves is ``reproduces`` (kind ``no-start``).

The reference server has one asyncio loop and no ``--loop`` option: not-applicable there.
The pip build failure itself needs Windows and is not run.
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, scenario, uvicorn_only

RELEASES = ">=0.12.0"
MISSING = r"No module named '?uvloop'?"
NO_LOOP_CHOICE = uvicorn_only(
    "the reference server always runs asyncio's own loop; it has no --loop option "
    "and does not model uvloop"
)


@scenario("loop-uvloop-missing", requires=NO_LOOP_CHOICE)
def loop_uvloop_missing(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--loop", "uvloop", watch=MISSING)
    signs = {"uvloop-missing": rf"[^\n]*{MISSING}[^\n]*"}
    return launch.verdict(signs, serves="served", otherwise="no-start")


@scenario("fix-loop-auto", requires=NO_LOOP_CHOICE)
def fix_loop_auto(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--loop", "auto", timeout=20)
    return launch.verdict(serves="served-asyncio", otherwise="no-start")
