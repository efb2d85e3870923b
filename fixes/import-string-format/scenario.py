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

from troubleshoot.harness.api import Launch, Run, Verdict, scenario

RELEASES = ">=0.5.0"

MESSAGE = r'[^\n]*Import string "main" must be in format "<module>:<attribute>"[^\n]*'
ADVICE = r"[^\n]*(?:MODULE|module)[^\n]*:[^\n]*(?:ATTR|attribute)[^\n]*"


def _refused(launch: Launch) -> Verdict:
    signs = {"import-string-format-exit-{code}": MESSAGE}
    return launch.verdict(signs, refuses=ADVICE, options=False)


@scenario("cli-module-only")
def cli_module_only(run: Run) -> Verdict:
    return _refused(run.launch_cli("main"))


@scenario("run-module-only")
def run_module_only(run: Run) -> Verdict:
    return _refused(run.launch_script("serve.py"))


@scenario("fix-import-string")
def fix_import_string(run: Run) -> Verdict:
    launch = run.launch_script("serve.py", env={"TARGET": "main:app"})
    return launch.verdict(serves="serves", body="served by main:app", otherwise="no-serve")
