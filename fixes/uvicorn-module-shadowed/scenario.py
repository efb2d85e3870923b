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

from troubleshoot.harness.api import Run, Verdict, scenario, uvicorn_only

RELEASES = ">=0.5.0"

NO_RUN = r"module 'uvicorn' has no attribute 'run'[^\n]*"
SIGNS = {
    "partially-initialized": r"[^\n]*partially initialized " + NO_RUN,
    "no-attribute-run": r"[^\n]*AttributeError: " + NO_RUN,
}
IMPORT_ORDER = uvicorn_only(
    "the shadowing is Python's import order (a local uvicorn.py before site-packages); "
    "the script imports uvicorn by name, so the reference server is not involved"
)


@scenario("script-named-uvicorn", "uvicorn.py", requires=IMPORT_ORDER)
def _decide(run: Run, script: str) -> Verdict:
    launch = run.launch_script(script)
    if launch.serves("served by the real uvicorn"):
        return launch.fixed("serves")
    return launch.verdict(SIGNS, options=False)


@scenario("unguarded-script-named-uvicorn", requires=IMPORT_ORDER)
def unguarded_script_named_uvicorn(run: Run) -> Verdict:
    run.step("removing the __main__ guard of uvicorn.py (the tutorial shape)")
    guarded = run.path("uvicorn.py").read_text(encoding="utf-8")
    run.write("uvicorn.py", guarded.replace('if __name__ == "__main__":\n    ', ""))
    return _decide(run, "uvicorn.py")


@scenario("fix-rename", requires=IMPORT_ORDER)
def fix_rename(run: Run) -> Verdict:
    run.step("renaming uvicorn.py to serve.py")
    run.path("uvicorn.py").rename(run.path("serve.py"))
    return _decide(run, "serve.py")
