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

import re

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

# `debug` is in uvicorn's run()/Config/CLI from 0.3 (git); the search starts at 0.12,
# the first release installed with its own dependencies.
RELEASES = ">=0.12.0"

SIGNS = {
    "run-typeerror": r"TypeError: [\w.]*\(\) got an unexpected keyword argument 'debug'",
    "no-such-option": r"(?i)no such option:? ['\"]?--debug['\"]?",
}


def _uvicorn_only(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return (
            "the reference server mirrors uvicorn's current options and never had "
            "debug; this class is about uvicorn's removal of it"
        )
    return None


def _decide(run: Run, proc: Proc, port: int, what: str) -> Verdict:
    run.step(f"waiting for {what} to serve on port {port} or exit")
    state = run.exit_or_serve(proc, port, timeout=20)
    text = proc.output()
    for kind, pattern in SIGNS.items():
        if found := re.search(pattern, text):
            return reproduces(kind, f"{what}: {state} (exit {proc.returncode})", found[0])
    if state == "serving":
        return fixed("accepted", f"{what} served GET / with 200", tail(text))
    return reproduces("other-failure", f"{what}: {state}, exit {proc.returncode}", tail(text))


@scenario("run-debug", requires=_uvicorn_only)
def run_debug(run: Run) -> Verdict:
    port = run.port()
    return _decide(run, run.start_script_env("serve.py", PORT=str(port)), port, "run(debug=True)")


@scenario("cli-debug", requires=_uvicorn_only)
def cli_debug(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--debug", "--host", "127.0.0.1", "--port", str(port))
    return _decide(run, proc, port, "uvicorn --debug")


@scenario("fix-reload-log-level")
def fix_reload_log_level(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_script_env("serve_fixed.py", PORT=str(port))
    return _decide(run, proc, port, 'run(reload=True, log_level="debug")')
