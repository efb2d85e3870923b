"""uvicorn-shadows-stdlib: a file inside the uvicorn package is run as a script.

``python .../site-packages/uvicorn/main.py app:app`` (what an IDE run
configuration pointing at uvicorn's ``main.py`` does, or ``python
uvicorn/main.py`` in a checkout) puts the package folder itself first on
``sys.path``. Its modules then stand in for top-level ones: uvicorn's own
``logging.py`` (0.10.0-0.17.6 and again from 0.18.2) and ``subprocess.py``
(0.10.6-0.17.6) are imported as the standard library's ``logging`` and
``subprocess``, and import themselves half-initialised.

- ``run-main-py-inside-package``: the release's interpreter runs the
  installed ``uvicorn/main.py`` with ``app:app`` (found with ``where.py``).
  ``reproduces`` with kind ``shadowed-logging`` / ``shadowed-subprocess``
  (``partially initialized module 'logging'`` / ``'subprocess'``, or, when
  another module imports ``logging.config`` first, ``No module named
  'logging.config'; 'logging' is not a package``), or ``other-failure``;
  ``fixed`` when the server starts (``Uvicorn running on``, or ``GET /``
  answered).
- ``subprocess-with-package-first``: ``probe.py`` puts the package folder at
  ``sys.path[0]`` (what running any file from it does) and imports
  ``subprocess``: ``reproduces`` (kind ``shadowed-subprocess``) when the name
  resolves to uvicorn's own ``subprocess.py``, ``fixed`` when it is the
  standard library's (before 0.10.6, and from 0.18.0, where the module is
  ``_subprocess.py``: #1438).
- ``fix-python-m-uvicorn``: ``python -m uvicorn app:app`` from the app's
  folder (``sys.path[0]`` is that folder, not the package); ``fixed`` when it
  starts.

The reference server is not an installed package: not applicable.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import (
    Run,
    ServerSpec,
    Verdict,
    fixed,
    harness_error,
    reproduces,
    scenario,
    tail,
)

# Before 0.10.0 the package holds no module named like a standard library one.
RELEASES = ">=0.10.0"

SHADOWED = (
    r"[^\n]*(?:partially initialized module '(logging|subprocess)' has no attribute"
    r"|No module named '(logging)\.\w+'; 'logging' is not a package)[^\n]*"
)


STARTED = r"Uvicorn running on"


def _uvicorn_only(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return (
            "the shadowing is Python's sys.path[0] pointing into the installed uvicorn "
            "package; the reference server is not an installed package"
        )
    return None


def _decide(run: Run, script: str, *args: str) -> Verdict:
    port = run.port()
    proc = run.start_script_env(
        script,
        *args,
        "app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *run.server.cli_flags,
    )
    run.step(f"waiting for {script} to serve or exit")
    # Started is enough: the shadowing breaks the imports, before the server runs
    # (0.18.0 then fails its requests with today's h11, an unrelated bug).
    state = run.exit_or_serve(proc, port, timeout=15, watch=STARTED)
    text = proc.output()
    if state in ("serving", "matched"):
        return fixed("serves", f"{state}: the server started", tail(text, 2))
    if found := re.search(SHADOWED, text):
        module = found[1] or found[2]
        return reproduces(
            f"shadowed-{module}", f"{state}, exit {proc.returncode}", found[0].strip()
        )
    return reproduces("other-failure", f"{state}, exit {proc.returncode}", tail(text))


@scenario("run-main-py-inside-package", requires=_uvicorn_only)
def run_main_py_inside_package(run: Run) -> Verdict:
    where = run.start_script("where.py", name="where")
    if where.wait(15) != 0:
        return harness_error("could not locate the installed uvicorn", tail(where.output()))
    package = where.output().strip().splitlines()[-1]
    run.step(f"running {package}/main.py as a script")
    return _decide(run, f"{package}/main.py")


@scenario("subprocess-with-package-first", requires=_uvicorn_only)
def subprocess_with_package_first(run: Run) -> Verdict:
    proc = run.start_script("probe.py", name="probe")
    code = proc.wait(15)
    text = proc.output()
    found = re.search(r"subprocess resolves to (\S+)", text)
    if found is None:
        return harness_error("the probe did not report where subprocess resolves", tail(text))
    origin = found[1].replace("\\", "/")
    if "/uvicorn/" in origin:
        error = re.search(r"[^\n]*Error: [^\n]*", text)
        detail = f"{error[0].strip()}" if error else f"exit {code}"
        return reproduces("shadowed-subprocess", f"subprocess is {origin}", detail)
    return fixed("stdlib-subprocess", "subprocess is the standard library's", origin)


@scenario("fix-python-m-uvicorn", requires=_uvicorn_only)
def fix_python_m_uvicorn(run: Run) -> Verdict:
    return _decide(run, "-m", "uvicorn")
