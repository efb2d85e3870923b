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

import re
import shlex
import time

from packaging.version import Version

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
from troubleshoot.harness.procs import wait_until

RELEASES = ">=0.6.0"
GUNICORN = {">=0.14.0": ["gunicorn==23.0.0"]}
LIMIT = 3
WATCH = 8.0
MESSAGE = rf"[^\n]*Maximum request limit of {LIMIT} exceeded\. Terminating process\.[^\n]*"


def _has_limit(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return (
            "the reference server has no --limit-max-requests: it never ends "
            "itself after a number of requests"
        )
    return None


def _gunicorn_worker(server: ServerSpec) -> str | None:
    if (reason := _has_limit(server)) is not None:
        return reason
    if Version(server.version or "0") < Version("0.14.0"):
        # observed on 0.13.3: "No module named 'uvloop'", then "Worker failed to boot"
        return "before 0.14.0 (#901) UvicornWorker needs uvloop: see uvicornworker-uvloop-missing"
    return None


def _served_after(run: Run, proc: Proc, port: int, seconds: float) -> set[str]:
    """Pids that answered during ``seconds`` (one request at a time, new connections)."""
    pids: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = run.get(port, timeout=1.0)
        if result.ok:
            pids.add(result.text)
        time.sleep(0.2)
    return pids


def _use_up(run: Run, proc: Proc, port: int) -> tuple[bool, set[str]]:
    """Wait for the server, then spend the limit: LIMIT answered requests."""
    if not run.wait_serving(proc, port, timeout=25):
        return False, set()
    pids = {run.get(port).text}  # wait_serving's own request counted too
    answered = 2  # wait_serving's probe and the request above
    deadline = time.monotonic() + 10
    while answered < LIMIT and time.monotonic() < deadline:
        result = run.get(port, timeout=1.0)
        if result.ok:
            answered += 1
            pids.add(result.text)
    return True, pids


@scenario("single", requires=_has_limit)
def single(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli(
        "app:app", "--host", "127.0.0.1", "--port", str(port), "--limit-max-requests", str(LIMIT)
    )
    started, _ = _use_up(run, proc, port)
    if not started:
        return reproduces("no-serve", f"never served, exit {proc.returncode}", tail(proc.output()))
    run.step(f"{LIMIT} requests answered; waiting for the server to exit")
    state = proc.wait(10)
    text = proc.output()
    if state is None:
        later = _served_after(run, proc, port, 2)
        return fixed("keeps-serving", f"still running, {len(later)} pid(s) answering", tail(text))
    if found := re.search(MESSAGE, text):
        level = "warning" if found[0].lstrip().startswith("WARNING") else "info"
        return reproduces(f"exits-with-{level}", f"exit {proc.returncode}", found[0].strip())
    return reproduces("exits-silently", f"exit {proc.returncode}", tail(text))


@scenario("reload", requires=_has_limit)
def reload(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli(
        "app:app",
        "--reload",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--limit-max-requests",
        str(LIMIT),
    )
    started, first = _use_up(run, proc, port)
    if not started:
        return reproduces("no-serve", f"never served, exit {proc.returncode}", tail(proc.output()))
    run.step(f"{LIMIT} requests answered; watching for {WATCH:.0f} s")
    later = _served_after(run, proc, port, WATCH) - first
    text = proc.output()
    if later:
        return fixed("child-restarted", f"a new child answered ({len(later)} pid)", tail(text))
    if proc.returncode is not None:
        return reproduces("reloader-stops", f"exit {proc.returncode}", tail(text))
    return reproduces("reloader-idle", "the reloader runs, nothing answers", tail(text))


@scenario("workers", requires=_has_limit)
def workers(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli(
        "app:app",
        "--workers",
        "2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--limit-max-requests",
        str(LIMIT),
    )
    if not run.wait_serving(proc, port, timeout=30):
        return reproduces("no-serve", f"never served, exit {proc.returncode}", tail(proc.output()))
    wait_until(lambda: len(run.workers(proc)) == 2, 20)
    run.step(f"asking for {WATCH * 2:.0f} s: {LIMIT} requests per worker, then more")
    pids = _served_after(run, proc, port, WATCH * 2)
    text = proc.output()
    alive = proc.returncode is None
    if alive and len(pids) > 2 and run.wait_serving(proc, port, timeout=10):
        return fixed(
            "workers-restarted",
            f"{len(pids)} worker pids answered in turn (2 workers); still answering",
            tail(text),
        )
    if not alive:
        return reproduces("server-exits", f"{len(pids)} pid(s), exit {proc.returncode}", tail(text))
    return reproduces(
        "parent-idle", f"{len(pids)} pid(s); parent runs, nothing answers", tail(text)
    )


def _beyond_the_limit(run: Run, proc: Proc, port: int, what: str) -> Verdict:
    started, _ = _use_up(run, proc, port)
    if not started:
        return reproduces("no-serve", f"{what}: never served", tail(proc.output()))
    run.step(f"{what}: {LIMIT} requests answered; asking for {WATCH:.0f} s more")
    answered = _served_after(run, proc, port, WATCH)
    if answered and run.wait_serving(proc, port, timeout=10):
        return fixed("serves-beyond-limit", f"{what}: still answering", tail(proc.output(), 3))
    return reproduces("stops", f"{what}: nothing answers", tail(proc.output()))


@scenario("fix-restart-policy", requires=_has_limit)
def fix_restart_policy(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_script_env(
        "restart_loop.py",
        "app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--limit-max-requests",
        str(LIMIT),
        *run.server.cli_flags,
        SERVER_CMD=shlex.join(run.server.cli),
    )
    return _beyond_the_limit(run, proc, port, "uvicorn under a restart loop")


@scenario("fix-gunicorn-max-requests", requires=_gunicorn_worker, extras=GUNICORN)
def fix_gunicorn_max_requests(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_script_env(
        "gunicorn_main.py",
        "app:app",
        "-k",
        "uvicorn.workers.UvicornWorker",
        "-w",
        "1",
        "-b",
        f"127.0.0.1:{port}",
        "--max-requests",
        str(LIMIT),
        "--graceful-timeout",
        "2",
    )
    return _beyond_the_limit(run, proc, port, "gunicorn --max-requests")


@scenario("fix-no-limit")
def fix_no_limit(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    return _beyond_the_limit(run, proc, port, "uvicorn without --limit-max-requests")
