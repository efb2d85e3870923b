"""uvicorn-module-shadowed: the start script is called uvicorn.py.

- ``script-named-uvicorn``: ``python uvicorn.py`` (call under a main guard),
  whose ``import uvicorn`` imports the script file again as ``uvicorn`` (its
  folder is first on ``sys.path``): ``reproduces`` (kind
  ``no-attribute-run``) on ``module 'uvicorn' has no attribute 'run'``.
- ``unguarded-script-named-uvicorn``: the same with ``uvicorn.run`` at module
  level, so the re-import calls it while half-initialised: kind
  ``partially-initialized``. Either is ``fixed`` if the app serves.
- ``fix-rename``: the same script saved as ``serve.py`` (uvicorn.py removed);
  ``fixed`` when the app serves.

Both run the uvicorn release's interpreter directly and import ``uvicorn`` by
name, so they concern uvicorn only: which module Python imports is not server
behaviour the reference server could get right or wrong (not applicable there).
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail

RELEASES = ">=0.5.0"

PARTIAL = r"[^\n]*partially initialized module 'uvicorn' has no attribute 'run'[^\n]*"
NO_RUN = r"[^\n]*AttributeError: module 'uvicorn' has no attribute 'run'[^\n]*"
UNGUARDED = """import os

import uvicorn

uvicorn.run("app:app", host="127.0.0.1", port=int(os.environ["PORT"]))
"""


def _uvicorn_only(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return (
            "the shadowing is Python's import order (a local uvicorn.py before site-packages); "
            "the script imports uvicorn by name, so the reference server is not involved"
        )
    return None


def _decide(run: Run, script: str) -> Verdict:
    port = run.port()
    proc = run.start_script_env(script, PORT=str(port))
    run.step(f"waiting for python {script} to serve or exit")
    state = run.exit_or_serve(proc, port, timeout=15)
    text = proc.output()
    if state == "serving" and run.get(port).text == "served by the real uvicorn":
        return fixed("serves", f"python {script} serves the app", tail(text, 2))
    if found := re.search(PARTIAL, text):
        return reproduces("partially-initialized", f"{state}, exit {proc.returncode}", found[0].strip())
    if found := re.search(NO_RUN, text):
        return reproduces("no-attribute-run", f"{state}, exit {proc.returncode}", found[0].strip())
    return reproduces("other-failure", f"{state}, exit {proc.returncode}", tail(text))


@scenario("script-named-uvicorn", requires=_uvicorn_only)
def script_named_uvicorn(run: Run) -> Verdict:
    return _decide(run, "uvicorn.py")


@scenario("unguarded-script-named-uvicorn", requires=_uvicorn_only)
def unguarded_script_named_uvicorn(run: Run) -> Verdict:
    run.step("writing uvicorn.py without a __main__ guard (the tutorial shape)")
    run.write("uvicorn.py", UNGUARDED)
    return _decide(run, "uvicorn.py")


@scenario("fix-rename", requires=_uvicorn_only)
def fix_rename(run: Run) -> Verdict:
    run.step("renaming uvicorn.py to serve.py")
    run.path("serve.py").write_text(run.path("uvicorn.py").read_text())
    run.path("uvicorn.py").unlink()
    return _decide(run, "serve.py")
