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

from troubleshoot.harness.api import Launch, Run, Verdict, releases, scenario

# 0.5.x call the app ASGI 2 style (app(scope)): the fix scenarios' ASGI 3 app cannot
# serve there (the usage error itself is the same on 0.5.0, observed by hand).
RELEASES = ">=0.6.0"

MISSING = r"[^\n]*Missing argument ['\"]APP['\"][^\n]*"
ADVICE = r"[^\n]*(?:required[^\n]*MODULE:ATTR|MODULE:ATTR[^\n]*required)[^\n]*"
CLICK_70 = ">=0.12.0,<0.19.0"
CMD = "{} --host 127.0.0.1 --port $PORT"  # a shell-form CMD, APP_MODULE empty
EMPTY = {"APP_MODULE": ""}


def _refused(launch: Launch) -> Verdict:
    if launch.state == "exited" and (found := launch.find(MISSING)):
        quotes = "double-quotes" if '"APP"' in found else "single-quotes"
        return launch.reproduces(f"missing-argument-{quotes}-exit-{launch.code}", excerpt=found)
    return launch.verdict(refuses=ADVICE, options=False)


def _serves(launch: Launch) -> Verdict:
    return launch.verdict(serves="serves", body="served by app:app", otherwise="no-serve")


@scenario("no-app")
def no_app(run: Run) -> Verdict:
    return _refused(run.launch_cli())


@scenario(
    "no-app-click-7.0",
    requires=releases(
        CLICK_70,
        f"click 7.0 is run with the releases {CLICK_70} only (older ones pin click 7.1.2 here)",
        reference="the reference server does not use click",
    ),
    extras={CLICK_70: ["click==7.0"]},
)
def no_app_click_70(run: Run) -> Verdict:
    return _refused(run.launch_cli())


@scenario("empty-env-var")
def empty_env_var(run: Run) -> Verdict:
    return _refused(run.launch_shell(CMD.format("$APP_MODULE"), env=EMPTY))


@scenario("fix-app-given")
def fix_app_given(run: Run) -> Verdict:
    return _serves(run.launch_cli("app:app"))


@scenario("fix-env-default")
def fix_env_default(run: Run) -> Verdict:
    return _serves(run.launch_shell(CMD.format("${APP_MODULE:-app:app}"), env=EMPTY))


@scenario("fix-uvicorn-app-env")
def fix_uvicorn_app_env(run: Run) -> Verdict:
    if run.is_reference:  # no UVICORN_APP there: the argument is given
        return _serves(run.launch_cli("app:app"))
    return _serves(run.launch_cli(env={"UVICORN_APP": "app:app"}))
