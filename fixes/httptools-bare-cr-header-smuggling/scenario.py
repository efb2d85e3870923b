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

import socket
import subprocess

from troubleshoot.harness.api import (
    Run,
    ScenarioFn,
    ServerSpec,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

RELEASES = ">=0.12.0"
REQUEST = (
    b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Abc: \rxTransfer-Encoding: chunked\r\n\r\n"
    b"1\r\nA\r\n0\r\n\r\n"
)


def _uvicorn_only(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server has one HTTP implementation (h11); httptools is uvicorn's"
    return None


def _raw(port: int, payload: bytes, wait: float = 3.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(payload)
        sock.settimeout(wait)
        chunks = []
        try:
            while data := sock.recv(65536):
                chunks.append(data)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def _httptools_version(run: Run) -> str:
    done = subprocess.run(
        [str(run.server.python), "-c", "import httptools; print(httptools.__version__)"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def _serve(run: Run, http: str, want: str | None = None) -> Verdict:
    if want is not None and (have := _httptools_version(run)) != want:
        return reproduces("wrong-httptools", f"httptools {want} was asked for, {have} installed")
    port = run.port()
    args = ["app:app", "--host", "127.0.0.1", "--port", str(port)]
    proc = run.start_cli(*args, *([] if run.is_reference else ["--http", http]))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return not_applicable(f"the server did not serve GET /: {tail(proc.output(), 2)}")
    answer = _raw(port, REQUEST)
    status = answer.split(b"\r\n", 1)[0].decode("latin-1") or "no response"
    used = f"httptools {want}" if want else http
    shown = answer.decode("latin-1")[-300:]
    if b"transfer-encoding" in answer.lower() and b"body=A" in answer:
        return reproduces(
            "bare-cr-ends-header", f"{used}: {status}; the app saw Transfer-Encoding", shown
        )
    if status.startswith("HTTP/1.1 400") or not answer:
        return fixed("refused", f"{used}: {status}", shown or tail(proc.output(), 2))
    return reproduces("other", f"{used}: {status}", shown)


def _pinned(version: str) -> ScenarioFn:
    @scenario(
        f"httptools-{version}", requires=_uvicorn_only, extras={"": [f"httptools=={version}"]}
    )
    def run_it(run: Run) -> Verdict:
        return _serve(run, "httptools", version)

    return run_it


httptools_0_1_2 = _pinned("0.1.2")
httptools_0_2_0 = _pinned("0.2.0")
httptools_0_3_0 = _pinned("0.3.0")
httptools_0_4_0 = _pinned("0.4.0")
httptools_0_5_0 = _pinned("0.5.0")
httptools_0_6_0 = _pinned("0.6.0")
httptools_0_6_4 = _pinned("0.6.4")


@scenario("h11")
def h11(run: Run) -> Verdict:
    return _serve(run, "h11")


@scenario("fix-h11-httptools-0.5.0", requires=_uvicorn_only, extras={"": ["httptools==0.5.0"]})
def fix_h11_httptools_0_5_0(run: Run) -> Verdict:
    """The fix in an environment that keeps the affected httptools: serve with h11."""
    if (have := _httptools_version(run)) != "0.5.0":
        return reproduces("wrong-httptools", f"httptools 0.5.0 was asked for, {have} installed")
    return _serve(run, "h11")
