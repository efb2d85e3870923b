"""running-event-loop: the app module calls asyncio.run() while it is imported.

- ``import-time-loop``: ``uvicorn app:app`` (one process). Releases that
  import the app inside their running loop fail with ``asyncio.run() cannot
  be called from a running event loop`` (kind ``asyncio-run-nested``; ``This
  event loop is already running``, kind ``loop-already-running``, before
  0.15.0): ``reproduces``. Serving is ``fixed`` (0.47.0 imports the app before
  the loop starts, #2919).
- ``import-time-loop-workers``: the same with ``--workers 2``; each worker
  imports the app inside its loop. ``fixed`` only if it serves.
- ``fix-lifespan``: the settings are loaded in the lifespan startup instead
  (``app_lifespan.py``); ``fixed`` when it serves.

The other trigger, the caller's own running loop (a notebook kernel, an async
``main``), is run from a script: ``serve_in_coroutine.py`` starts the server
inside ``asyncio.run(main())``.

- ``run-in-coroutine``: ``run("app_lifespan:app")`` inside the coroutine:
  ``reproduces`` with the nested-loop error, ``fixed`` when it serves.
- ``fix-await-serve``: the fix, ``await Server(Config(...)).serve()`` in the
  same coroutine; ``fixed`` when it serves. Both are about uvicorn's Python
  API; the reference server has no coroutine entry point (not-applicable there).
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

RELEASES = ">=0.5.0"

NESTED = r"[^\n]*asyncio\.run\(\) cannot be called from a running event loop[^\n]*"
ALREADY = r"[^\n]*This event loop is already running[^\n]*"
BODY = "settings loaded at import"


def _decide(run: Run, target: str, *args: str) -> Verdict:
    port = run.port()
    proc = run.start_cli(target, *args, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for `{target} {' '.join(args)}` to serve or fail")
    return _verdict(run, proc, port)


def _verdict(run: Run, proc: Proc, port: int) -> Verdict:
    state = run.exit_or_serve(proc, port, timeout=20, watch=f"{NESTED}|{ALREADY}")
    text = proc.output()
    if state == "serving" and run.get(port).text == BODY:
        return fixed("serves", "the app serves", tail(text, 2))
    if found := re.search(NESTED, text):
        return reproduces(
            "asyncio-run-nested", f"{state}, exit {proc.returncode}", found[0].strip()
        )
    if found := re.search(ALREADY, text):
        return reproduces(
            "loop-already-running", f"{state}, exit {proc.returncode}", found[0].strip()
        )
    return reproduces("other-failure", f"{state}, exit {proc.returncode}", tail(text))


@scenario("import-time-loop")
def import_time_loop(run: Run) -> Verdict:
    return _decide(run, "app:app")


@scenario("import-time-loop-workers")
def import_time_loop_workers(run: Run) -> Verdict:
    return _decide(run, "app:app", "--workers", "2")


@scenario("fix-lifespan")
def fix_lifespan(run: Run) -> Verdict:
    return _decide(run, "app_lifespan:app")


def _uvicorn_api(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return (
            "this is about uvicorn's Python API: the reference server has no coroutine "
            "entry point like uvicorn.Server.serve() to compare run() with"
        )
    return None


def _in_coroutine(run: Run, mode: str) -> Verdict:
    port = run.port()
    proc = run.start_script_env("serve_in_coroutine.py", PORT=str(port), MODE=mode)
    run.step(f"waiting for serve_in_coroutine.py (MODE={mode}) to serve or fail")
    return _verdict(run, proc, port)


@scenario("run-in-coroutine", requires=_uvicorn_api)
def run_in_coroutine(run: Run) -> Verdict:
    return _in_coroutine(run, "run")


@scenario("fix-await-serve", requires=_uvicorn_api)
def fix_await_serve(run: Run) -> Verdict:
    return _in_coroutine(run, "serve")
