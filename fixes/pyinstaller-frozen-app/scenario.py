"""pyinstaller-frozen-app: ``uvicorn.run(app)`` frozen with PyInstaller, then started.

``no-uvicorn-hook``: PyInstaller 4.5 with pyinstaller-hooks-contrib 2021.2,
from before the contrib uvicorn hook (hooks-contrib PR #300, 2021.3). The
failure (``reproduces``, kind ``missing-dynamic-import``): the executable dies
with ``ModuleNotFoundError: No module named 'uvicorn.…'`` (or ``Cannot resolve
'uvicorn.logging…'``), because uvicorn imports its loop, protocol, lifespan
and logging classes from strings that PyInstaller's analysis does not follow.
Correct behaviour (``fixed``, kind ``frozen-serves``): the frozen server answers
``GET /``. A failed build is kind ``build-failed``, anything else ``other-failure``.

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
executable serves ``GET /`` from two worker processes (kind ``frozen-serves-workers``;
another number of them is ``wrong-worker-count``).
``workers-main-script-app``: the same, but the import string names the frozen
launcher itself (``"server:app"``); the workers cannot import it (kind
``main-script-not-importable``).
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, releases, scenario, uvicorn_only
from troubleshoot.harness.procs import wait_until

RELEASES = ">=0.12.0"
OLD = {">=0.12.0,<0.19.0": ["pyinstaller==4.5", "pyinstaller-hooks-contrib==2021.2"]}
CURRENT = {">=0.12.0": ["pyinstaller==6.11.1"]}
SIGNS = {
    "missing-dynamic-import": r"ModuleNotFoundError: No module named 'uvicorn\.[\w.]+'[^\n]*"
    r"|ValueError: Cannot resolve 'uvicorn\.[\w.]+'[^\n]*",
    "main-script-not-importable": r'Could not import module "server"[^\n]*',
}
STARTED = "Started server process"
NOT_FROZEN = "the reference server does not model PyInstaller (nothing freezes it)"
OLD_PYINSTALLER = releases(
    "<0.19.0",
    "needs PyInstaller 4.5 with hooks-contrib 2021.2 (before the uvicorn hook), "
    "which only runs on Python <= 3.9; this release is tested on Python 3.10+",
    reference=NOT_FROZEN,
)


@scenario("no-uvicorn-hook", requires=OLD_PYINSTALLER, extras=OLD)
@scenario(
    "fix-collect-submodules",
    "--collect-submodules",
    "uvicorn",
    requires=OLD_PYINSTALLER,
    extras=OLD,
)
@scenario("current-pyinstaller", requires=uvicorn_only(NOT_FROZEN), extras=CURRENT)
def _freeze_and_start(
    run: Run, *freeze_args: str, workers: int = 0, app: str = "webapp:app"
) -> Verdict:
    build = run.launch_script("freeze.py", *freeze_args, name="pyinstaller", wait=False)
    run.step("freezing server.py with PyInstaller")
    if (code := build.proc.wait(300)) != 0:
        return build.reproduces("build-failed", f"PyInstaller exited {code}")
    frozen = run.launch_script("launch_frozen.py", env={"APP": app}, name="frozen", timeout=20)
    serves = "frozen-serves-workers" if workers else "frozen-serves"
    verdict = frozen.verdict(SIGNS, serves=serves, options=False)
    if not workers or verdict.outcome != "fixed":
        return verdict
    missing = SIGNS["missing-dynamic-import"]
    # let every worker start (or fail) first
    wait_until(lambda: frozen.find(missing) is not None or frozen.count(STARTED) >= workers, 20)
    if frozen.find(missing) is None and (started := frozen.count(STARTED)) != workers:
        reason = f"{started} server processes started, expected {workers}"
        return frozen.reproduces("wrong-worker-count", reason)
    return frozen.verdict(SIGNS, serves=serves, options=False)


@scenario("fix-freeze-support-workers", requires=uvicorn_only(NOT_FROZEN), extras=CURRENT)
def fix_freeze_support_workers(run: Run) -> Verdict:
    run.copy("server_workers.py", "server.py")
    return _freeze_and_start(run, workers=2)


@scenario("workers-main-script-app", requires=uvicorn_only(NOT_FROZEN), extras=CURRENT)
def workers_main_script_app(run: Run) -> Verdict:
    run.copy("server_workers.py", "server.py")
    return _freeze_and_start(run, workers=2, app="server:app")
