"""app-instance-with-workers-or-reload: run(app_object, workers=2) / run(app_object, reload=True).

Correct behaviour (``fixed``): the process exits non-zero by itself, quickly,
saying the app must be passed as an import string, with no traceback and no
process left behind. The failure (``reproduces``): a pickling traceback from
the worker spawn (kind ``pickle-error``; ``warning-then-pickle-error`` when the
release printed the import-string warning and crashed anyway), or another
crash/hang caused by sending the object to children.

Fix scenarios, each with the same app and two workers; ``fixed`` only when it
serves ``GET /`` from two worker processes with no pickling error:

- ``fix-import-string``: ``run("app_object:app", workers=2)`` (serve_fixed.py).
- ``fix-factory``: ``run("app_object:make", factory=True, workers=2)``; releases
  before 0.13.0 have no factory option (not-applicable).
- ``fix-cli``: ``uvicorn app_object:app --workers 2``.
"""

from __future__ import annotations

from troubleshoot.harness.api import Launch, Run, Verdict, not_applicable, releases, scenario

# run(app, workers=N) exists since 0.2 and the spawn start method since 0.10.1;
# older releases used fork and are included so bisect can see the bug appear.
RELEASES = ">=0.5.0"

PICKLE = r"(Can't pickle|cannot pickle|can't pickle)[^\n]*"
TRACEBACK = r"Traceback \(most recent call last\):[\s\S]*"  # to the end of the output
IMPORT_STRING = r"[^\n]*[Ii]mport string[^\n]*"
# 0.7.3-0.8.0 crash on every reload/workers run, object or not (another entry)
OTHER_BUG = r"AttributeError: 'Config' object has no attribute 'ssl'"


def _decide(run: Run, mode: str) -> Verdict:
    launch = run.launch_script("app_object.py", mode)
    warned = launch.find(IMPORT_STRING) is not None
    if launch.state != "exited":
        serves = f"warning-serves-without-{mode}" if warned else f"serves-with-{mode}"
        signs = {"pickle-error-hang": PICKLE}  # the parent keeps running
        return launch.verdict(signs, serves=serves, options=False, otherwise="hang")
    if found := launch.find(OTHER_BUG):
        return not_applicable(
            f"this release cannot start {mode} at all ({found}: uvicorn #374, see "
            "ssl-with-reload-crash), so passing an app object cannot be observed"
        )
    # a clean refusal asks for an import string, without a traceback
    signs = {
        "warning-then-pickle-error" if warned else "pickle-error": PICKLE,
        "other-crash": TRACEBACK,
    }
    return launch.verdict(signs, refuses=IMPORT_STRING, options=False, otherwise="silent-exit")


@scenario("workers")
def workers(run: Run) -> Verdict:
    return _decide(run, "workers")


@scenario("reload")
def reload(run: Run) -> Verdict:
    return _decide(run, "reload")


def _serves_with_workers(launch: Launch) -> Verdict:
    started = launch.verdict({"pickle-error": PICKLE}, serves="serving", otherwise="no-serve")
    if started.kind != "serving":
        return started
    # the first worker may answer before the second has started
    if len(workers := launch.workers(2, timeout=15)) < 2:
        return launch.reproduces(
            "no-workers", f"{launch.what} served from {len(workers)} worker(s)"
        )
    return launch.fixed(
        "serves-with-workers", f"{launch.what} served GET / from {len(workers)} workers"
    )


@scenario("fix-import-string")
def fix_import_string(run: Run) -> Verdict:
    return _serves_with_workers(run.launch_script("serve_fixed.py", "import-string", timeout=20))


@scenario(
    "fix-factory",
    requires=releases(
        ">=0.13.0", "uvicorn.run() has no factory option before 0.13.0: the fix cannot be applied"
    ),
)
def fix_factory(run: Run) -> Verdict:
    return _serves_with_workers(run.launch_script("serve_fixed.py", "factory", timeout=20))


@scenario("fix-cli")
def fix_cli(run: Run) -> Verdict:
    return _serves_with_workers(run.launch_cli("app_object:app", "--workers", "2", timeout=20))
