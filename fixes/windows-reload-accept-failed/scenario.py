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

import re
import sys

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail
from troubleshoot.harness.procs import wait_until

RELOADS = 3
ACCEPT_ERRORS = r"Accept failed on a socket|WinError|_register_with_iocp|Address already in use"


def _windows_only(server: ServerSpec) -> str | None:
    if server.kind == "reference" or sys.platform == "win32":
        return None
    return (
        "Windows-only: the reloaded child's ProactorEventLoop could not register the "
        "listening socket with a second IOCP (WinError 87, uvicorn <0.11.0); "
        f"{sys.platform} has no IOCP, so it cannot be observed here"
    )


@scenario("reloads-keep-accepting", requires=_windows_only)
def reloads_keep_accepting(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--reload", "--host", "127.0.0.1", "--port", str(port))
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the first child never served", tail(proc.output()))
    source = run.path("app.py").read_text()
    children: set[int] = set(run.workers(proc))
    for n in range(2, RELOADS + 2):
        run.step(f"reload {n - 1}/{RELOADS}: editing app.py to answer v{n}")
        edited = source.replace('b"v1"', f'b"v{n}"')
        if not run.edit_until_served("app.py", edited, port, f"v{n}", timeout=30):
            return reproduces(
                "reloaded-child-not-accepting",
                f"reload {n - 1} was never served",
                tail(proc.output()),
            )
        wait_until(lambda: len(run.workers(proc)) == 1, 10)
        children.update(run.workers(proc))
    text = proc.output()
    if proc.returncode is not None:
        return reproduces("parent-exited", f"the reloader exited ({proc.returncode})", tail(text))
    if found := re.search(rf"^.*(?:{ACCEPT_ERRORS}).*$", text, re.MULTILINE):
        return reproduces("accept-error", "a reloaded child failed to accept", found[0])
    if len(children) < RELOADS + 1:
        return reproduces(
            "no-new-child", f"only {len(children)} children for {RELOADS} reloads", ""
        )
    return fixed(
        "every-child-accepts",
        f"{RELOADS} reloads, {len(children)} children, each served from the socket bound once",
        tail(text),
    )
