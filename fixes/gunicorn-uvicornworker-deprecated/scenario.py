"""gunicorn-uvicornworker-deprecated: gunicorn with ``-k uvicorn.workers.UvicornWorker``.

gunicorn runs with ``PYTHONWARNINGS=default::DeprecationWarning`` (what a test
run or ``-W default`` shows). Correct behaviour (``fixed``): the worker serves
``GET /`` and nothing warns. The deprecation (``reproduces``, kind
``deprecation-warning``): it serves, but importing ``uvicorn.workers`` printed
``DeprecationWarning: The `uvicorn.workers` module is deprecated``; kind
``no-serve`` when the worker never served.

``fix-uvicorn-worker-package`` runs the same app with ``-k
uvicorn_worker.UvicornWorker`` from the ``uvicorn-worker`` package (0.4.0 with
uvicorn >= 0.36, whose loop API changed; 0.3.0 before). gunicorn (and the
package) are installed next to each release (``EXTRAS``). The reference server
has no gunicorn worker class: not-applicable there.

``fix-uvicorn-workers``: no gunicorn installed, ``uvicorn app:app --workers 2``
with the same warning filter; ``fixed`` when it serves from two worker
processes and nothing warns about ``uvicorn.workers``.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail
from troubleshoot.harness.procs import wait_until

# uvicorn.workers.UvicornWorker exists long before; from 0.12 releases install with
# their own dependencies. gunicorn 23.0.0 supports every interpreter used here.
RELEASES = ">=0.12.0"
GUNICORN = "gunicorn==23.0.0"
EXTRAS = {">=0.12.0": [GUNICORN]}
WORKER_PACKAGE = {
    ">=0.30.0,<0.36.0": [GUNICORN, "uvicorn-worker==0.3.0"],
    ">=0.36.0": [GUNICORN, "uvicorn-worker==0.4.0"],
}

WARNING = r"DeprecationWarning: The `uvicorn\.workers` module is deprecated[^\n]*"


def _no_gunicorn_model(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return "the reference server has no gunicorn worker class (gunicorn is not modelled)"
    return None


def _worker_package(server: ServerSpec) -> str | None:
    if (reason := _no_gunicorn_model(server)) is not None:
        return reason
    version = server.version or "0"
    if tuple(int(p) for p in version.split(".")[:2]) < (0, 30):
        return "the uvicorn-worker package targets uvicorn 0.30.0 and later"
    return None


def _gunicorn(run: Run, worker_class: str) -> Verdict:
    port = run.port()
    proc = run.start_script_env(
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
        PYTHONWARNINGS="default::DeprecationWarning",
    )
    run.step(f"waiting for gunicorn ({worker_class}) to serve on {port}")
    served = run.wait_serving(proc, port, timeout=25)
    text = proc.output()
    warned = re.search(WARNING, text)
    if not served:
        return reproduces("no-serve", f"gunicorn with {worker_class} never served", tail(text))
    if warned:
        return reproduces("deprecation-warning", "served, after a DeprecationWarning", warned[0])
    booted = [
        line for line in text.splitlines() if "Booting worker" in line or "Started server" in line
    ]
    return fixed(
        "serves-no-warning", f"{worker_class} served without a warning", "\n".join(booted[:2])
    )


@scenario("uvicorn-workers-module", requires=_no_gunicorn_model)
def uvicorn_workers_module(run: Run) -> Verdict:
    return _gunicorn(run, "uvicorn.workers.UvicornWorker")


@scenario("fix-uvicorn-worker-package", requires=_worker_package, extras=WORKER_PACKAGE)
def fix_uvicorn_worker_package(run: Run) -> Verdict:
    return _gunicorn(run, "uvicorn_worker.UvicornWorker")


@scenario("fix-uvicorn-workers", extras={})
def fix_uvicorn_workers(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli_env(
        "app:app",
        "--workers",
        "2",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        PYTHONWARNINGS="default::DeprecationWarning",
    )
    run.step(f"waiting for uvicorn --workers 2 to serve on {port}")
    served = run.wait_serving(proc, port, timeout=25)
    text = proc.output()
    if not served:
        return reproduces("no-serve", "uvicorn --workers 2 never served", tail(text))
    if warned := re.search(WARNING, text):
        return reproduces("deprecation-warning", "served, after a DeprecationWarning", warned[0])
    # the first worker may answer before the second has started
    wait_until(lambda: len(run.workers(proc)) >= 2, 15)
    workers = run.workers(proc)
    if len(workers) < 2:
        return reproduces("no-workers", f"served from {len(workers)} worker(s)", tail(text))
    return fixed(
        "serves-no-warning", f"served from {len(workers)} workers, no warning", tail(text, 2)
    )
