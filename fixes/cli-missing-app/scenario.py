"""cli-missing-app: the server command is started without an import string.

A user mistake, not a server bug. ``no-app`` runs ``uvicorn --host 127.0.0.1
--port P``; ``empty-env-var`` runs a container's shell-form CMD,
``uvicorn $APP_MODULE --host ... --port ...``, with ``APP_MODULE`` empty, so
the shell drops the word. ``reproduces`` means click's usage error,
``Error: Missing argument 'APP'.`` (``"APP"`` with click 7.0, run by
``no-app-click-7.0`` on the releases that accept that click); the kind carries
the quote style and the exit status. A server that refuses in its own words,
promptly and non-zero, naming the missing ``MODULE:ATTR`` (the reference
server's argparse error) is ``fixed`` (``clean-error``); serving or hanging is
``reproduces`` (``other-failure``).

``fix-app-given`` starts ``app:app``; ``fix-env-default`` keeps the CMD but
writes the variable with a default (``${APP_MODULE:-app:app}``);
``fix-uvicorn-app-env`` sets ``UVICORN_APP=app:app`` and no argument, which
releases before 0.24.0 (#2106) ignore: there it ``reproduces`` (the boundary
is observed, not assumed). The reference server has no such variable and is
started with the argument in that scenario.
"""

from __future__ import annotations

import re
import shlex

from packaging.specifiers import SpecifierSet

from troubleshoot.harness.api import (
    Proc,
    Run,
    ServerSpec,
    Verdict,
    fixed,
    reproduces,
    scenario,
    tail,
)

# 0.5.x call the app ASGI 2 style (app(scope)): the fix scenarios' ASGI 3 app cannot
# serve there (the usage error itself is the same on 0.5.0, observed by hand).
RELEASES = ">=0.6.0"

MISSING = r"[^\n]*Missing argument ['\"]APP['\"][^\n]*"
ADVICE = r"[^\n]*(?:required[^\n]*MODULE:ATTR|MODULE:ATTR[^\n]*required)[^\n]*"
CLICK_70 = ">=0.12.0,<0.19.0"


def _decide(run: Run, proc: Proc, port: int, what: str) -> Verdict:
    run.step(f"waiting for {what} to exit or serve")
    state = run.exit_or_serve(proc, port, timeout=15)
    text, code = proc.output(), proc.returncode
    if state == "exited" and (found := re.search(MISSING, text)):
        quotes = "double-quotes" if '"APP"' in found[0] else "single-quotes"
        return reproduces(
            f"missing-argument-{quotes}-exit-{code}", f"{what}: exit {code}", found[0]
        )
    advice = re.search(ADVICE, text)
    if state == "exited" and code not in (0, None) and advice:
        return fixed("clean-error", f"{what}: exit {code}, names MODULE:ATTR", advice[0].strip())
    return reproduces("other-failure", f"{what}: {state}, exit {code}", tail(text))


def _launch(run: Run, port: int, **env: str) -> Proc:
    return run.start_script_env(
        "launch.py",
        SERVER_CMD=shlex.join(run.server.cli),
        SERVER_FLAGS=shlex.join(run.server.cli_flags),
        PORT=str(port),
        **env,
    )


def _click_70_releases(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server does not use click"
    if spec.version is not None and spec.version not in SpecifierSet(CLICK_70):
        return (
            f"click 7.0 is run with the releases {CLICK_70} only (older ones pin click 7.1.2 here)"
        )
    return None


@scenario("no-app")
def no_app(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("--host", "127.0.0.1", "--port", str(port))
    return _decide(run, proc, port, "the command without APP")


@scenario("no-app-click-7.0", requires=_click_70_releases, extras={CLICK_70: ["click==7.0"]})
def no_app_click_70(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("--host", "127.0.0.1", "--port", str(port))
    return _decide(run, proc, port, "the command without APP (click 7.0)")


@scenario("empty-env-var")
def empty_env_var(run: Run) -> Verdict:
    port = run.port()
    proc = _launch(run, port, APP_MODULE="")
    return _decide(run, proc, port, "`uvicorn $APP_MODULE ...` with APP_MODULE empty")


def _serves(run: Run, proc: Proc, port: int, what: str) -> Verdict:
    run.step(f"waiting for {what} to serve")
    state = run.exit_or_serve(proc, port, timeout=15)
    if state == "serving" and run.get(port).text == "served by app:app":
        return fixed("serves", f"{what} serves the app", tail(proc.output(), 2))
    return reproduces("no-serve", f"{what}: {state}, exit {proc.returncode}", tail(proc.output()))


@scenario("fix-app-given")
def fix_app_given(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    return _serves(run, proc, port, "the command with app:app")


@scenario("fix-env-default")
def fix_env_default(run: Run) -> Verdict:
    port = run.port()
    proc = _launch(run, port, APP_MODULE="", APP_WORD="${APP_MODULE:-app:app}")
    return _serves(run, proc, port, "`uvicorn ${APP_MODULE:-app:app} ...` with APP_MODULE empty")


@scenario("fix-uvicorn-app-env")
def fix_uvicorn_app_env(run: Run) -> Verdict:
    port = run.port()
    if run.is_reference:
        proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
        return _serves(run, proc, port, "the reference server (no UVICORN_APP; APP given)")
    proc = run.start_cli_env("--host", "127.0.0.1", "--port", str(port), UVICORN_APP="app:app")
    return _serves(run, proc, port, "UVICORN_APP=app:app with no APP argument")
