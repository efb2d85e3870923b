"""reload-exits-on-code-error: ``--reload``, then an edit that breaks the app's import.

Correct behaviour (``fixed``): the reloader reports the broken code, stays up,
and serves the corrected code after the next edit (kind ``waits-for-fix``).
The failure (``reproduces``): the reloader process exits after the child died
of the SyntaxError (kind ``reloader-exits``), as 0.16.0 does; or it stays up
but never serves the corrected code (kind ``no-recovery``).
"""

from __future__ import annotations

import time

from troubleshoot.harness.api import Launch, Run, Verdict, not_applicable, scenario

# --reload exists since the spawn reloader of 0.5.0.
RELEASES = ">=0.5.0"

GOOD = 'BODY = b"v1"'
BROKEN = 'BODY = b"v2"\n\n\ndef broken(:\n    pass\n'
# uvicorn prints the child's SyntaxError; the reference server logs reload_failed.
BROKEN_SEEN = r"SyntaxError|reload_failed"


def _break_app(run: Run, launch: Launch, timeout: float = 20) -> bool:
    """Write the syntax error until the server reports it (the reloader's first
    scan may not have happened yet, so one write can go unnoticed)."""
    broken = run.path("app.py").read_text().replace(GOOD, BROKEN)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and launch.code is None:
        run.write("app.py", broken)
        if launch.wait_for(BROKEN_SEEN, min(2.0, max(0.0, deadline - time.monotonic()))):
            return True
    return False


@scenario("syntax-error-edit")
def syntax_error_edit(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--reload", timeout=20)
    if not launch.serves():
        # e.g. 0.10.7, whose --reload child crashes with a TypeError before serving:
        # a different bug, and this trigger cannot be reached
        error = (launch.lines(r"^\w+(?:Error|Exception)\b") or ["no error printed"])[-1]
        return launch.unsupported() or not_applicable(
            f"--reload never served the unedited app: {error}"
        )
    run.step("writing a syntax error into app.py")
    if not _break_app(run, launch):
        return launch.reproduces("no-reload", "the broken edit was never picked up")
    run.step("waiting to see whether the reloader survives")
    if (code := launch.proc.wait(4.0)) is not None:
        lines = launch.lines(r"SyntaxError|Stopping reloader|detected")
        return launch.reproduces(
            "reloader-exits",
            f"the reloader exited (status {code}) after the app failed to import",
            "\n".join(lines[-4:]),
        )
    if not launch.edit_until_served("app.py", BROKEN, 'BODY = b"v3"\n', "v3", timeout=25):
        return launch.reproduces(
            "no-recovery", "the reloader stayed up but never served the corrected code"
        )
    lines = launch.lines(r"SyntaxError|reload_failed|detected|reload_done")
    return launch.fixed(
        "waits-for-fix", "reported the broken edit, then served the fix", "\n".join(lines[:4])
    )
