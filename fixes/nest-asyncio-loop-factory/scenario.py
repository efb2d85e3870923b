"""nest-asyncio-loop-factory: ``nest_asyncio.apply()`` runs before uvicorn is imported.

Correct behaviour (``fixed``): ``serve.py`` serves ``GET /``. The failure
(``reproduces``, kind ``loop-factory-typeerror``): ``Server.run()`` dies with
``TypeError: _patch_asyncio.<locals>.run() got an unexpected keyword argument
'loop_factory'`` (uvicorn >= 0.36.0 on Python >= 3.12, where uvicorn calls
``asyncio.run(..., loop_factory=...)`` and nest_asyncio's replacement has no
such parameter).

Fix scenarios on the same releases: ``fix-import-uvicorn-first`` (uvicorn is
imported before the patch) and ``fix-serve-on-own-loop`` (``asyncio.run(
Server(config).serve())``); the workaround ``fix-remove-nest-asyncio`` runs
the same launcher with nest_asyncio gone (``serve_without_nest_asyncio.py``,
nothing installed next to the release). nest_asyncio is installed next to
each release for the others (``EXTRAS``). The reference server runs on the
doctor's own interpreter without extras and does not model nest_asyncio: those
scenarios are not-applicable there; the workaround needs no extras and runs.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import (
    Run,
    ServerSpec,
    Verdict,
    fixed,
    reproduces,
    scenario,
    tail,
)

# uvicorn.run with host/port keywords and an import string: every release here
# installs with its own dependencies (no pure-Python flags to forward).
RELEASES = ">=0.12.0"
# 1.6.0 is the last release (the project is archived).
EXTRAS = {">=0.12.0": ["nest_asyncio==1.6.0"]}

SIGN = r"TypeError: [\w.<>]*run\(\) got an unexpected keyword argument 'loop_factory'"


def _uvicorn_only(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return (
            "the reference server runs on the doctor's own interpreter without extra "
            "packages and does not model nest_asyncio's patched asyncio.run"
        )
    return None


def _serve(run: Run, script: str) -> Verdict:
    port = run.port()
    proc = run.start_script_env(script, PORT=str(port))
    run.step(f"waiting for {script} to serve on port {port} or exit")
    state = run.exit_or_serve(proc, port, timeout=20)
    text = proc.output()
    if found := re.search(SIGN + r"[^\n]*", text):
        return reproduces(
            "loop-factory-typeerror", f"Server.run() raised before serving ({state})", found[0]
        )
    if state == "serving":
        started = [line for line in text.splitlines() if "Uvicorn running" in line]
        return fixed("serves", f"{script} served GET / with 200", "\n".join(started[:1]))
    return reproduces("other-failure", f"{script}: {state}", tail(text))


@scenario("apply-before-import", requires=_uvicorn_only)
def apply_before_import(run: Run) -> Verdict:
    return _serve(run, "serve.py")


@scenario("fix-import-uvicorn-first", requires=_uvicorn_only)
def fix_import_uvicorn_first(run: Run) -> Verdict:
    return _serve(run, "serve_import_first.py")


@scenario("fix-serve-on-own-loop", requires=_uvicorn_only)
def fix_serve_on_own_loop(run: Run) -> Verdict:
    return _serve(run, "serve_own_loop.py")


@scenario("fix-remove-nest-asyncio", extras={})
def fix_remove_nest_asyncio(run: Run) -> Verdict:
    return _serve(run, "serve_without_nest_asyncio.py")
