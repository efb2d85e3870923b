"""inconsistent-install: the uvicorn files on sys.path are not all those one release installed.

The release's installed package folder and its ``.dist-info`` are copied into
``usersite/`` in the run folder and put first on ``PYTHONPATH`` (where a
``pip install --user`` copy sits before the system one), so the cached release
environment itself is never touched. Then:

- ``truncated-main-py``: ``usersite/uvicorn/main.py`` is emptied, as an upgrade
  interrupted while writing it leaves it, and ``python -m uvicorn app:app``
  starts. ``reproduces`` (kind ``cannot-import-name``) on ``cannot import name
  ... from 'uvicorn.main'``; the excerpt adds what
  ``troubleshoot.sources.install_record.check_record`` finds in the copy (the
  RECORD hash of ``uvicorn/main.py`` no longer matching).
- ``fix-reinstall``: the same copy left intact (what ``pip install
  --force-reinstall`` restores): ``fixed`` when the server starts and the
  RECORD check finds every file as recorded.

The reference server is not an installed distribution: not applicable.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from troubleshoot.errors import HarnessError
from troubleshoot.harness.api import Launch, Run, Verdict, scenario, uvicorn_only
from troubleshoot.sources.install_record import RecordCheck, check_record

# python -m uvicorn needs uvicorn/__main__.py (0.10.0 and later).
RELEASES = ">=0.10.0"

CANNOT_IMPORT = r"[^\n]*ImportError: cannot import name '\w+' from 'uvicorn[\w.]*'[^\n]*"
STARTED = r"Uvicorn running on"
WHERE = "import pathlib, uvicorn; print(pathlib.Path(uvicorn.__file__).resolve().parent)"
NO_RECORD = uvicorn_only(
    "the reference server is not an installed distribution with a RECORD to compare"
)


def _start(run: Run, *, truncate: bool) -> tuple[Launch, RecordCheck]:
    """Copy the release's uvicorn package and dist-info to usersite/ (emptying
    ``main.py`` with ``truncate``), start ``python -m uvicorn`` with it first on
    PYTHONPATH; the launch and the RECORD check of the copy."""
    where = run.launch_script("-c", WHERE, name="where")
    if where.code != 0:
        raise HarnessError(f"could not locate the installed uvicorn: {where.tail()}")
    package = Path(where.text.strip().splitlines()[-1])
    dist_infos = sorted(package.parent.glob("uvicorn-*.dist-info"))
    if len(dist_infos) != 1:
        raise HarnessError(f"expected one uvicorn dist-info in {package.parent}: {dist_infos}")
    user, dist_info = run.path("usersite"), dist_infos[0].name
    run.step(f"copying {package.name}/ and {dist_info}/ to usersite/")
    shutil.copytree(package, user / "uvicorn", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(dist_infos[0], user / dist_info)
    if truncate:
        run.step("emptying usersite/uvicorn/main.py")
        (user / "uvicorn" / "main.py").write_bytes(b"")
    port = run.port()
    cli = ["app:app", "--host", "127.0.0.1", "--port", str(port), *run.server.cli_flags]
    env = {"PYTHONPATH": os.pathsep.join([str(user), str(run.workdir)])}
    launch = run.launch_script("-m", "uvicorn", *cli, env=env, port=port, watch=STARTED)
    return launch, check_record(user / dist_info)


def _summary(check: RecordCheck) -> str:
    if check.unverifiable:
        return f"RECORD check: {check.unverifiable}"
    if check.consistent:
        return f"RECORD check: {check.checked} files as recorded"
    found = ", ".join(f"{m.path} {m.problem}" for m in check.mismatches)
    return f"RECORD check: {found}"


@scenario("truncated-main-py", requires=NO_RECORD)
def truncated_main_py(run: Run) -> Verdict:
    launch, check = _start(run, truncate=True)
    if launch.state in ("serving", "matched"):
        return launch.fixed("starts", "the server started", f"{launch.tail(1)}\n{_summary(check)}")
    found = launch.find(CANNOT_IMPORT)
    kind = "cannot-import-name" if found else "other-failure"
    return launch.reproduces(kind, launch.state, f"{found or launch.tail()}\n{_summary(check)}")


@scenario("fix-reinstall", requires=NO_RECORD)
def fix_reinstall(run: Run) -> Verdict:
    launch, check = _start(run, truncate=False)
    if launch.state in ("serving", "matched") and check.consistent:
        return launch.fixed("starts", "the server started", f"{launch.tail(1)}\n{_summary(check)}")
    return launch.reproduces("no-start", launch.state, f"{launch.tail()}\n{_summary(check)}")
