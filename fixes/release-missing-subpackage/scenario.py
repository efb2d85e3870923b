"""release-missing-subpackage: a published release whose files lack one of its packages.

Found by installing the releases' files from PyPI (``pip download --no-deps
uvicorn==X``: these early releases exist only as sdists) and listing them: the
0.4.0 sdist has no ``uvicorn/lifespan/`` at all, and the 0.2.14 sdist no
``uvicorn/loops/``. In both the folder existed in git without an
``__init__.py``, and ``setup.py`` collected only folders holding one
(``get_packages``); the next release (0.4.1, 0.2.15) added the file.

- ``start-cli``: ``uvicorn app:app`` on the release as installed from PyPI (the
  harness installs the sdist). ``reproduces`` (kind ``missing-subpackage``) when
  the log says ``No module named 'uvicorn.<sub>'``; ``fixed`` when ``GET /`` is
  served.
The reference server is not an installed uvicorn release: not applicable.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail
from troubleshoot.harness.procs import Proc

# 0.2.x cannot be run by the harness recipe for old releases (it needs websockets
# and takes its options differently): the 0.2.14 sdist was only listed.
RELEASES = ">=0.3.0"

MISSING = r"[^\n]*No module named '?uvicorn\.[\w.]+'?[^\n]*"


def _uvicorn_only(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the files missing are those of a published uvicorn release, not server behaviour"
    return None


def _decide(run: Run, proc_name: str, port: int, proc: Proc) -> Verdict:
    state = run.exit_or_serve(proc, port, timeout=15)
    text = proc.output()
    if state == "serving":
        return fixed("serves", f"{proc_name} served GET /", tail(text, 2))
    if found := re.search(MISSING, text):
        return reproduces(
            "missing-subpackage", f"{state}, exit {proc.returncode}", found[0].strip()
        )
    return reproduces("other-failure", f"{state}, exit {proc.returncode}", tail(text))


@scenario("start-cli", requires=_uvicorn_only)
def start_cli(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for uvicorn app:app on port {port}")
    return _decide(run, "uvicorn app:app", port, proc)
