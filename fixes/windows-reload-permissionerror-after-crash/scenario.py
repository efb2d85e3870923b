"""windows-reload-permissionerror-after-crash: reload after an app crash and a dead child.

The uvicorn failure needs Windows: its reloader sent ``os.kill(pid, SIGTERM)``
to a child that had already exited, which raises ``PermissionError: [WinError 5]``
there and is a no-op on POSIX. Against uvicorn on this platform the outcome is
``not-applicable``. Against the reference server the scenario checks the
invariant the fix guarantees, on any platform:

1. an edit that makes the app raise on import is reported and the reloader
   keeps watching;
2. the serving child is killed (so the reloader now holds a dead child);
3. the next good edit is served, by the same reloader parent, with no error
   from stopping the dead child (``fixed``).
"""

from __future__ import annotations

import signal

from troubleshoot.harness.api import Run, Verdict, scenario, windows_only

RELEASES = ">=0.5.0"
GOOD = 'BODY = b"v1"'
BROKEN = 'raise RuntimeError("broken on purpose")\n' + GOOD
STOP_ERRORS = r"[^\n]*(?:PermissionError|ProcessLookupError|WinError)[^\n]*"
WINDOWS_ONLY = windows_only(
    "Windows-only: uvicorn's reloader (<0.12.0) called os.kill(pid, SIGTERM) on an "
    "already-exited child, which raises PermissionError [WinError 5] only on Windows; "
    "on {platform} that call succeeds, so the failure cannot be observed here"
)


@scenario("crash-then-reload", requires=WINDOWS_ONLY)
def crash_then_reload(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--reload", timeout=20)
    if not launch.serves():
        return launch.reproduces("no-start", "the good app never served")
    run.step("editing app.py so that importing it raises RuntimeError")
    run.write("app.py", run.path("app.py").read_text().replace(GOOD, BROKEN))
    if launch.wait_for(r"broken on purpose", 20) is None:
        return launch.reproduces("crash-unreported", "the failing import was never reported")
    run.step("killing the serving child with SIGKILL (the reloader now holds a dead child)")
    for pid in launch.workers():
        run.kill(pid, signal.SIGKILL)
    if not launch.edit_until_served("app.py", BROKEN, 'BODY = b"v2"', "v2", timeout=30):
        return launch.reproduces("reloader-gave-up", "the fixed app was never served")
    if launch.code is not None:
        return launch.reproduces("parent-exited", f"the reloader exited ({launch.code})")
    if found := launch.find(STOP_ERRORS):
        return launch.reproduces("stop-error", "stopping the dead child raised", found)
    return launch.fixed(
        "reload-survives-crash",
        "reported the crash, survived a dead child, then served the fixed code",
        "\n".join(launch.lines(r"broken on purpose|reload")),
    )
