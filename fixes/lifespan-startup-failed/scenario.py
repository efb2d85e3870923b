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

from troubleshoot.harness.api import Run, Verdict, scenario

# The lifespan protocol (and the startup-failed message) exists since 0.4.x; --workers
# runs through the multiprocess supervisor (spawn) from 0.10.1.
RELEASES = ">=0.5.0"

FAILED = r"Application startup failed\. Exiting\.|lifespan_startup_failed|startup_failed"
APP_ERROR = r"DATABASE_URL is not set"
SHOWN = rf"{FAILED}|{APP_ERROR}|failed to start|Child process|died"
CHILD_STARTS = r"Started server process \[\d+\]|Waiting for application startup"


@scenario("single")
@scenario("workers", "--workers", "2")
@scenario("fix-one-process")
def _decide(run: Run, *args: str) -> Verdict:
    launch = run.launch_cli("app:app", *args, timeout=25)
    if (na := launch.unsupported()) is not None:
        return na
    if launch.state == "serving":
        return launch.reproduces("serves", "serves although startup failed")
    if launch.find(APP_ERROR) is None:
        return launch.reproduces("cause-hidden", f"{launch.outcome}: the app's error was not shown")
    excerpt = "\n".join(launch.lines(SHOWN)[-4:])
    if launch.state == "exited":
        judge = launch.fixed if launch.code else launch.reproduces
        return judge(f"exit-{launch.code}", f"{launch.outcome} after the app's error", excerpt)
    if "--workers" in args and (n := launch.count(CHILD_STARTS)) > 4:
        return launch.reproduces("restart-loop", f"{launch.outcome}; {n} worker starts", excerpt)
    return launch.reproduces("hang", f"{launch.outcome}, not serving", excerpt)


@scenario("fix-database-url")
def fix_database_url(run: Run) -> Verdict:
    env = {"DATABASE_URL": "postgresql://db.internal/app"}
    launch = run.launch_cli("app:app", env=env, timeout=20)
    return launch.verdict(serves="serves", body="database connected", otherwise="no-serve")
