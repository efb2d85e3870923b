"""windows-reload-stuck-or-no-shutdown: a reload must stop the old child gracefully, promptly.

The uvicorn failures need Windows: up to 0.21.x the reloader stopped the child
with ``terminate()`` (a hard kill there), so lifespan shutdown never ran on a
reload (#1036); from 0.22.0 it sends ``CTRL_C_EVENT`` instead, which IDE
terminals and Windows Terminal did not deliver until the window got focus, so
reloads hung at "Reloading..." until 0.34.2 (#2000). On Linux and macOS
uvicorn's reloader sends SIGTERM, so against uvicorn the outcome here is
``not-applicable``.

Against the reference server the scenario checks the cross-platform invariant:
each reload, with no terminal interaction, runs the old child's lifespan
shutdown (a marker file per pid) and the new code is served within a deadline
(``fixed``).
"""

from __future__ import annotations

import sys

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail
from troubleshoot.harness.procs import wait_until

RELOADS = 2


def _windows_only(server: ServerSpec) -> str | None:
    if server.kind == "reference" or sys.platform == "win32":
        return None
    return (
        "Windows-only: uvicorn's reloader hard-killed the child (<0.22.0) or waited on a "
        "CTRL_C_EVENT the terminal did not deliver (0.22.0-0.34.1) only on Windows; "
        f"on {sys.platform} it sends SIGTERM, so neither can be observed here"
    )


@scenario("reload-runs-shutdown", requires=_windows_only)
def reload_runs_shutdown(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli(
        "app:app", "--reload", "--lifespan", "on", "--host", "127.0.0.1", "--port", str(port)
    )
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the first child never served", tail(proc.output()))
    source = run.path("app.py").read_text()
    markers = run.path("shutdowns")
    for n in range(2, RELOADS + 2):
        old = set(run.workers(proc))
        run.step(f"reload {n - 1}/{RELOADS}: editing app.py to answer v{n}")
        edited = source.replace('b"v1"', f'b"v{n}"')
        if not run.edit_until_served("app.py", edited, port, f"v{n}", timeout=20):
            return reproduces(
                "reload-stuck", f"reload {n - 1} not served within 20s", tail(proc.output())
            )

        def shut_down(old: set[int] = old) -> bool:
            done = {p.name for p in markers.iterdir()} if markers.is_dir() else set()
            return {str(pid) for pid in old} <= done

        if not wait_until(shut_down, 10):
            return reproduces(
                "no-shutdown",
                f"lifespan shutdown did not run in the old child {sorted(old)}",
                tail(proc.output()),
            )
    count = len(list(markers.iterdir()))
    return fixed(
        "graceful-reload",
        f"{RELOADS} reloads served promptly; lifespan shutdown ran in each retired child "
        f"({count} markers)",
        tail(proc.output()),
    )
