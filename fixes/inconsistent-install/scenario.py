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
import re
import shutil
from pathlib import Path

from troubleshoot.harness.api import (
    Run,
    ServerSpec,
    Verdict,
    fixed,
    harness_error,
    reproduces,
    scenario,
    tail,
)
from troubleshoot.sources.install_record import RecordCheck, check_record

# python -m uvicorn needs uvicorn/__main__.py (0.10.0 and later).
RELEASES = ">=0.10.0"

CANNOT_IMPORT = r"[^\n]*ImportError: cannot import name '\w+' from 'uvicorn[\w.]*'[^\n]*"
STARTED = r"Uvicorn running on"


def _uvicorn_only(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server is not an installed distribution with a RECORD to compare"
    return None


def _copy_install(run: Run) -> Path | Verdict:
    """Copy the release's uvicorn package and dist-info to usersite/; its dist-info."""
    where = run.start_script("where.py", name="where")
    if where.wait(15) != 0:
        return harness_error("could not locate the installed uvicorn", tail(where.output()))
    package = Path(where.output().strip().splitlines()[-1])
    site = package.parent
    dist_infos = sorted(site.glob("uvicorn-*.dist-info"))
    if len(dist_infos) != 1:
        return harness_error(f"expected one uvicorn dist-info in {site}, found {len(dist_infos)}")
    user = run.path("usersite")
    run.step(f"copying {package.name}/ and {dist_infos[0].name}/ to usersite/")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(package, user / "uvicorn", ignore=ignore)
    shutil.copytree(dist_infos[0], user / dist_infos[0].name)
    return user / dist_infos[0].name


def _summary(check: RecordCheck) -> str:
    if check.unverifiable:
        return f"RECORD check: {check.unverifiable}"
    if check.consistent:
        return f"RECORD check: {check.checked} files as recorded"
    found = ", ".join(f"{m.path} {m.problem}" for m in check.mismatches)
    return f"RECORD check: {found}"


def _start(run: Run) -> tuple[str, str]:
    port = run.port()
    paths = os.pathsep.join([str(run.path("usersite")), str(run.workdir)])
    proc = run.start_script_env(
        "-m",
        "uvicorn",
        "app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *run.server.cli_flags,
        PYTHONPATH=paths,
    )
    run.step(f"waiting for python -m uvicorn on {port} to start or exit")
    state = run.exit_or_serve(proc, port, timeout=15, watch=STARTED)
    return state, proc.output()


@scenario("truncated-main-py", requires=_uvicorn_only)
def truncated_main_py(run: Run) -> Verdict:
    copied = _copy_install(run)
    if not isinstance(copied, Path):
        return copied
    run.step("emptying usersite/uvicorn/main.py")
    (copied.parent / "uvicorn" / "main.py").write_bytes(b"")
    state, text = _start(run)
    check = _summary(check_record(copied))
    if state in ("serving", "matched"):
        return fixed("starts", "the server started", f"{tail(text, 1)}\n{check}")
    if found := re.search(CANNOT_IMPORT, text):
        return reproduces("cannot-import-name", state, f"{found[0].strip()}\n{check}")
    return reproduces("other-failure", state, f"{tail(text)}\n{check}")


@scenario("fix-reinstall", requires=_uvicorn_only)
def fix_reinstall(run: Run) -> Verdict:
    copied = _copy_install(run)
    if not isinstance(copied, Path):
        return copied
    state, text = _start(run)
    check = check_record(copied)
    if state in ("serving", "matched") and check.consistent:
        return fixed("starts", "the server started", f"{tail(text, 1)}\n{_summary(check)}")
    return reproduces("no-start", state, f"{tail(text)}\n{_summary(check)}")
