"""windows-reload-accept-failed: every reloaded child must accept on the inherited socket.

The uvicorn failure (#477) needs Windows: before 0.11.0 the reloaded server
process ran a ProactorEventLoop (the "iocp" auto loop from 0.9.1, or Python
3.8's default loop), and the listening socket, bound once by the reloader and
already tied to the first child's I/O completion port, could not be registered
with the new child's port: ``Accept failed on a socket`` ...
``OSError: [WinError 87] The parameter is incorrect``, and the reloaded server
never answered. Linux and macOS have no IOCP, so against uvicorn the outcome
here is ``not-applicable``.

Against the reference server the scenario checks the cross-platform invariant:
across several reloads, each new child serves the edited code from the socket
the reloader bound once, the reloader never rebinds it, and no accept error is
logged (``fixed``).
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, scenario, windows_only
from troubleshoot.harness.procs import wait_until

RELOADS = 3
ACCEPT_ERRORS = (
    r"[^\n]*(?:Accept failed on a socket|WinError|_register_with_iocp|Address already in use)[^\n]*"
)
WINDOWS_ONLY = windows_only(
    "Windows-only: the reloaded child's ProactorEventLoop could not register the "
    "listening socket with a second IOCP (WinError 87, uvicorn <0.11.0); "
    "{platform} has no IOCP, so it cannot be observed here"
)


@scenario("reloads-keep-accepting", requires=WINDOWS_ONLY)
def reloads_keep_accepting(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--reload", timeout=20)
    if not launch.serves():
        return launch.reproduces("no-start", "the first child never served")
    children = set(launch.workers())
    for n in range(1, RELOADS + 1):
        if not launch.edit_until_served(
            "app.py", f'b"v{n}"', f'b"v{n + 1}"', f"v{n + 1}", timeout=30
        ):
            return launch.reproduces("reloaded-child-not-accepting", f"reload {n} was never served")
        wait_until(lambda: len(launch.workers()) == 1, 10)
        children.update(launch.workers())
    if launch.code is not None:
        return launch.reproduces("parent-exited", f"the reloader exited ({launch.code})")
    if found := launch.find(ACCEPT_ERRORS):
        return launch.reproduces("accept-error", "a reloaded child failed to accept", found)
    if len(children) < RELOADS + 1:
        return launch.reproduces(
            "no-new-child", f"only {len(children)} children for {RELOADS} reloads", ""
        )
    return launch.fixed(
        "every-child-accepts",
        f"{RELOADS} reloads, {len(children)} children, each served from the socket bound once",
    )
