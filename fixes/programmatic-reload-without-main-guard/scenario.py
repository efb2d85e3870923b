"""programmatic-reload-without-main-guard: serve.py calls run(reload=True / workers=2) unguarded.

Correct behaviour (``fixed``): the server refuses at once, names the missing
``if __name__ == "__main__":`` guard, exits non-zero and leaves nothing
running. The failure (``reproduces``): multiprocessing's "An attempt has been
made to start a new process before the current process has finished its
bootstrapping phase" RuntimeError from the re-imported script in a child
(kind ``bootstrap-runtimeerror``), or any other crash or hang without that advice.

Fix scenarios, with ``reload=True`` (the trigger that fails on every release):
``fixed`` when the server serves ``GET /``, no bootstrapping error follows, and
an edit of app.py is served (the reloader works):

- ``fix-main-guard``: serve_guarded.py, the same call under the main guard.
- ``fix-cli``: ``uvicorn app:app --reload``, no script of our own.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import (
    Proc,
    Run,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

# run() accepts an import string with reload/workers since 0.5.0 (the spawn supervisors).
RELEASES = ">=0.5.0"

BOOTSTRAP = r"bootstrapping phase"
GUARD_ADVICE = r"__name__ == .__main__.|main guard"


def _decide(run: Run, mode: str) -> Verdict:
    port = run.port()
    proc = run.start_script_env("serve.py", PORT=str(port), MODE=mode)
    run.step(f"waiting for serve.py ({mode}, no main guard) to exit or serve")
    state = run.exit_or_serve(proc, port, timeout=15, watch=BOOTSTRAP)
    if state == "serving":
        # a broken child may only report after another process started serving
        proc.wait_for(BOOTSTRAP, 3)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    code = proc.returncode
    members = len(proc.members())
    if re.search(BOOTSTRAP, text):
        wanted = re.compile(rf"^RuntimeError|An attempt has been made|{BOOTSTRAP}")
        lines = [line.strip() for line in text.splitlines() if wanted.search(line)]
        return reproduces(
            "bootstrap-runtimeerror",
            f"multiprocessing bootstrapping RuntimeError ({state}, exit {code}, "
            f"{members} processes running)",
            "\n".join(lines[:3]),
        )
    advice = re.search(GUARD_ADVICE, text)
    if state == "exited" and code != 0 and advice and "Traceback" not in text:
        line = next(line for line in text.splitlines() if re.search(GUARD_ADVICE, line))
        return fixed("clean-error", f"exit {code}: names the missing main guard", line)
    if state == "serving":
        # children that do not re-import the script (fork) serve as if guarded
        return fixed("serves", "serves: the children did not re-run the script", tail(text))
    return reproduces("other-failure", f"{state}, exit {code}, no advice", tail(text))


@scenario("reload")
def reload(run: Run) -> Verdict:
    return _decide(run, "reload")


@scenario("workers")
def workers(run: Run) -> Verdict:
    return _decide(run, "workers")


def _serves_and_reloads(run: Run, proc: Proc, port: int, how: str) -> Verdict:
    run.step(f"waiting for {how} to serve")
    state = run.exit_or_serve(proc, port, timeout=20, watch=BOOTSTRAP)
    if state == "serving":
        proc.wait_for(BOOTSTRAP, 3)
    text = proc.output()
    if re.search(BOOTSTRAP, text):
        return reproduces(
            "bootstrap-runtimeerror", f"{how}: bootstrapping RuntimeError", tail(text)
        )
    if state != "serving":
        return reproduces("no-serve", f"{how}: {state}, exit {proc.returncode}", tail(text))
    run.step("editing app.py: the reloader must serve the new code")
    source = run.path("app.py").read_text(encoding="utf-8")
    if not run.edit_until_served(
        "app.py", source.replace('b"ok"', 'b"reloaded"'), port, "reloaded"
    ):
        return reproduces(
            "no-reload", f"{how} served but did not reload an edit", tail(proc.output())
        )
    return fixed("serves-and-reloads", f"{how} served and reloaded an edit", tail(proc.output(), 2))


@scenario("fix-main-guard")
def fix_main_guard(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_script_env("serve_guarded.py", PORT=str(port), MODE="reload")
    return _serves_and_reloads(run, proc, port, 'run("app:app", reload=True) under the guard')


@scenario("fix-cli")
def fix_cli(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--reload", "--host", "127.0.0.1", "--port", str(port))
    return _serves_and_reloads(run, proc, port, "uvicorn app:app --reload")
