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

The trigger in a notebook (calling ``uvicorn.run()`` from a running kernel) is
not run here; it is the same nested ``asyncio.run()`` in the caller's thread.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, reproduces, scenario, tail

RELEASES = ">=0.5.0"

NESTED = r"[^\n]*asyncio\.run\(\) cannot be called from a running event loop[^\n]*"
ALREADY = r"[^\n]*This event loop is already running[^\n]*"
BODY = "settings loaded at import"


def _decide(run: Run, target: str, *args: str) -> Verdict:
    port = run.port()
    proc = run.start_cli(target, *args, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for `{target} {' '.join(args)}` to serve or fail")
    state = run.exit_or_serve(proc, port, timeout=20, watch=f"{NESTED}|{ALREADY}")
    text = proc.output()
    if state == "serving" and run.get(port).text == BODY:
        return fixed("serves", "the app serves", tail(text, 2))
    if found := re.search(NESTED, text):
        return reproduces("asyncio-run-nested", f"{state}, exit {proc.returncode}", found[0].strip())
    if found := re.search(ALREADY, text):
        return reproduces("loop-already-running", f"{state}, exit {proc.returncode}", found[0].strip())
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
