"""uvicornworker-uvloop-missing: gunicorn's UvicornWorker asks for uvloop, which is not installed.

gunicorn 23.0.0 is installed next to the release, without uvicorn's ``standard``
extra (so neither uvloop nor httptools), and runs ``app:app -k
uvicorn.workers.UvicornWorker`` with one worker on a loopback port.

Correct behaviour (``fixed``, kind ``serves``): the worker boots and serves
``GET /``. The failure (``reproduces``): kind ``no-uvloop`` when the worker
dies in its loop setup with ``No module named 'uvloop'`` (the worker class
hard-codes ``loop="uvloop"`` before 0.14.0; gunicorn then stops with ``Worker
failed to boot``); ``no-httptools`` when it gets past the loop and fails on the
hard-coded ``http="httptools"``; ``no-serve`` for anything else.

- ``uvicorn-worker-without-uvloop``: the trigger.
- ``fix-install-standard``: uvloop and httptools installed too (what
  ``uvicorn[standard]`` adds: uvloop 0.14.0 and httptools 0.1.2, what the
  extra asked for before 0.14.0, on the releases run with Python 3.8; the
  newest of each from 0.19.0, whose interpreters those old builds do not
  support).
- ``fix-h11-worker``: ``-k uvicorn.workers.UvicornH11Worker``, the worker class
  that asks for the pure-Python asyncio loop and h11.

From 0.12.0: before it uvloop and httptools were install requirements of uvicorn
itself on CPython (made optional by #666 in 0.12.0), so they were missing only
after a ``--no-deps`` install. The reference server has no gunicorn worker:
not applicable.
"""

from __future__ import annotations

from troubleshoot.harness.api import GUNICORN_IS_UVICORNS, Run, Verdict, scenario

RELEASES = ">=0.12.0"
GUNICORN = "gunicorn==23.0.0"
EXTRAS = {">=0.12.0": [GUNICORN]}
STANDARD = {
    ">=0.12.0,<0.19.0": [GUNICORN, "uvloop==0.14.0", "httptools==0.1.2"],
    ">=0.19.0": [GUNICORN, "uvloop", "httptools"],
}
SIGNS = {
    "no-uvloop": r"[^\n]*No module named 'uvloop'[^\n]*",
    "no-httptools": r"[^\n]*No module named 'httptools'[^\n]*",
}


@scenario(
    "uvicorn-worker-without-uvloop",
    "uvicorn.workers.UvicornWorker",
    requires=GUNICORN_IS_UVICORNS,
)
@scenario(
    "fix-install-standard",
    "uvicorn.workers.UvicornWorker",
    requires=GUNICORN_IS_UVICORNS,
    extras=STANDARD,
)
@scenario("fix-h11-worker", "uvicorn.workers.UvicornH11Worker", requires=GUNICORN_IS_UVICORNS)
def _gunicorn(run: Run, worker: str) -> Verdict:
    launch = run.launch_gunicorn("app:app", worker, timeout=25)
    if launch.serves():
        return launch.fixed("serves", excerpt=launch.find(r"[^\n]*Booting worker[^\n]*"))
    return launch.verdict(SIGNS, otherwise="no-serve")
