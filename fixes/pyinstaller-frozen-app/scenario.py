"""pyinstaller-frozen-app: ``uvicorn.run(app)`` frozen with PyInstaller, then started.

``no-uvicorn-hook``: PyInstaller 4.5 with pyinstaller-hooks-contrib 2021.2,
from before the contrib uvicorn hook (hooks-contrib PR #300, 2021.3). The
failure (``reproduces``, kind ``missing-dynamic-import``): the executable dies
with ``ModuleNotFoundError: No module named 'uvicorn.…'`` (or ``Cannot resolve
'uvicorn.logging…'``), because uvicorn imports its loop, protocol, lifespan
and logging classes from strings that PyInstaller's analysis does not follow.
Correct behaviour (``fixed``): the frozen server answers ``GET /``.

``fix-collect-submodules``: the same old PyInstaller with ``--collect-submodules
uvicorn``. ``current-pyinstaller``: PyInstaller 6.11.1 with its current
hooks-contrib (which ships the uvicorn hook).

PyInstaller 4.5 runs on Python <= 3.9, so ``no-uvicorn-hook`` and its fix run
on the releases tested with 3.8/3.9 (0.12 to 0.18). The reference server is
not frozen by anyone and does not model PyInstaller: not-applicable there.

``fix-freeze-support-workers``: the multi-worker launcher with the fix applied
(``server_workers.py``: ``multiprocessing.freeze_support()`` first, then
``uvicorn.run("webapp:app", workers=2)`` with the app in a module of its own
that the launcher imports), frozen with PyInstaller 6.11.1; ``fixed`` when the
executable serves ``GET /`` from two worker processes.
``workers-main-script-app``: the same, but the import string names the frozen
launcher itself (``"server:app"``); the workers cannot import it (kind
``main-script-not-importable``).
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail
from troubleshoot.harness.procs import wait_until

RELEASES = ">=0.12.0"
OLD = {">=0.12.0,<0.19.0": ["pyinstaller==4.5", "pyinstaller-hooks-contrib==2021.2"]}
CURRENT = {">=0.12.0": ["pyinstaller==6.11.1"]}
MISSING = (
    r"ModuleNotFoundError: No module named 'uvicorn\.[\w.]+'[^\n]*"
    r"|ValueError: Cannot resolve 'uvicorn\.[\w.]+'[^\n]*"
)

NOT_IMPORTABLE = r'Could not import module "server"[^\n]*'


def _not_frozen(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return "the reference server does not model PyInstaller (nothing freezes it)"
    return None


def _old_pyinstaller(server: ServerSpec) -> str | None:
    if (reason := _not_frozen(server)) is not None:
        return reason
    major_minor = tuple(int(p) for p in (server.version or "0").split(".")[:2])
    if major_minor >= (0, 19):
        return (
            "needs PyInstaller 4.5 with hooks-contrib 2021.2 (before the uvicorn hook), "
            "which only runs on Python <= 3.9; this release is tested on Python 3.10+"
        )
    return None


def _freeze_and_start(
    run: Run, *freeze_args: str, workers: int = 0, app: str = "webapp:app"
) -> Verdict:
    build = run.start_script("freeze.py", *freeze_args, name="pyinstaller")
    run.step("freezing server.py with PyInstaller")
    code = build.wait(300)
    if code != 0:
        return reproduces("build-failed", f"PyInstaller exited {code}", tail(build.output()))
    port = run.port()
    frozen = run.start_script_env("launch_frozen.py", name="frozen", PORT=str(port), APP=app)
    run.step(f"waiting for the frozen server on {port} or its exit")
    state = run.exit_or_serve(frozen, port, timeout=20)
    text = frozen.output()
    if found := re.search(MISSING, text):
        return reproduces("missing-dynamic-import", f"the executable failed ({state})", found[0])
    if found := re.search(NOT_IMPORTABLE, text):
        return reproduces("main-script-not-importable", f"the workers failed ({state})", found[0])
    if state == "serving" and workers:
        # let every worker start (or fail) first
        wait_until(
            lambda: (
                re.search(MISSING, frozen.output()) is not None
                or frozen.output().count("Started server process") >= workers
            ),
            20,
        )
        text = frozen.output()
        if found := re.search(MISSING, text):
            return reproduces("missing-dynamic-import", "a frozen worker failed", found[0])
        started = [line for line in text.splitlines() if "Started server process" in line]
        if len(started) != workers:
            return reproduces(
                "wrong-worker-count",
                f"{len(started)} server processes started, expected {workers}",
                tail(text),
            )
        return fixed(
            "frozen-serves-workers", f"served from {workers} frozen workers", tail(text, 3)
        )
    if state == "serving":
        started = [line for line in text.splitlines() if "Uvicorn running" in line]
        return fixed("frozen-serves", "the frozen executable served GET /", "\n".join(started))
    return reproduces("other-failure", f"the executable: {state}", tail(text))


@scenario("no-uvicorn-hook", requires=_old_pyinstaller, extras=OLD)
def no_uvicorn_hook(run: Run) -> Verdict:
    return _freeze_and_start(run)


@scenario("fix-collect-submodules", requires=_old_pyinstaller, extras=OLD)
def fix_collect_submodules(run: Run) -> Verdict:
    return _freeze_and_start(run, "--collect-submodules", "uvicorn")


@scenario("current-pyinstaller", requires=_not_frozen, extras=CURRENT)
def current_pyinstaller(run: Run) -> Verdict:
    return _freeze_and_start(run)


@scenario("fix-freeze-support-workers", requires=_not_frozen, extras=CURRENT)
def fix_freeze_support_workers(run: Run) -> Verdict:
    run.copy("server_workers.py", "server.py")
    return _freeze_and_start(run, workers=2)


@scenario("workers-main-script-app", requires=_not_frozen, extras=CURRENT)
def workers_main_script_app(run: Run) -> Verdict:
    run.copy("server_workers.py", "server.py")
    return _freeze_and_start(run, workers=2, app="server:app")
