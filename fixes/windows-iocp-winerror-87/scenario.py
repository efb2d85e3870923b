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
listening socket, and no accept error is logged (``fixed``).
"""

from __future__ import annotations

import re
import sys
from concurrent.futures import ThreadPoolExecutor

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail
from troubleshoot.harness.procs import wait_until

WORKERS = 2
REQUESTS = 8
ACCEPT_ERRORS = r"Accept failed on a socket|WinError|_register_with_iocp"


def _windows_only(server: ServerSpec) -> str | None:
    if server.kind == "reference" or sys.platform == "win32":
        return None
    return (
        "Windows-only: the failure is the Windows IOCP refusing a second completion port for "
        "the listening socket shared with uvicorn's workers (ProactorEventLoop, Python 3.8+); "
        f"{sys.platform} has no IOCP, so it cannot be observed here"
    )


@scenario("workers-share-socket", requires=_windows_only)
def workers_share_socket(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli(
        "app:app", "--workers", str(WORKERS), "--host", "127.0.0.1", "--port", str(port)
    )
    if not run.wait_serving(proc, port, timeout=60):
        return reproduces("no-start", "the workers never served", tail(proc.output()))
    if not wait_until(lambda: len(run.workers(proc)) == WORKERS, 30):
        return reproduces(
            "workers-missing", f"{len(run.workers(proc))} workers", tail(proc.output())
        )
    run.step(f"{REQUESTS} concurrent requests to handlers that block their worker")
    with ThreadPoolExecutor(REQUESTS) as pool:
        results = list(pool.map(lambda _: run.get(port, "/"), range(REQUESTS)))
    failed = [r for r in results if not r.ok]
    if failed:
        return reproduces("requests-failed", f"{len(failed)}/{REQUESTS} failed", str(failed[0]))
    served_by = {r.text for r in results}
    text = proc.output()
    if found := re.search(rf"^.*(?:{ACCEPT_ERRORS}).*$", text, re.MULTILINE):
        return reproduces("accept-error", "a worker failed to accept", found[0])
    if len(served_by) < WORKERS:
        return reproduces(
            "one-worker-accepts",
            f"only {len(served_by)} of {WORKERS} workers accepted",
            str(served_by),
        )
    return fixed(
        "every-worker-accepts",
        f"{REQUESTS} concurrent requests answered by {len(served_by)} workers "
        "from one inherited socket",
        tail(text),
    )
