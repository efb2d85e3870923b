"""lifespan-startup-failed: the app's lifespan startup fails (DATABASE_URL unset).

The app's own bug cannot be fixed by a server; what a server must do with it
is the point here: log the app's traceback, then stop promptly with a non-zero
status, so a supervisor or orchestrator sees a failed start (the reference
server and uvicorn >= 0.50.0 use 3, "startup failure"), with nothing left
running.

- ``single``: ``uvicorn app:app``. ``fixed`` when the process exits non-zero
  (kind ``exit-N``); ``reproduces`` when it exits 0 after the failure (kind
  ``exit-0``: looks like a clean shutdown), or keeps running (``hang``).
- ``workers``: ``uvicorn app:app --workers 2``; the same verdicts for the
  parent process, plus ``restart-loop`` when workers keep being replaced.
- ``fix-database-url``: the cause named in the traceback removed (the variable
  set); ``fixed`` when the app serves.
- ``fix-one-process``: the entry's advice for orchestrated deployments where
  the parent's exit status matters (one process per container, scale with
  replicas): a single process; ``fixed`` when it exits non-zero.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, not_applicable, reproduces, scenario, tail

# The lifespan protocol (and the startup-failed message) exists since 0.4.x; --workers
# runs through the multiprocess supervisor (spawn) from 0.10.1.
RELEASES = ">=0.5.0"

FAILED = r"Application startup failed\. Exiting\.|lifespan_startup_failed|startup_failed"
APP_ERROR = r"DATABASE_URL is not set"
CHILD_STARTS = r"Started server process \[\d+\]|Waiting for application startup"


def _excerpt(text: str) -> str:
    wanted = re.compile(rf"{FAILED}|{APP_ERROR}|failed to start|Child process|died")
    lines = [line for line in text.splitlines() if wanted.search(line)]
    return "\n".join(lines[-4:])


def _decide(run: Run, *args: str) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", *args, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for `app:app {' '.join(args)}` (failing startup) to exit")
    state = run.exit_or_serve(proc, port, timeout=25)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if state == "serving":
        return reproduces("serves", "serves although startup failed", tail(text))
    if not re.search(APP_ERROR, text):
        return reproduces("cause-hidden", f"{state}: the app's error was not shown", tail(text))
    if state == "exited":
        code = proc.returncode
        if code == 0:
            return reproduces("exit-0", "exit 0 after the startup failure", _excerpt(text))
        return fixed(f"exit-{code}", f"exit {code} after logging the app's error", _excerpt(text))
    starts = len(re.findall(CHILD_STARTS, text))
    if "--workers" in args and starts > 4:
        return reproduces(
            "restart-loop", f"still running after 25s; {starts} worker starts", _excerpt(text)
        )
    return reproduces("hang", "still running after 25s, not serving", _excerpt(text))


@scenario("single")
def single(run: Run) -> Verdict:
    return _decide(run)


@scenario("workers")
def workers(run: Run) -> Verdict:
    return _decide(run, "--workers", "2")


@scenario("fix-one-process")
def fix_one_process(run: Run) -> Verdict:
    return _decide(run)


@scenario("fix-database-url")
def fix_database_url(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli_env(
        "app:app", "--host", "127.0.0.1", "--port", str(port),
        DATABASE_URL="postgresql://db.internal/app",
    )
    run.step("waiting for app:app with DATABASE_URL set to serve")
    state = run.exit_or_serve(proc, port, timeout=20)
    if state == "serving" and run.get(port).text == "database connected":
        return fixed("serves", "startup succeeds and the app serves", tail(proc.output(), 2))
    return reproduces("no-serve", f"{state}, exit {proc.returncode}", tail(proc.output()))
