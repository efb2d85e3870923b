"""nest-asyncio-loop-factory: ``nest_asyncio.apply()`` runs before uvicorn is imported.

Correct behaviour (``fixed``, kind ``serves``): ``serve.py`` serves ``GET /``. The
failure (``reproduces``, kind ``loop-factory-typeerror``): ``Server.run()`` dies with
``TypeError: _patch_asyncio.<locals>.run() got an unexpected keyword argument
'loop_factory'`` (uvicorn >= 0.36.0 on Python >= 3.12, where uvicorn calls
``asyncio.run(..., loop_factory=...)`` and nest_asyncio's replacement has no
such parameter); anything else is kind ``other-failure``.

Fix scenarios on the same releases: ``fix-import-uvicorn-first`` (uvicorn is
imported before the patch) and ``fix-serve-on-own-loop`` (``asyncio.run(
Server(config).serve())``); the workaround ``fix-remove-nest-asyncio`` runs
the same launcher with nest_asyncio gone (nothing installed next to the
release). nest_asyncio is installed next to each release for the others
(``EXTRAS``). The reference server runs on the doctor's own interpreter without
extras and does not model nest_asyncio: those scenarios are not-applicable
there; the workaround needs no extras and runs.
"""

from __future__ import annotations

from troubleshoot.harness.api import Run, Verdict, scenario, uvicorn_only

# uvicorn.run with host/port keywords and an import string: every release here
# installs with its own dependencies (no pure-Python flags to forward).
RELEASES = ">=0.12.0"
# 1.6.0 is the last release (the project is archived).
EXTRAS = {">=0.12.0": ["nest_asyncio==1.6.0"]}

SIGNS = {
    "loop-factory-typeerror": r"TypeError: [\w.<>]*run\(\) got an unexpected keyword "
    r"argument 'loop_factory'[^\n]*"
}
NEST_ASYNCIO = uvicorn_only(
    "the reference server runs on the doctor's own interpreter without extra "
    "packages and does not model nest_asyncio's patched asyncio.run"
)


@scenario("apply-before-import", "apply-first", requires=NEST_ASYNCIO)
@scenario("fix-import-uvicorn-first", "import-first", requires=NEST_ASYNCIO)
@scenario("fix-serve-on-own-loop", "own-loop", requires=NEST_ASYNCIO)
@scenario("fix-remove-nest-asyncio", "without", extras={})
def _serve(run: Run, mode: str) -> Verdict:
    launch = run.launch_script("serve.py", env={"MODE": mode}, timeout=20)
    return launch.verdict(SIGNS, serves="serves", options=False)
