"""windows-selector-event-loop: asyncio subprocesses must work in reload and worker children.

The uvicorn behaviour needs Windows: there uvicorn runs its reload child (and,
from 0.18.0, its workers; from 0.11.0 to 0.15.0 every process) on a
``SelectorEventLoop``, whose subprocess support is missing on Windows
(``NotImplementedError`` from ``_make_subprocess_transport``) and whose
``select()`` stops at 512 sockets. On Linux and macOS every asyncio loop runs
subprocesses, so against uvicorn the outcome here is ``not-applicable``.

Against the reference server the scenarios check the cross-platform invariant:
an app that starts an asyncio subprocess per request is served under
``--reload`` (also after a reload) and under ``--workers 2`` (``fixed``, kind
``subprocess-ok``); else ``reproduces`` (kind ``no-subprocess``, or
``no-subprocess-after-reload``).
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, scenario, windows_only

WINDOWS_ONLY = windows_only(
    "Windows-only: uvicorn's selector loop lacks subprocess support and caps select() "
    "at 512 sockets only on Windows; on {platform} every asyncio loop runs "
    "subprocesses, so the failure cannot be observed here"
)


@scenario("subprocess-under-reload", requires=WINDOWS_ONLY)
def subprocess_under_reload(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--reload", wait=False)
    if not launch.wait_for_body("sub-ok", timeout=30):
        return launch.reproduces("no-subprocess", "the reload child could not run a subprocess")
    if not launch.edit_until_served(
        "app.py", "print('sub-ok')", "print('sub-ok-2')", "sub-ok-2", timeout=30
    ):
        return launch.reproduces(
            "no-subprocess-after-reload", "the reloaded child could not run a subprocess"
        )
    return launch.fixed(
        "subprocess-ok", "asyncio subprocesses ran in the reload child, before and after a reload"
    )


@scenario("subprocess-in-workers", requires=WINDOWS_ONLY)
def subprocess_in_workers(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--workers", "2", wait=False)
    if not launch.wait_for_body("sub-ok", timeout=60):
        return launch.reproduces("no-subprocess", "a worker could not run a subprocess")
    bad = [r for r in (launch.get() for _ in range(6)) if r.text != "sub-ok"]
    if bad:
        return launch.reproduces("no-subprocess", f"{len(bad)}/6 requests failed", str(bad[0]))
    return launch.fixed("subprocess-ok", "asyncio subprocesses ran in the worker processes")
