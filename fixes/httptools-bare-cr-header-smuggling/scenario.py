"""httptools-bare-cr-header-smuggling: CVE-2023-30589 (llhttp) through uvicorn's httptools.

The request of aiohttp's advisory for the same llhttp flaw, over a raw loopback
socket: a header line ``X-Abc: \\rxTransfer-Encoding: chunked`` (a bare CR inside
it) and a chunked body ``1 / A / 0``. HTTP allows CR only as part of CR LF; a
strict parser refuses the request. llhttp before 8.1.1 (bundled by httptools
before 0.6.0) took the bare CR for the end of the line, so it saw a
``Transfer-Encoding: chunked`` header that a proxy in front (reading one header
``X-Abc``) did not, and read a body the proxy did not frame: request smuggling.

``reproduces`` (kind ``bare-cr-ends-header``): the app is called with a
``transfer-encoding`` header and the body ``A``. ``fixed`` (kind ``refused``):
400, or the connection closed without an answer.

Each ``httptools-X.Y.Z`` scenario installs that httptools release beside the
uvicorn release (checked by importing it) and serves ``--http httptools``.
``h11`` runs the same request through ``--http h11``; ``fix-h11-httptools-0.5.0``
does so with httptools 0.5.0 installed (the fix where the old httptools stays).
"""

from __future__ import annotations

from troubleshoot.harness.api import (
    HTTPTOOLS_IS_UVICORNS,
    Run,
    Verdict,
    pinned,
    scenario,
    status_line,
)

RELEASES = ">=0.12.0"
REQUEST = (
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Abc: \rxTransfer-Encoding: chunked\r\n\r\n"
    b"1\r\nA\r\n0\r\n\r\n"
)
HTTPTOOLS_RELEASES = ("0.1.2", "0.2.0", "0.3.0", "0.4.0", "0.5.0", "0.6.0", "0.6.4")


@scenario("h11", "h11")
@pinned("httptools", HTTPTOOLS_RELEASES, "httptools", requires=HTTPTOOLS_IS_UVICORNS)
def _serve(run: Run, http: str) -> Verdict:
    used = "h11" if http == "h11" else f"httptools {run.version('httptools')}"
    launch = run.launch_cli("app:app", http=http, timeout=20)
    if early := launch.unserved():
        return early
    answer = launch.raw(REQUEST)
    status = status_line(answer)
    shown = answer.decode("latin-1")[-300:]
    if b"transfer-encoding" in answer.lower() and b"body=A" in answer:
        why = f"{used}: {status}; the app saw Transfer-Encoding"
        return launch.reproduces("bare-cr-ends-header", why, shown)
    if status.startswith("HTTP/1.1 400") or not answer:
        return launch.fixed("refused", f"{used}: {status}", shown or None)
    return launch.reproduces("other", f"{used}: {status}", shown)


@scenario(
    "fix-h11-httptools-0.5.0", requires=HTTPTOOLS_IS_UVICORNS, extras={"": ["httptools==0.5.0"]}
)
def fix_h11_httptools_0_5_0(run: Run) -> Verdict:
    """The fix in an environment that keeps the affected httptools: serve with h11."""
    return run.unpinned("httptools", "0.5.0") or _serve(run, "h11")
