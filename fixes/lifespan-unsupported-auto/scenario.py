"""lifespan-unsupported-auto: startup raises before answering, under ``--lifespan auto``.

uvicorn's default ``auto`` mode treats *any* exception from the first
lifespan call as "this app does not speak lifespan": it logs ``ASGI
'lifespan' protocol appears unsupported.`` at INFO and serves, so the
startup error itself is never shown.

- ``startup-raises-auto``: ``app:app`` with the default lifespan mode.
  ``fixed`` when the server shows the app's exception (its message appears in
  the log: the reference server's ``lifespan_unsupported error=...``), or
  refuses to start; ``reproduces`` (kind ``error-hidden``) when it serves and
  the exception text appears nowhere.
- ``fix-lifespan-on``: the same app with ``--lifespan on``; ``fixed`` when the
  exception is shown and the server does not serve (it fails fast).
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, not_applicable, reproduces, scenario, tail

# "ASGI 'lifespan' protocol appears unsupported." and --lifespan since 0.6.0 (#325).
RELEASES = ">=0.6.0"

CAUSE = r"cache warm-up failed"
UNSUPPORTED = r"[^\n]*(?:lifespan' protocol appears unsupported|lifespan_unsupported)[^\n]*"


@scenario("startup-raises-auto")
def startup_raises_auto(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    run.step("waiting for app:app (startup raises, lifespan auto) to serve or exit")
    state = run.exit_or_serve(proc, port, timeout=20)
    text = proc.output()
    note = re.search(UNSUPPORTED, text)
    if re.search(CAUSE, text):
        line = next(line for line in text.splitlines() if re.search(CAUSE, line))
        return fixed("error-shown", f"{state}: the startup exception is shown", line.strip())
    if state == "serving":
        body = run.get(port).text
        return reproduces(
            "error-hidden",
            f"serves ({body!r}) and the startup exception appears nowhere",
            note[0] if note else tail(text),
        )
    return reproduces("other-failure", f"{state}, exit {proc.returncode}", tail(text))


@scenario("fix-lifespan-on")
def fix_lifespan_on(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--lifespan", "on", "--host", "127.0.0.1", "--port", str(port))
    run.step("waiting for app:app --lifespan on to fail fast")
    state = run.exit_or_serve(proc, port, timeout=20)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if state == "exited" and re.search(CAUSE, text):
        lines = [ln for ln in text.splitlines() if re.search(rf"{CAUSE}|startup failed", ln)]
        return fixed(
            f"fails-fast-exit-{proc.returncode}", "the exception is shown and the server stops",
            "\n".join(lines[-2:]),
        )
    return reproduces("no-fail-fast", f"{state}, exit {proc.returncode}", tail(text))
