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

from troubleshoot.harness.api import Run, Verdict, scenario, windows_only
from troubleshoot.harness.procs import wait_until

RELOADS = 2
WINDOWS_ONLY = windows_only(
    "Windows-only: uvicorn's reloader hard-killed the child (<0.22.0) or waited on a "
    "CTRL_C_EVENT the terminal did not deliver (0.22.0-0.34.1) only on Windows; "
    "on {platform} it sends SIGTERM, so neither can be observed here"
)


@scenario("reload-runs-shutdown", requires=WINDOWS_ONLY)
def reload_runs_shutdown(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--reload", "--lifespan", "on", timeout=20)
    if not launch.serves():
        return launch.reproduces("no-start", "the first child never served")
    markers = run.path("shutdowns")
    retired: set[str] = set()
    for n in range(1, RELOADS + 1):
        retired.update(str(pid) for pid in launch.workers())
        if not launch.edit_until_served("app.py", f'b"v{n}"', f'b"v{n + 1}"', f"v{n + 1}"):
            return launch.reproduces("reload-stuck", f"reload {n} not served within 20s")
        if not wait_until(lambda: retired <= {p.name for p in markers.glob("*")}, 10):
            left = sorted(retired - {p.name for p in markers.glob("*")})
            return launch.reproduces(
                "no-shutdown", f"lifespan shutdown did not run in the old child {left}"
            )
    return launch.fixed(
        "graceful-reload",
        f"{RELOADS} reloads served promptly; lifespan shutdown ran in each retired child "
        f"({len(list(markers.iterdir()))} markers)",
    )
