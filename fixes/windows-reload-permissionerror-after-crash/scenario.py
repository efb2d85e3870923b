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

import re
import signal
import sys

from troubleshoot.harness.api import (
    Run,
    ServerSpec,
    Verdict,
    fixed,
    reproduces,
    scenario,
    tail,
)

RELEASES = ">=0.5.0"
BROKEN = 'raise RuntimeError("broken on purpose")\n'
STOP_ERRORS = r"PermissionError|ProcessLookupError|WinError"


def _windows_only(server: ServerSpec) -> str | None:
    if server.kind == "reference" or sys.platform == "win32":
        return None
    return (
        "Windows-only: uvicorn's reloader (<0.12.0) called os.kill(pid, SIGTERM) on an "
        "already-exited child, which raises PermissionError [WinError 5] only on Windows; "
        f"on {sys.platform} that call succeeds, so the failure cannot be observed here"
    )


@scenario("crash-then-reload", requires=_windows_only)
def crash_then_reload(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--reload", "--host", "127.0.0.1", "--port", str(port))
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the good app never served", tail(proc.output()))
    source = run.path("app.py").read_text()
    run.step("editing app.py so that importing it raises RuntimeError")
    run.write("app.py", BROKEN + source)
    if proc.wait_for(r"broken on purpose", 20) is None:
        return reproduces(
            "crash-unreported", "the failing import was never reported", tail(proc.output())
        )
    run.step("killing the serving child with SIGKILL (the reloader now holds a dead child)")
    for pid in run.workers(proc):
        run.kill(pid, signal.SIGKILL)
    run.step("editing app.py back to a good version that answers v2")
    good = source.replace('b"v1"', 'b"v2"')
    if not run.edit_until_served("app.py", good, port, "v2", timeout=30):
        return reproduces("reloader-gave-up", "the fixed app was never served", tail(proc.output()))
    text = proc.output()
    if proc.returncode is not None:
        return reproduces("parent-exited", f"the reloader exited ({proc.returncode})", tail(text))
    if found := re.search(rf"^.*({STOP_ERRORS}).*$", text, re.MULTILINE):
        return reproduces("stop-error", "stopping the dead child raised", found[0])
    return fixed(
        "reload-survives-crash",
        "reported the crash, survived a dead child, then served the fixed code",
        "\n".join(
            line for line in text.splitlines() if re.search(r"broken on purpose|reload", line)
        )[:600],
    )
