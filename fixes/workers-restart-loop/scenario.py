"""workers-restart-loop: ``--workers 2`` with an app no worker can start.

Correct behaviour (``fixed``): the server gives up: the parent exits (kind
``stops-nonzero``, or ``stops-exit-0`` when it exits with status 0 although
nothing ever served). The failure (``reproduces``): the parent starts
replacement workers without end (kind ``restart-loop``: more than six worker
starts in ten seconds, with ``Child process [N] died`` lines), or it neither
serves nor exits (kind ``parent-hangs``: the workers died and nothing replaced
them). Scenarios: an exception raised while importing the app module
(``import-error``), a failing lifespan startup (``lifespan-failure``), an import
string naming a missing attribute (``bad-import-string``), and the code fix for
the first: the same check moved into the lifespan startup
(``fix-init-in-lifespan``).

``fix-workers-1``: the workaround for debugging, the same crashing module with
``--workers 1``: ``fixed`` when the server exits after printing the error once.

``slow-start``: an app whose import holds the GIL for 8 seconds, with
``--workers 2``, watched for 20 seconds. ``reproduces`` (kind
``healthcheck-kill``) when workers are killed and replaced (``died`` lines, no
traceback): the parent's 5-second health check, uvicorn 0.30.0 and later
(#2506). ``fixed`` when it serves. ``fix-healthcheck-timeout``: the same with
``--timeout-worker-healthcheck 30`` (uvicorn 0.37.0 and later; the reference
server's equivalent is ``--timeout-worker-startup``).
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, not_applicable, reproduces, scenario, tail

# --workers exists since 0.5.0.
RELEASES = ">=0.5.0"

WINDOW = 10.0
# uvicorn: "Started server process [N]"; reference server: "worker_start".
WORKER_START = r"Started server process \[\d+\]|reference_server: worker_start "
DIED = r"Child process \[\d+\] died|worker_exit .*reason=crashed"


def _run_workers(run: Run, target: str, workers: str = "2") -> Verdict:
    port = run.port()
    proc = run.start_cli(target, "--workers", workers, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"watching {target} with {workers} workers for {WINDOW:.0f}s")
    state = run.exit_or_serve(proc, port, timeout=WINDOW)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    starts = len(re.findall(WORKER_START, text))
    died = len(re.findall(DIED, text))
    if state == "serving":
        return not_applicable(f"{target} served: the app did not fail as the scenario needs")
    if state == "exited":
        code = proc.returncode
        kind = "stops-exit-0" if code == 0 else "stops-nonzero"
        return fixed(
            kind, f"the parent stopped (exit {code}) after {starts} worker starts", tail(text)
        )
    if starts > 6 or died > 2:
        lines = [line for line in text.splitlines() if re.search(DIED, line)]
        return reproduces(
            "restart-loop",
            f"{starts} worker starts and {died} 'died' lines in {WINDOW:.0f}s; still running",
            "\n".join(lines[-3:]),
        )
    return reproduces(
        "parent-hangs",
        f"the workers failed ({starts} starts), nothing serves, and the parent does not exit",
        tail(text),
    )


@scenario("import-error")
def import_error(run: Run) -> Verdict:
    return _run_workers(run, "crash_at_import:app")


@scenario("lifespan-failure")
def lifespan_failure(run: Run) -> Verdict:
    return _run_workers(run, "lifespan_fail:app")


@scenario("bad-import-string")
def bad_import_string(run: Run) -> Verdict:
    return _run_workers(run, "app:application")


@scenario("fix-init-in-lifespan")
def fix_init_in_lifespan(run: Run) -> Verdict:
    return _run_workers(run, "init_in_lifespan:app")


@scenario("fix-workers-1")
def fix_workers_1(run: Run) -> Verdict:
    verdict = _run_workers(run, "crash_at_import:app", workers="1")
    if verdict.outcome != "fixed":
        return verdict
    # the worker's failure, reported once: at most one traceback
    tracebacks = run.procs[-1].output().count("Traceback (most recent call last)")
    if tracebacks > 1:
        return reproduces(
            "repeated-error", f"{tracebacks} tracebacks: it kept trying", verdict.excerpt
        )
    return verdict


SLOW_WINDOW = 25.0


def _slow_start(run: Run, *options: str) -> Verdict:
    port = run.port()
    args = ("slow_start:app", "--workers", "2", "--host", "127.0.0.1", "--port", str(port))
    proc = run.start_cli(*args, *options)
    run.step(f"watching slow_start:app with 2 workers for up to {SLOW_WINDOW:.0f}s")
    state = run.exit_or_serve(proc, port, timeout=SLOW_WINDOW)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if state == "serving":
        proc.wait_for(DIED, 3)  # a worker still starting may be killed after the first answer
        text = proc.output()
    died = [line for line in text.splitlines() if re.search(DIED, line)]
    if state == "serving" and not died:
        return fixed("serves", "the slow-starting workers served GET /", tail(text, 2))
    if died and "Traceback" not in text:
        return reproduces(
            "healthcheck-kill",
            f"{len(died)} workers killed and replaced while starting ({state})",
            "\n".join(died[-2:]),
        )
    return reproduces("other-failure", f"{state}, exit {proc.returncode}", tail(text))


@scenario("slow-start")
def slow_start(run: Run) -> Verdict:
    return _slow_start(run)


@scenario("fix-healthcheck-timeout")
def fix_healthcheck_timeout(run: Run) -> Verdict:
    option = "--timeout-worker-startup" if run.is_reference else "--timeout-worker-healthcheck"
    return _slow_start(run, option, "30")
