"""running-event-loop: the app module calls asyncio.run() while it is imported.

- ``import-time-loop``: ``uvicorn app:app`` (one process). Releases that
  import the app inside their running loop fail with ``asyncio.run() cannot
  be called from a running event loop`` (kind ``asyncio-run-nested``; ``This
  event loop is already running``, kind ``loop-already-running``, before
  0.15.0): ``reproduces``. Serving is ``fixed`` (kind ``serves``; 0.47.0 imports
  the app before the loop starts, #2919); anything else is kind ``other-failure``.
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

from troubleshoot.harness.api import Launch, Run, Verdict, scenario, uvicorn_only

RELEASES = ">=0.5.0"

SIGNS = {
    "asyncio-run-nested": r"[^\n]*asyncio\.run\(\) cannot be called from a running event loop"
    r"[^\n]*",
    "loop-already-running": r"[^\n]*This event loop is already running[^\n]*",
}
WATCH = "|".join(SIGNS.values())
UVICORN_API = uvicorn_only(
    "this is about uvicorn's Python API: the reference server has no coroutine "
    "entry point like uvicorn.Server.serve() to compare run() with"
)


def _decide(launch: Launch) -> Verdict:
    if launch.serves("settings loaded at import"):  # serving wins over a sign seen too
        return launch.fixed("serves")
    return launch.verdict(SIGNS, options=False)


@scenario("import-time-loop")
def import_time_loop(run: Run) -> Verdict:
    return _decide(run.launch_cli("app:app", timeout=20, watch=WATCH))


@scenario("import-time-loop-workers")
def import_time_loop_workers(run: Run) -> Verdict:
    return _decide(run.launch_cli("app:app", "--workers", "2", timeout=20, watch=WATCH))


@scenario("fix-lifespan")
def fix_lifespan(run: Run) -> Verdict:
    return _decide(run.launch_cli("app_lifespan:app", timeout=20, watch=WATCH))


@scenario("run-in-coroutine", "run", requires=UVICORN_API)
@scenario("fix-await-serve", "serve", requires=UVICORN_API)
def _in_coroutine(run: Run, mode: str) -> Verdict:
    env = {"MODE": mode}
    return _decide(run.launch_script("serve_in_coroutine.py", env=env, timeout=20, watch=WATCH))
