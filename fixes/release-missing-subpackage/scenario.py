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

from troubleshoot.harness.api import Run, Verdict, scenario, uvicorn_only

# 0.2.x cannot be run by the harness recipe for old releases (it needs websockets
# and takes its options differently): the 0.2.14 sdist was only listed.
RELEASES = ">=0.3.0"

MISSING = r"[^\n]*No module named '?uvicorn\.[\w.]+'?[^\n]*"
NOT_SERVER_BEHAVIOUR = uvicorn_only(
    "the files missing are those of a published uvicorn release, not server behaviour"
)


@scenario("start-cli", requires=NOT_SERVER_BEHAVIOUR)
def start_cli(run: Run) -> Verdict:
    launch = run.launch_cli("app:app")
    if launch.serves():
        return launch.fixed("serves")
    return launch.verdict({"missing-subpackage": MISSING}, options=False)
