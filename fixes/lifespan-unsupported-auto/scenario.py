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
- ``fix-lifespan-off``: an HTTP-only app (app_http_only.py, which raises for
  any other scope, like Django's ASGI handler) with ``--lifespan off``;
  ``fixed`` when it serves and no lifespan-unsupported line or traceback is
  logged.
- ``middleware-blocks-lifespan``: app_middleware.py, a working lifespan
  behind a middleware that asserts ``scope["type"] == "http"``, in the
  default mode; judged like ``startup-raises-auto`` (the middleware's
  assertion message is the exception to show; the app answers ``cache
  missing`` when its startup did not run).
- ``fix-middleware-passes-lifespan``: app_middleware_fixed.py, whose
  middleware forwards non-HTTP scopes; ``fixed`` when the app answers ``cache
  ready`` (its startup ran) and no lifespan-unsupported line is logged.
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
            f"fails-fast-exit-{proc.returncode}",
            "the exception is shown and the server stops",
            "\n".join(lines[-2:]),
        )
    return reproduces("no-fail-fast", f"{state}, exit {proc.returncode}", tail(text))


MIDDLEWARE_CAUSE = r"TimingMiddleware got a lifespan scope"


def _start(run: Run, app: str, *args: str) -> tuple[str, str, str]:
    """Serve ``app`` as app.py; the state, the body of GET / and the log."""
    run.copy(app, "app.py")
    port = run.port()
    proc = run.start_cli("app:app", *args, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for {app} {' '.join(args)} to serve or exit")
    state = run.exit_or_serve(proc, port, timeout=20)
    body = run.get(port).text if state == "serving" else ""
    return state, body, proc.output()


@scenario("fix-lifespan-off")
def fix_lifespan_off(run: Run) -> Verdict:
    state, body, text = _start(run, "app_http_only.py", "--lifespan", "off")
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    noise = re.search(rf"{UNSUPPORTED}|Traceback", text)
    if state == "serving" and body == "http only" and noise is None:
        return fixed("quiet", "serves; no lifespan call, nothing logged about it", tail(text, 2))
    return reproduces("lifespan-noise", f"{state} ({body!r})", noise[0] if noise else tail(text))


@scenario("middleware-blocks-lifespan")
def middleware_blocks_lifespan(run: Run) -> Verdict:
    state, body, text = _start(run, "app_middleware.py")
    if found := re.search(rf"[^\n]*{MIDDLEWARE_CAUSE}[^\n]*", text):
        return fixed(
            "error-shown", f"{state}: the middleware's exception is shown", found[0].strip()
        )
    if state == "serving":
        note = re.search(UNSUPPORTED, text)
        why = f"serves ({body!r}) and the middleware's exception appears nowhere"
        return reproduces("error-hidden", why, note[0] if note else tail(text))
    return reproduces("other-failure", f"{state}", tail(text))


@scenario("fix-middleware-passes-lifespan")
def fix_middleware_passes_lifespan(run: Run) -> Verdict:
    state, body, text = _start(run, "app_middleware_fixed.py")
    noise = re.search(UNSUPPORTED, text)
    if state == "serving" and body == "cache ready" and noise is None:
        return fixed("startup-ran", "serves 'cache ready': the app's startup ran", tail(text, 2))
    return reproduces("startup-skipped", f"{state} ({body!r})", noise[0] if noise else tail(text))
