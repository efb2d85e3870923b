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

import re

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail

RELEASES = ">=0.12.0"
GUNICORN = "gunicorn==23.0.0"
EXTRAS = {">=0.12.0": [GUNICORN]}
STANDARD = {
    ">=0.12.0,<0.19.0": [GUNICORN, "uvloop==0.14.0", "httptools==0.1.2"],
    ">=0.19.0": [GUNICORN, "uvloop", "httptools"],
}

NO_UVLOOP = r"[^\n]*No module named 'uvloop'[^\n]*"
NO_HTTPTOOLS = r"[^\n]*No module named 'httptools'[^\n]*"


def _no_gunicorn_model(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return "the reference server has no gunicorn worker class (gunicorn is not modelled)"
    return None


def _gunicorn(run: Run, worker_class: str) -> Verdict:
    port = run.port()
    proc = run.start_script(
        "gunicorn_main.py",
        "app:app",
        "-k",
        worker_class,
        "-w",
        "1",
        "-b",
        f"127.0.0.1:{port}",
        "--graceful-timeout",
        "2",
    )
    run.step(f"waiting for gunicorn ({worker_class}) to serve on {port} or exit")
    state = run.exit_or_serve(proc, port, timeout=25)
    text = proc.output()
    if state == "serving":
        booted = [ln for ln in text.splitlines() if "Booting worker" in ln]
        return fixed("serves", f"{worker_class} served GET /", "\n".join(booted[:1]))
    if found := re.search(NO_UVLOOP, text):
        return reproduces("no-uvloop", f"{state}, exit {proc.returncode}", found[0].strip())
    if found := re.search(NO_HTTPTOOLS, text):
        return reproduces("no-httptools", f"{state}, exit {proc.returncode}", found[0].strip())
    return reproduces("no-serve", f"{state}, exit {proc.returncode}", tail(text))


@scenario("uvicorn-worker-without-uvloop", requires=_no_gunicorn_model)
def uvicorn_worker_without_uvloop(run: Run) -> Verdict:
    return _gunicorn(run, "uvicorn.workers.UvicornWorker")


@scenario("fix-install-standard", requires=_no_gunicorn_model, extras=STANDARD)
def fix_install_standard(run: Run) -> Verdict:
    return _gunicorn(run, "uvicorn.workers.UvicornWorker")


@scenario("fix-h11-worker", requires=_no_gunicorn_model)
def fix_h11_worker(run: Run) -> Verdict:
    return _gunicorn(run, "uvicorn.workers.UvicornH11Worker")
