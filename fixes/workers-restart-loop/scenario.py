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

from troubleshoot.harness.api import Run, Verdict, not_applicable, scenario

# --workers exists since 0.5.0.
RELEASES = ">=0.5.0"

WINDOW = 10.0
# uvicorn: "Started server process [N]"; reference server: "worker_start".
WORKER_START = r"Started server process \[\d+\]|reference_server: worker_start "
TRACEBACK = r"Traceback \(most recent call last\)"
DIED = r"Child process \[\d+\] died|worker_exit .*reason=crashed"


@scenario("import-error", "crash_at_import:app")
@scenario("lifespan-failure", "lifespan_fail:app")
@scenario("bad-import-string", "app:application")
@scenario("fix-init-in-lifespan", "init_in_lifespan:app")
# the worker's failure, reported once: at most one traceback
@scenario("fix-workers-1", "crash_at_import:app", workers="1")
def _run_workers(run: Run, target: str, workers: str = "2") -> Verdict:
    launch = run.launch_cli(target, "--workers", workers, timeout=WINDOW)
    if (na := launch.unsupported()) is not None:
        return na
    starts, died = launch.count(WORKER_START), launch.lines(DIED)
    if launch.state == "serving":
        return not_applicable(f"{target} served: the app did not fail as the scenario needs")
    if launch.state == "exited" and workers == "1" and (n := launch.count(TRACEBACK)) > 1:
        return launch.reproduces("repeated-error", f"{n} tracebacks: it kept trying")
    if launch.state == "exited":
        kind = "stops-nonzero" if launch.code else "stops-exit-0"
        return launch.fixed(kind, f"{launch.outcome} after {starts} worker starts", launch.tail())
    if starts > 6 or len(died) > 2:
        why = f"{starts} worker starts and {len(died)} 'died' lines in {WINDOW:.0f}s"
        return launch.reproduces("restart-loop", f"{why}; still running", "\n".join(died[-3:]))
    why = f"the workers failed ({starts} starts), nothing serves, and the parent does not exit"
    return launch.reproduces("parent-hangs", why)


@scenario("slow-start")
def _slow_start(run: Run, *options: str) -> Verdict:
    launch = run.launch_cli("slow_start:app", "--workers", "2", *options, timeout=25)
    if (na := launch.unsupported()) is not None:
        return na
    if launch.state == "serving":
        launch.wait_for(DIED, 3)  # a worker still starting may be killed after the first answer
    died = launch.lines(DIED)
    if launch.state == "serving" and not died:
        return launch.fixed("serves", "the slow-starting workers served GET /")
    if died and "Traceback" not in launch.text:
        why = f"{len(died)} workers killed and replaced while starting ({launch.outcome})"
        return launch.reproduces("healthcheck-kill", why, "\n".join(died[-2:]))
    return launch.reproduces("other-failure")


@scenario("fix-healthcheck-timeout")
def fix_healthcheck_timeout(run: Run) -> Verdict:
    option = "--timeout-worker-startup" if run.is_reference else "--timeout-worker-healthcheck"
    return _slow_start(run, option, "30")
