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

from troubleshoot.harness.api import Run, Verdict, scenario

# The message exists since 0.2.14 (#134); --app-dir since 0.13.0 is checked per run.
RELEASES = ">=0.5.0"

SIGNS = {"could-not-import-module-exit-{code}": r'[^\n]*Could not import module "main"[^\n]*'}
NAMED = r"[^\n]*(?:import|load)[^\n]*'?\"?main\b[^\n]*"  # the server's own words


@scenario("wrong-dir")
def wrong_dir(run: Run) -> Verdict:
    return run.launch_cli("main:app").verdict(SIGNS, refuses=NAMED, options=False)


@scenario("fix-app-dir", "main:app", "--app-dir", "src")
@scenario("fix-dotted-path", "src.main:app")
def _serves(run: Run, *args: str) -> Verdict:
    launch = run.launch_cli(*args)
    return launch.verdict(serves="serves", body="served from src/main.py", otherwise="no-serve")
