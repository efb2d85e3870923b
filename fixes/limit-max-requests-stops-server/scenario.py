"""limit-max-requests-stops-server: ``--limit-max-requests N`` ends the server after N requests.

The option is documented ("maximum number of requests to service before
terminating the process"); the surprise is that plain uvicorn has nothing that
starts the process again. Each scenario sends ``LIMIT`` requests, each on a new
connection, then keeps asking for ``WATCH`` seconds.

- ``single``: ``uvicorn app:app --limit-max-requests 3``. ``reproduces`` when the
  process exits after the limit; the kind says whether it printed ``Maximum
  request limit of 3 exceeded. Terminating process.`` (0.32.0 and later; the
  kind names its level, WARNING until 0.40, INFO from 0.41.0) or stopped with
  the ordinary shutdown lines only.
- ``reload``: the same with ``--reload``: ``reproduces`` (kind ``reloader-stops``)
  when the reloader exits with its child, ``reloader-idle`` when it stays but
  nothing serves; ``fixed`` (``child-restarted``) when a new child serves.
- ``workers``: ``--workers 2``: ``fixed`` (``workers-restarted``) when the
  supervisor replaces the workers that reached the limit and requests keep being
  answered, by new pids; ``reproduces`` (``server-exits`` / ``parent-idle``)
  otherwise.

Fixes: ``fix-restart-policy`` runs the command under a restart loop (what
systemd, Docker or supervisord do); ``fix-gunicorn-max-requests`` lets gunicorn
recycle ``uvicorn.workers.UvicornWorker`` with its own ``--max-requests``;
``fix-no-limit`` drops the option. Each is ``fixed`` when requests beyond the
limit are answered. The reference server has no request limit: the trigger
scenarios are not-applicable there.
"""

from __future__ import annotations

import shlex
import time

from troubleshoot.harness.api import Launch, Run, Verdict, releases, scenario, uvicorn_only

RELEASES = ">=0.6.0"
GUNICORN = {">=0.14.0": ["gunicorn==23.0.0"]}
LIMIT = 3
WATCH = 8.0
LIMITED = ("--limit-max-requests", str(LIMIT))
MESSAGE = rf"[^\n]*Maximum request limit of {LIMIT} exceeded\. Terminating process\.[^\n]*"
NO_LIMIT = (
    "the reference server has no --limit-max-requests: it never ends itself after a number "
    "of requests"
)
HAS_LIMIT = uvicorn_only(NO_LIMIT)
# observed on 0.13.3: "No module named 'uvloop'", then "Worker failed to boot"
GUNICORN_WORKER = releases(
    ">=0.14.0",
    "before 0.14.0 (#901) UvicornWorker needs uvloop: see uvicornworker-uvloop-missing",
    reference=NO_LIMIT,
)


def _answers(launch: Launch, seconds: float, enough: int = 0) -> set[str]:
    """Pids that answered during ``seconds`` (one request at a time, new connections),
    or until ``enough`` requests were answered."""
    pids: set[str] = set()
    answered, deadline = 0, time.monotonic() + seconds
    while time.monotonic() < deadline and (not enough or answered < enough):
        if (result := launch.get(timeout=1.0)).ok:
            answered += 1
            pids.add(result.text)
        time.sleep(0.2)
    return pids


def _use_up(launch: Launch) -> set[str] | None:
    """Once it serves, spend the limit (settle's probe was the first request): the
    pids that answered the rest; None when it never served."""
    return _answers(launch, 10, LIMIT - 1) if launch.state == "serving" else None


@scenario("single", requires=HAS_LIMIT)
def single(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", *LIMITED, timeout=25)
    if _use_up(launch) is None:
        return launch.reproduces("no-serve")
    run.step(f"{LIMIT} requests answered; waiting for the server to exit")
    if launch.proc.wait(10) is None:
        later = _answers(launch, 2)
        return launch.fixed("keeps-serving", f"still running, {len(later)} pid(s) answering")
    if found := launch.find(MESSAGE):
        level = "warning" if found.startswith("WARNING") else "info"
        return launch.reproduces(f"exits-with-{level}", excerpt=found)
    return launch.reproduces("exits-silently")


@scenario("reload", requires=HAS_LIMIT)
def reload(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--reload", *LIMITED, timeout=25)
    if (first := _use_up(launch)) is None:
        return launch.reproduces("no-serve")
    run.step(f"{LIMIT} requests answered; watching for {WATCH:.0f} s")
    if later := _answers(launch, WATCH) - first:
        return launch.fixed("child-restarted", f"a new child answered ({len(later)} pid)")
    if launch.code is not None:
        return launch.reproduces("reloader-stops")
    return launch.reproduces("reloader-idle", "the reloader runs, nothing answers")


@scenario("workers", requires=HAS_LIMIT)
def workers(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--workers", "2", *LIMITED, timeout=30)
    if launch.state != "serving":
        return launch.reproduces("no-serve")
    launch.workers(2, timeout=20)
    run.step(f"asking for {WATCH * 2:.0f} s: {LIMIT} requests per worker, then more")
    pids = _answers(launch, WATCH * 2)
    if launch.code is not None:
        return launch.reproduces("server-exits", f"{len(pids)} pid(s), exit {launch.code}")
    if len(pids) > 2 and launch.settle(10) == "serving":
        return launch.fixed("workers-restarted", f"{len(pids)} pids answered in turn (2 workers)")
    return launch.reproduces("parent-idle", f"{len(pids)} pid(s); parent runs, nothing answers")


def _beyond_the_limit(launch: Launch, what: str) -> Verdict:
    if _use_up(launch) is None:
        return launch.reproduces("no-serve", f"{what}: never served")
    if _answers(launch, WATCH) and launch.settle(10) == "serving":
        return launch.fixed("serves-beyond-limit", f"{what}: still answering", launch.tail(3))
    return launch.reproduces("stops", f"{what}: nothing answers")


@scenario("fix-restart-policy", requires=HAS_LIMIT)
def fix_restart_policy(run: Run) -> Verdict:
    env = {"SERVER_CMD": shlex.join(run.server.cli)}
    args = ("app:app", *LIMITED, *run.server.cli_flags)
    launch = run.launch_script("restart_loop.py", *args, env=env, timeout=25)
    return _beyond_the_limit(launch, "uvicorn under a restart loop")


@scenario("fix-gunicorn-max-requests", requires=GUNICORN_WORKER, extras=GUNICORN)
def fix_gunicorn_max_requests(run: Run) -> Verdict:
    worker = "uvicorn.workers.UvicornWorker"
    return _beyond_the_limit(
        run.launch_gunicorn("app:app", worker, "--max-requests", str(LIMIT), timeout=25),
        "gunicorn --max-requests",
    )


@scenario("fix-no-limit")
def fix_no_limit(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", timeout=25)
    return _beyond_the_limit(launch, "uvicorn without --limit-max-requests")
