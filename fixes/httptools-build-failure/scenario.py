"""httptools-build-failure: ``uvicorn[standard]`` where httptools must be compiled and cannot be.

``build-without-compiler``: httptools is installed from its source
distribution (what pip/uv do when no wheel fits the interpreter or platform)
with no working C compiler. The failure (``reproduces``, kind
``build-failed``): the install stops with a compiler error. This does not
depend on the uvicorn release; the scenario runs against the newest one.

``fix-plain-uvicorn-h11``: without httptools, plain ``uvicorn`` (the pure-Python
h11 parser, the ``--http auto`` fallback) serves ``GET /`` (``fixed``).

``fix-httptools-wheel``: the same machine without a compiler, but httptools is
not pinned and binaries are allowed (``build.py wheel``): the resolver picks a
release with a wheel for the interpreter; ``fixed`` when that installs and
uvicorn then serves ``GET /`` with ``--http httptools`` from it.

``fix-with-compiler``: the pinned sdist built with the machine's C compiler and
the interpreter's headers (``build.py compiler``); ``fixed`` when it builds and
uvicorn serves with ``--http httptools``. Not applicable where no compiler or
no headers exist.

The reference server parses HTTP with h11 only and never installs httptools:
not-applicable there.
"""

from __future__ import annotations

import os
import re
import shutil

from troubleshoot.harness.api import (
    HTTPTOOLS_IS_UVICORNS,
    Launch,
    Run,
    Verdict,
    not_applicable,
    scenario,
)

# httptools became an optional extra ("uvicorn[standard]") in 0.12.0.
RELEASES = ">=0.12.0"

BUILD_ERROR = (
    r"error: command '[^'\n]*' failed[^\n]*|Failed to build `httptools[^\n]*"
    r"|Failed building wheel for httptools|error: Command '\[[^\n]{0,80}"
)


def _install(run: Run, mode: str, timeout: float) -> tuple[Launch, int | None]:
    """``python build.py MODE``: httptools into ./deps; the script and its exit status."""
    launch = run.launch_script("build.py", mode, wait=False, name=f"install-{mode}")
    run.step(f"installing httptools into ./deps ({mode})")
    return launch, launch.proc.wait(timeout)


def _build_errors(launch: Launch) -> str:
    return "\n".join(re.findall(BUILD_ERROR, launch.text)[:3])


@scenario("build-without-compiler", requires=HTTPTOOLS_IS_UVICORNS)
def build_without_compiler(run: Run) -> Verdict:
    launch, code = _install(run, "no-compiler", 240)
    if code != 0 and (found := _build_errors(launch)):
        return launch.reproduces("build-failed", f"the httptools build failed (exit {code})", found)
    if code == 0:
        why = "httptools installed (a wheel or a compiler was found)"
        return launch.fixed("installed", why, launch.tail())
    return launch.reproduces("install-failed", f"the install failed (exit {code})")


@scenario("fix-plain-uvicorn-h11", requires=HTTPTOOLS_IS_UVICORNS)
def fix_plain_uvicorn_h11(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", http="auto", timeout=20)
    if early := launch.unserved("no-serve"):
        return early
    why = "served GET / with the h11 fallback, no httptools needed"
    return launch.fixed("serves-h11", why, "\n".join(launch.lines("Uvicorn running")))


@scenario("fix-httptools-wheel", "wheel", requires=HTTPTOOLS_IS_UVICORNS)
def _install_then_serve(run: Run, mode: str) -> Verdict:
    launch, code = _install(run, mode, 300)
    if na := launch.find(r"(?<=DOCTOR-NA:)[^\n]*"):
        return not_applicable(na)
    if code != 0:
        why = f"the install failed (exit {code})"
        return launch.reproduces("build-failed", why, _build_errors(launch) or None)
    installed = launch.find(r"[^\n]*\+ httptools[^\n]*") or "httptools installed"
    deps = os.pathsep.join([str(run.workdir), str(run.path("deps"))])
    server = run.launch_cli("app:app", http="httptools", env={"PYTHONPATH": deps}, timeout=20)
    if early := server.unserved("no-serve"):
        return early
    why = f"{installed}; uvicorn --http httptools served GET /"
    return server.fixed("serves-httptools", why, installed)


@scenario("fix-with-compiler", requires=HTTPTOOLS_IS_UVICORNS)
def fix_with_compiler(run: Run) -> Verdict:
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        return not_applicable("no C compiler (cc or gcc) on this machine to build httptools with")
    return _install_then_serve(run, "compiler")
