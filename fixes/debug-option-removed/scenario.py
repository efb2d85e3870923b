"""debug-option-removed: ``debug=True`` / ``--debug`` after uvicorn 0.19.0 removed them.

``run-debug``: ``python serve.py`` calling ``run("app:app", ..., debug=True)``
(inside the main guard: on old releases ``debug`` also turns the reloader on).
Correct (``fixed``, kind ``accepted``): the server answers ``GET /``. Failure
(``reproduces``, kind ``run-typeerror``): ``TypeError: run() got an unexpected
keyword argument 'debug'`` before anything starts.

``cli-debug``: ``uvicorn app:app --debug``. Correct (``fixed``, kind
``accepted``): serves. Failure (``reproduces``, kind ``no-such-option``): click
exits with ``No such option: --debug``.

``fix-reload-log-level``: the launcher with ``reload=True, log_level="debug"``
instead of ``debug=True``; it must serve on the releases without ``debug``.

The reference server mirrors uvicorn's current interface and never had a
``debug`` option: the two trigger scenarios are not-applicable there; the fixed
launcher runs on it.
"""

from __future__ import annotations

from troubleshoot.harness.api import Launch, Run, Verdict, scenario, uvicorn_only

# `debug` is in uvicorn's run()/Config/CLI from 0.3 (git); the search starts at 0.12,
# the first release installed with its own dependencies.
RELEASES = ">=0.12.0"

SIGNS = {
    "run-typeerror": r"TypeError: [\w.]*\(\) got an unexpected keyword argument 'debug'",
    "no-such-option": r"(?i)no such option:? ['\"]?--debug['\"]?",
}
NEVER_HAD_DEBUG = uvicorn_only(
    "the reference server mirrors uvicorn's current options and never had "
    "debug; this class is about uvicorn's removal of it"
)


def _decide(launch: Launch) -> Verdict:
    return launch.verdict(SIGNS, serves="accepted", options=False)


@scenario("run-debug", requires=NEVER_HAD_DEBUG)
def run_debug(run: Run) -> Verdict:
    return _decide(run.launch_script("serve.py", timeout=20))


@scenario("cli-debug", requires=NEVER_HAD_DEBUG)
def cli_debug(run: Run) -> Verdict:
    return _decide(run.launch_cli("app:app", "--debug", timeout=20))


@scenario("fix-reload-log-level")
def fix_reload_log_level(run: Run) -> Verdict:
    return _decide(run.launch_script("serve_fixed.py", timeout=20))
