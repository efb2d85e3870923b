"""windows-selector-event-loop: asyncio subprocesses must work in reload and worker children.

The uvicorn behaviour needs Windows: there uvicorn runs its reload child (and,
from 0.18.0, its workers; from 0.11.0 to 0.15.0 every process) on a
``SelectorEventLoop``, whose subprocess support is missing on Windows
(``NotImplementedError`` from ``_make_subprocess_transport``) and whose
``select()`` stops at 512 sockets. On Linux and macOS every asyncio loop runs
subprocesses, so against uvicorn the outcome here is ``not-applicable``.

Against the reference server the scenarios check the cross-platform invariant:
an app that starts an asyncio subprocess per request is served under
``--reload`` (also after a reload) and under ``--workers 2`` (``fixed``).
"""

from __future__ import annotations

import sys

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail


def _windows_only(server: ServerSpec) -> str | None:
    if server.kind == "reference" or sys.platform == "win32":
        return None
    return (
        "Windows-only: uvicorn's selector loop lacks subprocess support and caps select() "
        f"at 512 sockets only on Windows; on {sys.platform} every asyncio loop runs "
        "subprocesses, so the failure cannot be observed here"
    )


@scenario("subprocess-under-reload", requires=_windows_only)
def subprocess_under_reload(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--reload", "--host", "127.0.0.1", "--port", str(port))
    run.step("GET / runs an asyncio subprocess in the reload child")
    if not run.wait_for_body(port, "sub-ok", timeout=30):
        return reproduces(
            "no-subprocess", "the reload child could not run a subprocess", tail(proc.output())
        )
    source = run.path("app.py").read_text()
    edited = source.replace("print('sub-ok')", "print('sub-ok-2')")
    run.step("editing app.py; the reloaded child must run subprocesses too")
    if not run.edit_until_served("app.py", edited, port, "sub-ok-2", timeout=30):
        return reproduces(
            "no-subprocess-after-reload",
            "the reloaded child could not run a subprocess",
            tail(proc.output()),
        )
    return fixed(
        "subprocess-ok",
        "asyncio subprocesses ran in the reload child, before and after a reload",
        "",
    )


@scenario("subprocess-in-workers", requires=_windows_only)
def subprocess_in_workers(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--workers", "2", "--host", "127.0.0.1", "--port", str(port))
    run.step("GET / runs an asyncio subprocess in a worker")
    if not run.wait_for_body(port, "sub-ok", timeout=60):
        return reproduces(
            "no-subprocess", "a worker could not run a subprocess", tail(proc.output())
        )
    results = [run.get(port, "/") for _ in range(6)]
    bad = [r for r in results if r.text != "sub-ok"]
    if bad:
        return reproduces("no-subprocess", f"{len(bad)}/6 requests failed", str(bad[0]))
    return fixed("subprocess-ok", "asyncio subprocesses ran in the worker processes", "")
