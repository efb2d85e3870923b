"""programmatic-reload-without-main-guard: serve.py calls run(reload=True / workers=2) unguarded.

Correct behaviour (``fixed``): the server refuses at once, names the missing
``if __name__ == "__main__":`` guard, exits non-zero and leaves nothing
running. The failure (``reproduces``): multiprocessing's "An attempt has been
made to start a new process before the current process has finished its
bootstrapping phase" RuntimeError from the re-imported script in a child
(kind ``bootstrap-runtimeerror``), or any other crash or hang without that advice.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, not_applicable, reproduces, scenario, tail

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
