"""httptools-build-failure: ``uvicorn[standard]`` where httptools must be compiled and cannot be.

``build-without-compiler``: httptools is installed from its source
distribution (what pip/uv do when no wheel fits the interpreter or platform)
with no working C compiler. The failure (``reproduces``, kind
``build-failed``): the install stops with a compiler error. This does not
depend on the uvicorn release; the scenario runs against the newest one.

``fix-plain-uvicorn-h11``: without httptools, plain ``uvicorn`` (the pure-Python
h11 parser, the ``--http auto`` fallback) serves ``GET /`` (``fixed``).

The reference server parses HTTP with h11 only and never installs httptools:
not-applicable there.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail

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
        return reproduces("build-failed", f"the httptools build failed (exit {code})", "\n".join(found[:3]))
    if code == 0:
        return fixed("installed", "httptools installed (a wheel or a compiler was found)", tail(text))
    return reproduces("install-failed", f"the install failed (exit {code})", tail(text))


@scenario("fix-plain-uvicorn-h11", requires=_no_httptools_model)
def fix_plain_uvicorn_h11(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port), "--http", "auto")
    run.step(f"waiting for plain uvicorn (h11) on {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-serve", "plain uvicorn did not serve", tail(proc.output()))
    started = [line for line in proc.output().splitlines() if "Uvicorn running" in line]
    return fixed("serves-h11", "served GET / with the h11 fallback, no httptools needed", "\n".join(started))

