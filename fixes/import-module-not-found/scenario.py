"""import-module-not-found: `uvicorn main:app` run from the project root while the
module is src/main.py.

This is a user mistake with no server-side fix: no server can import a module
that is not on ``sys.path``. The scenarios therefore answer two questions:

- ``wrong-dir`` (the mistake): does the server print *this entry's* message,
  ``Error loading ASGI app. Could not import module "main".``? That is
  ``reproduces`` (kind ``could-not-import-module``; the exit status is part of
  the kind, 1 before 0.50.0 and 3 after). A server that refuses the mistake in
  its own words, promptly, with a non-zero status and the module named (the
  reference server's ``app_load_failed``) is ``fixed`` (kind ``clean-error``):
  what a correct server does with it. A hang, a serving process or an exit 0
  is ``reproduces`` (kind ``other-failure``).
- ``fix-app-dir`` / ``fix-dotted-path`` (the entry's fixes): the same tree,
  started with ``--app-dir src`` or with ``src.main:app``; ``fixed`` when the
  app answers.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, fixed, not_applicable, reproduces, scenario, tail

# The message exists since 0.2.14 (#134); --app-dir since 0.13.0 is checked per run.
RELEASES = ">=0.5.0"

MESSAGE = r'Could not import module "main"'


@scenario("wrong-dir")
def wrong_dir(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("main:app", "--host", "127.0.0.1", "--port", str(port))
    run.step("waiting for `main:app` (the file is src/main.py) to exit or serve")
    state = run.exit_or_serve(proc, port, timeout=15)
    text = proc.output()
    code = proc.returncode
    if state == "exited" and (found := re.search(rf"[^\n]*{MESSAGE}[^\n]*", text)):
        return reproduces(
            f"could-not-import-module-exit-{code}", f"exit {code} with the message", found[0]
        )
    named = re.search(r"[^\n]*(?:import|load)[^\n]*'?\"?main\b[^\n]*", text)
    if state == "exited" and code not in (0, None) and named:
        return fixed("clean-error", f"exit {code}: refuses, naming the module", named[0])
    return reproduces("other-failure", f"{state}, exit {code}", tail(text))


def _serves(run: Run, *args: str) -> Verdict:
    port = run.port()
    proc = run.start_cli(*args, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for `{' '.join(args)}` to serve")
    state = run.exit_or_serve(proc, port, timeout=15)
    text = proc.output()
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if state == "serving" and run.get(port).text == "served from src/main.py":
        return fixed("serves", f"`{' '.join(args)}` serves the app", tail(text, 2))
    return reproduces("no-serve", f"{state}, exit {proc.returncode}", tail(text))


@scenario("fix-app-dir")
def fix_app_dir(run: Run) -> Verdict:
    return _serves(run, "main:app", "--app-dir", "src")


@scenario("fix-dotted-path")
def fix_dotted_path(run: Run) -> Verdict:
    return _serves(run, "src.main:app")
