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
    Run,
    ServerSpec,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

# httptools became an optional extra ("uvicorn[standard]") in 0.12.0.
RELEASES = ">=0.12.0"

BUILD_ERROR = (
    r"error: command '[^'\n]*' failed[^\n]*|Failed to build `httptools[^\n]*"
    r"|Failed building wheel for httptools|error: Command '\[[^\n]{0,80}"
)


def _no_httptools_model(server: ServerSpec) -> str | None:
    if server.kind == "reference":
        return "the reference server parses HTTP with h11 only; it does not model httptools"
    return None


@scenario("build-without-compiler", requires=_no_httptools_model)
def build_without_compiler(run: Run) -> Verdict:
    proc = run.start_script("build.py")
    run.step("installing httptools from source without a compiler")
    code = proc.wait(240)
    text = proc.output()
    found = re.findall(BUILD_ERROR, text)
    if code != 0 and found:
        return reproduces(
            "build-failed", f"the httptools build failed (exit {code})", "\n".join(found[:3])
        )
    if code == 0:
        return fixed(
            "installed", "httptools installed (a wheel or a compiler was found)", tail(text)
        )
    return reproduces("install-failed", f"the install failed (exit {code})", tail(text))


@scenario("fix-plain-uvicorn-h11", requires=_no_httptools_model)
def fix_plain_uvicorn_h11(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port), "--http", "auto")
    run.step(f"waiting for plain uvicorn (h11) on {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-serve", "plain uvicorn did not serve", tail(proc.output()))
    started = [line for line in proc.output().splitlines() if "Uvicorn running" in line]
    return fixed(
        "serves-h11", "served GET / with the h11 fallback, no httptools needed", "\n".join(started)
    )


def _install_then_serve(run: Run, mode: str) -> Verdict:
    proc = run.start_script("build.py", mode, name=f"install-{mode}")
    run.step(f"installing httptools into ./deps ({mode})")
    code = proc.wait(300)
    text = proc.output()
    if "DOCTOR-NA:" in text:
        return not_applicable(text.split("DOCTOR-NA:", 1)[1].strip().splitlines()[0])
    if code != 0:
        found = re.findall(BUILD_ERROR, text)
        return reproduces(
            "build-failed", f"the install failed (exit {code})", "\n".join(found[:3]) or tail(text)
        )
    installed = next(
        (ln.strip() for ln in text.splitlines() if "+ httptools" in ln), "httptools installed"
    )
    port = run.port()
    deps = os.pathsep.join([str(run.workdir), str(run.path("deps"))])
    server = run.start_cli_env(
        "app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--http",
        "httptools",
        PYTHONPATH=deps,
    )
    run.step(f"waiting for uvicorn --http httptools on {port}")
    if not run.wait_serving(server, port):
        return reproduces(
            "no-serve",
            "httptools installed, but uvicorn --http httptools did not serve",
            tail(server.output()),
        )
    return fixed(
        "serves-httptools", f"{installed}; uvicorn --http httptools served GET /", installed
    )


@scenario("fix-httptools-wheel", requires=_no_httptools_model)
def fix_httptools_wheel(run: Run) -> Verdict:
    return _install_then_serve(run, "wheel")


@scenario("fix-with-compiler", requires=_no_httptools_model)
def fix_with_compiler(run: Run) -> Verdict:
    if shutil.which("cc") is None and shutil.which("gcc") is None:
        return not_applicable("no C compiler (cc or gcc) on this machine to build httptools with")
    return _install_then_serve(run, "compiler")
