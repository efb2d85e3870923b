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

from troubleshoot.harness.api import Run, Verdict, scenario

# "ASGI 'lifespan' protocol appears unsupported." and --lifespan since 0.6.0 (#325).
RELEASES = ">=0.6.0"

CAUSE = r"cache warm-up failed"
UNSUPPORTED = r"[^\n]*(?:lifespan' protocol appears unsupported|lifespan_unsupported)[^\n]*"


@scenario("startup-raises-auto", "app:app", CAUSE)
@scenario(
    "middleware-blocks-lifespan", "app_middleware:app", "TimingMiddleware got a lifespan scope"
)
def _shows(run: Run, target: str, cause: str) -> Verdict:
    """Under the default lifespan mode, the exception must be shown."""
    launch = run.launch_cli(target, timeout=20)
    if (found := launch.find(rf"[^\n]*{cause}[^\n]*")) is not None:
        return launch.fixed("error-shown", f"{launch.outcome}: the exception is shown", found)
    if launch.state == "serving":
        why = f"serves ({launch.get().text!r}) and the exception appears nowhere"
        return launch.reproduces("error-hidden", why, launch.find(UNSUPPORTED))
    return launch.reproduces("other-failure")


def _quiet(run: Run, target: str, body: str, noise: str, kinds: tuple[str, str]) -> Verdict:
    """Serves ``body`` and logs nothing matching ``noise``."""
    launch = run.launch_cli(*target.split(), timeout=20)
    if (na := launch.unsupported()) is not None:
        return na
    found = launch.find(noise)
    if launch.serves(body) and found is None:
        return launch.fixed(kinds[0], f"serves {body!r}, nothing logged about lifespan")
    return launch.reproduces(kinds[1], f"{launch.outcome}, answers {launch.get().text!r}", found)


@scenario("fix-lifespan-on")
def fix_lifespan_on(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--lifespan", "on", timeout=20)
    if (na := launch.unsupported()) is not None:
        return na
    if launch.state == "exited" and launch.find(CAUSE):
        excerpt = "\n".join(launch.lines(rf"{CAUSE}|startup failed")[-2:])
        return launch.fixed(f"fails-fast-exit-{launch.code}", excerpt=excerpt)
    return launch.reproduces("no-fail-fast")


@scenario("fix-lifespan-off")
def fix_lifespan_off(run: Run) -> Verdict:
    target, noise = "app_http_only:app --lifespan off", rf"{UNSUPPORTED}|Traceback"
    return _quiet(run, target, "http only", noise, ("quiet", "lifespan-noise"))


@scenario("fix-middleware-passes-lifespan")
def fix_middleware_passes_lifespan(run: Run) -> Verdict:
    kinds = ("startup-ran", "startup-skipped")
    return _quiet(run, "app_middleware_fixed:app", "cache ready", UNSUPPORTED, kinds)
