"""import-string-format: the app is given without ``:attribute``.

``cli-module-only`` runs ``uvicorn main``; ``run-module-only`` calls
``run("main")`` from a script (the shape of fastapi#1495). A user mistake with
no server-side fix: ``reproduces`` means the server printed this entry's
message, ``Import string "main" must be in format "<module>:<attribute>".``
(the kind carries the exit status). A server that refuses in its own words,
promptly and non-zero, asking for ``MODULE:ATTR`` (the reference server's
``config_error``) is ``fixed`` (kind ``clean-error``); a hang, a serving
process, exit 0 or a traceback without the advice is ``reproduces``
(``other-failure``). ``fix-import-string`` starts ``main:app``.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Proc, Run, Verdict, fixed, reproduces, scenario, tail

RELEASES = ">=0.5.0"

MESSAGE = r'[^\n]*Import string "main" must be in format "<module>:<attribute>"[^\n]*'
ADVICE = r'[^\n]*(?:MODULE|module)[^\n]*:[^\n]*(?:ATTR|attribute)[^\n]*'


def _decide(run: Run, proc: Proc, port: int) -> Verdict:
    state = run.exit_or_serve(proc, port, timeout=15)
    text, code = proc.output(), proc.returncode
    if state == "exited" and (found := re.search(MESSAGE, text)):
        return reproduces(f"import-string-format-exit-{code}", f"exit {code} with the message", found[0])
    advice = re.search(ADVICE, text)
    if state == "exited" and code not in (0, None) and advice:
        return fixed("clean-error", f"exit {code}: asks for MODULE:ATTR", advice[0])
    return reproduces("other-failure", f"{state}, exit {code}", tail(text))


@scenario("cli-module-only")
def cli_module_only(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("main", "--host", "127.0.0.1", "--port", str(port))
    run.step("waiting for `main` (no :attribute) to exit or serve")
    return _decide(run, proc, port)


@scenario("run-module-only")
def run_module_only(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_script_env("serve.py", PORT=str(port))
    run.step('waiting for run("main") to exit or serve')
    return _decide(run, proc, port)


@scenario("fix-import-string")
def fix_import_string(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_script_env("serve.py", PORT=str(port), TARGET="main:app")
    run.step('waiting for run("main:app") to serve')
    state = run.exit_or_serve(proc, port, timeout=15)
    if state == "serving" and run.get(port).text == "served by main:app":
        return fixed("serves", 'run("main:app") serves the app', tail(proc.output(), 2))
    return reproduces("no-serve", f"{state}, exit {proc.returncode}", tail(proc.output()))
