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

from troubleshoot.harness.api import GUNICORN_IS_UVICORNS, Launch, Run, Verdict, releases, scenario

# uvicorn.workers.UvicornWorker exists long before; from 0.12 releases install with
# their own dependencies. gunicorn 23.0.0 supports every interpreter used here.
RELEASES = ">=0.12.0"
GUNICORN = "gunicorn==23.0.0"
EXTRAS = {">=0.12.0": [GUNICORN]}
WORKER_PACKAGE = {
    ">=0.30.0,<0.36.0": [GUNICORN, "uvicorn-worker==0.3.0"],
    ">=0.36.0": [GUNICORN, "uvicorn-worker==0.4.0"],
}
WORKER_PACKAGE_RELEASES = releases(
    ">=0.30.0",
    "the uvicorn-worker package targets uvicorn 0.30.0 and later",
    reference="the reference server has no gunicorn worker class (gunicorn is not modelled)",
)

WARNS = {
    "deprecation-warning": r"DeprecationWarning: The `uvicorn\.workers` module is deprecated[^\n]*"
}
WARNINGS_SHOWN = {"PYTHONWARNINGS": "default::DeprecationWarning"}


def _judge(launch: Launch) -> Verdict:
    if not launch.serves():
        return launch.reproduces("no-serve")
    return launch.verdict(WARNS, serves="serves-no-warning")


@scenario("uvicorn-workers-module", requires=GUNICORN_IS_UVICORNS)
def uvicorn_workers_module(run: Run) -> Verdict:
    worker = "uvicorn.workers.UvicornWorker"
    return _judge(run.launch_gunicorn("app:app", worker, env=WARNINGS_SHOWN, timeout=25))


@scenario("fix-uvicorn-worker-package", requires=WORKER_PACKAGE_RELEASES, extras=WORKER_PACKAGE)
def fix_uvicorn_worker_package(run: Run) -> Verdict:
    worker = "uvicorn_worker.UvicornWorker"
    return _judge(run.launch_gunicorn("app:app", worker, env=WARNINGS_SHOWN, timeout=25))


@scenario("fix-uvicorn-workers", extras={})
def fix_uvicorn_workers(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--workers", "2", env=WARNINGS_SHOWN, timeout=25)
    verdict = _judge(launch)
    # the first worker may answer before the second has started
    if verdict.outcome == "fixed" and len(workers := launch.workers(2, timeout=15)) < 2:
        return launch.reproduces("no-workers", f"served from {len(workers)} worker(s)")
    return verdict
