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

import re

from packaging.version import Version

from troubleshoot.harness.api import (
    Proc,
    Run,
    ServerSpec,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)
from troubleshoot.harness.procs import wait_until

# run(app, workers=N) exists since 0.2 and the spawn start method since 0.10.1;
# older releases used fork and are included so bisect can see the bug appear.
RELEASES = ">=0.5.0"

PICKLE = r"(Can't pickle|cannot pickle|can't pickle)[^\n]*"
IMPORT_STRING = r"[Ii]mport string"
# 0.7.3-0.8.0 crash on every reload/workers run, object or not (another entry)
OTHER_BUG = r"AttributeError: 'Config' object has no attribute 'ssl'"


def _decide(run: Run, mode: str) -> Verdict:
    port = run.port()
    proc = run.start_script("app_object.py", str(port), mode)
    run.step(f"waiting for the server to exit or serve ({mode} with an app object)")
    state = run.exit_or_serve(proc, port)
    if state != "exited":
        text = proc.output()
        children = len(proc.children())
        pickle = re.search(PICKLE, text)
        if pickle:
            return reproduces(
                "pickle-error-hang",
                f"pickling traceback and the parent keeps running ({children} children)",
                pickle[0],
            )
        if state == "serving":
            warned = re.search(IMPORT_STRING, text)
            kind = f"warning-serves-without-{mode}" if warned else f"serves-with-{mode}"
            return fixed(kind, f"serves ({children} children)", tail(text))
        return reproduces("hang", f"still running after 15s, not serving: {mode}", tail(text))
    code = proc.returncode
    text = proc.output()
    if found := re.search(OTHER_BUG, text):
        return not_applicable(
            f"this release cannot start {mode} at all ({found[0]}: uvicorn #374, see "
            "ssl-with-reload-crash), so passing an app object cannot be observed"
        )
    pickle = re.search(PICKLE, text)
    warned = re.search(IMPORT_STRING, text)
    if pickle:
        kind = "warning-then-pickle-error" if warned else "pickle-error"
        excerpt = "\n".join(
            line for line in text.splitlines() if re.search(f"{PICKLE}|{IMPORT_STRING}", line)
        )
        return reproduces(kind, f"exit {code} with a pickling traceback", excerpt)
    if "Traceback" in text:
        last = [line for line in text.splitlines() if re.match(r"\w+(Error|Exception)\b", line)]
        return reproduces("other-crash", f"exit {code} with a traceback", "\n".join(last[-2:]))
    if code != 0 and warned:
        line = next(line for line in text.splitlines() if re.search(IMPORT_STRING, line))
        return fixed("clean-error", f"exit {code}: asks for an import string, no traceback", line)
    return reproduces("silent-exit", f"exit {code} without explaining why", tail(text))


@scenario("workers")
def workers(run: Run) -> Verdict:
    return _decide(run, "workers")


@scenario("reload")
def reload(run: Run) -> Verdict:
    return _decide(run, "reload")


def _serves_with_workers(run: Run, proc: Proc, port: int, how: str) -> Verdict:
    run.step(f"waiting for {how} to serve with two workers")
    state = run.exit_or_serve(proc, port, timeout=20)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if pickle := re.search(PICKLE, text):
        return reproduces("pickle-error", f"{how}: pickling error ({state})", pickle[0])
    if state != "serving":
        return reproduces("no-serve", f"{how}: {state}, exit {proc.returncode}", tail(text))
    # the first worker may answer before the second has started
    wait_until(lambda: len(run.workers(proc)) >= 2, 15)
    workers = run.workers(proc)
    if len(workers) < 2:
        return reproduces("no-workers", f"{how} served from {len(workers)} worker(s)", tail(text))
    return fixed(
        "serves-with-workers", f"{how} served GET / from {len(workers)} workers", tail(text, 2)
    )


@scenario("fix-import-string")
def fix_import_string(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_script("serve_fixed.py", str(port), "import-string")
    return _serves_with_workers(run, proc, port, 'run("app_object:app", workers=2)')


def _has_factory(server: ServerSpec) -> str | None:
    if server.kind == "uvicorn" and Version(server.version or "0") < Version("0.13.0"):
        return "uvicorn.run() has no factory option before 0.13.0: the fix cannot be applied"
    return None


@scenario("fix-factory", requires=_has_factory)
def fix_factory(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_script("serve_fixed.py", str(port), "factory")
    return _serves_with_workers(run, proc, port, 'run("app_object:make", factory=True, workers=2)')


@scenario("fix-cli")
def fix_cli(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli(
        "app_object:app", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)
    )
    return _serves_with_workers(run, proc, port, "uvicorn app_object:app --workers 2")
