"""windows-iocp-winerror-87: every worker must accept on the socket the parent bound.

The uvicorn failure needs Windows: with ``--workers N`` on Python 3.8+ the
workers of uvicorn 0.16.0-0.17.6 (and of releases before 0.11.0) ran a
ProactorEventLoop, and registering the listening socket the parent had shared
with a second I/O completion port failed with ``OSError: [WinError 87]`` in
every worker but one. There is no IOCP on Linux or macOS, so against uvicorn the
outcome here is ``not-applicable``.

Against the reference server the scenario checks the cross-platform invariant
the fix restores: with ``--workers 2`` and a handler that blocks its worker,
concurrent requests are all answered, by both workers, from the one inherited
listening socket, and no accept error is logged (``fixed``, kind
``every-worker-accepts``); otherwise ``reproduces`` with what went wrong (``no-start``,
``workers-missing``, ``requests-failed``, ``accept-error``, ``one-worker-accepts``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from troubleshoot.harness.api import Run, Verdict, scenario, windows_only

WORKERS = 2
REQUESTS = 8
ACCEPT_ERRORS = r"[^\n]*(?:Accept failed on a socket|WinError|_register_with_iocp)[^\n]*"
WINDOWS_ONLY = windows_only(
    "Windows-only: the failure is the Windows IOCP refusing a second completion port for "
    "the listening socket shared with uvicorn's workers (ProactorEventLoop, Python 3.8+); "
    "{platform} has no IOCP, so it cannot be observed here"
)


@scenario("workers-share-socket", requires=WINDOWS_ONLY)
def workers_share_socket(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--workers", str(WORKERS), timeout=60)
    if not launch.serves():
        return launch.reproduces("no-start", "the workers never served")
    if len(workers := launch.workers(WORKERS, timeout=30)) != WORKERS:
        return launch.reproduces("workers-missing", f"{len(workers)} workers")
    run.step(f"{REQUESTS} concurrent requests to handlers that block their worker")
    with ThreadPoolExecutor(REQUESTS) as pool:
        results = list(pool.map(lambda _: launch.get(), range(REQUESTS)))
    if failed := [r for r in results if not r.ok]:
        return launch.reproduces(
            "requests-failed", f"{len(failed)}/{REQUESTS} failed", str(failed[0])
        )
    if found := launch.find(ACCEPT_ERRORS):
        return launch.reproduces("accept-error", "a worker failed to accept", found)
    if len(served_by := {r.text for r in results}) < WORKERS:
        reason = f"only {len(served_by)} of {WORKERS} workers accepted"
        return launch.reproduces("one-worker-accepts", reason, str(served_by))
    reason = f"{REQUESTS} concurrent requests answered by {len(served_by)} workers"
    return launch.fixed("every-worker-accepts", reason + " from one inherited socket")
