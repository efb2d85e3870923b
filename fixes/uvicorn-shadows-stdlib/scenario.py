"""uvicorn-shadows-stdlib: a file inside the uvicorn package is run as a script.

``python .../site-packages/uvicorn/main.py app:app`` (what an IDE run
configuration pointing at uvicorn's ``main.py`` does, or ``python
uvicorn/main.py`` in a checkout) puts the package folder itself first on
``sys.path``. Its modules then stand in for top-level ones: uvicorn's own
``logging.py`` (0.10.0-0.17.6 and again from 0.18.2) and ``subprocess.py``
(0.10.6-0.17.6) are imported as the standard library's ``logging`` and
``subprocess``, and import themselves half-initialised.

- ``run-main-py-inside-package``: the release's interpreter runs the
  installed ``uvicorn/main.py`` with ``app:app`` (found by asking that interpreter).
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

from troubleshoot.harness.api import Run, Verdict, harness_error, scenario, uvicorn_only

# Before 0.10.0 the package holds no module named like a standard library one.
RELEASES = ">=0.10.0"

SHADOWED = (
    r"[^\n]*(?:partially initialized module '(logging|subprocess)' has no attribute"
    r"|No module named '(logging)\.\w+'; 'logging' is not a package)[^\n]*"
)
NOT_INSTALLED = uvicorn_only(
    "the shadowing is Python's sys.path[0] pointing into the installed uvicorn "
    "package; the reference server is not an installed package"
)
WHERE = "import pathlib, uvicorn; print(pathlib.Path(uvicorn.__file__).resolve().parent)"


@scenario("fix-python-m-uvicorn", "-m", "uvicorn", requires=NOT_INSTALLED)
def _decide(run: Run, *command: str) -> Verdict:
    port = run.port()
    cli = ["app:app", "--host", "127.0.0.1", "--port", str(port), *run.server.cli_flags]
    # Started is enough: the shadowing breaks the imports, before the server runs
    # (0.18.0 then fails its requests with today's h11, an unrelated bug).
    launch = run.launch_script(*command, *cli, port=port, watch=r"Uvicorn running on")
    if launch.state in ("serving", "matched"):
        return launch.fixed("serves")
    if found := re.search(SHADOWED, launch.text):
        return launch.reproduces(f"shadowed-{found[1] or found[2]}", excerpt=found[0].strip())
    return launch.reproduces("other-failure")


@scenario("run-main-py-inside-package", requires=NOT_INSTALLED)
def run_main_py_inside_package(run: Run) -> Verdict:
    where = run.launch_script("-c", WHERE, name="where")
    if where.code != 0:
        return harness_error("could not locate the installed uvicorn", where.tail())
    package = where.text.strip().splitlines()[-1]
    run.step(f"running {package}/main.py as a script")
    return _decide(run, f"{package}/main.py")


@scenario("subprocess-with-package-first", requires=NOT_INSTALLED)
def subprocess_with_package_first(run: Run) -> Verdict:
    probe = run.launch_script("probe.py", name="probe")
    if (origin := probe.find(r"(?<=subprocess resolves to )\S+")) is None:
        return harness_error("the probe did not report where subprocess resolves", probe.tail())
    if "/uvicorn/" in origin.replace("\\", "/"):
        detail = probe.find(r"[^\n]*Error: [^\n]*") or f"exit {probe.code}"
        return probe.reproduces("shadowed-subprocess", f"subprocess is {origin}", detail)
    return probe.fixed("stdlib-subprocess", "subprocess is the standard library's", origin)
