"""reload-exits-on-code-error: ``--reload``, then an edit that breaks the app's import.

Correct behaviour (``fixed``): the reloader reports the broken code, stays up,
and serves the corrected code after the next edit (kind ``waits-for-fix``).
The failure (``reproduces``): the reloader process exits after the child died
of the SyntaxError (kind ``reloader-exits``), as 0.16.0 does; or it stays up
but never serves the corrected code (kind ``no-recovery``).
"""

from __future__ import annotations

import re
import time

from troubleshoot.harness.api import Proc, Run, Verdict, fixed, not_applicable, reproduces, scenario

# --reload exists since the spawn reloader of 0.5.0.
RELEASES = ">=0.5.0"

BROKEN = 'BODY = b"v2"\n\n\ndef broken(:\n    pass\n'
# uvicorn prints the child's SyntaxError; the reference server logs reload_failed.
BROKEN_SEEN = r"SyntaxError|reload_failed"


def _break_app(run: Run, proc: Proc, timeout: float = 20) -> bool:
    """Write the syntax error until the server reports it (the reloader's first
    scan may not have happened yet, so one write can go unnoticed)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.write("app.py", BROKEN)
        if proc.wait_for(BROKEN_SEEN, min(2.0, max(0.0, deadline - time.monotonic()))):
            return True
        if proc.returncode is not None:
            return False
    return False


def _edit_breaks_then_fixed(run: Run) -> Verdict:
    original = run.path("app.py").read_text()
    port = run.port()
    proc = run.start_cli("app:app", "--reload", "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port, timeout=20):
        text = proc.output()
        if (reason := run.unsupported(text)) is not None:
            return not_applicable(reason)
        # e.g. 0.10.7, whose --reload child crashes with a TypeError before serving:
        # a different bug, and this trigger cannot be reached
        return not_applicable(f"--reload never served the unedited app: {_last_error(text)}")
    run.step("writing a syntax error into app.py")
    if not _break_app(run, proc):
        return reproduces("no-reload", "the broken edit was never picked up", _tail(proc.output()))
    run.step("waiting to see whether the reloader survives")
    code = proc.wait(4.0)
    if code is not None:
        lines = proc.lines(r"SyntaxError|Stopping reloader|detected")
        return reproduces(
            "reloader-exits",
            f"the reloader exited (status {code}) after the app failed to import",
            "\n".join(lines[-4:]),
        )
    run.step("writing the corrected app.py (v3)")
    corrected = original.replace('b"v1"', 'b"v3"')
    if not run.edit_until_served("app.py", corrected, port, "v3", timeout=25):
        return reproduces(
            "no-recovery", "the reloader stayed up but never served the corrected code",
            _tail(proc.output()),
        )
    lines = proc.lines(r"SyntaxError|reload_failed|detected|reload_done")
    return fixed("waits-for-fix", "reported the broken edit, then served the fix", "\n".join(lines[:4]))


def _last_error(text: str) -> str:
    errors = [line for line in text.splitlines() if re.match(r"\w+(?:Error|Exception)\b", line)]
    return errors[-1] if errors else "no error printed"


def _tail(text: str) -> str:
    return "\n".join(text.strip().splitlines()[-6:])


@scenario("syntax-error-edit")
def syntax_error_edit(run: Run) -> Verdict:
    return _edit_breaks_then_fixed(run)
