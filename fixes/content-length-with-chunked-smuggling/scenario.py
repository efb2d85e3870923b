"""content-length-with-chunked-smuggling: both framings on one request (issue 16 item 12).

One write on a raw loopback socket: ``POST /echo`` with ``Transfer-Encoding:
chunked`` *and* a ``Content-Length`` covering the whole rest of the write. Read
as chunked, the body ends at ``0`` and ``GET /hidden`` follows it on the same
connection; read by Content-Length (as a proxy in front may read it), ``GET
/hidden`` is body. RFC 9112 section 6.1: a server that receives both may process
the request by chunked framing, but must then close the connection after
responding, so that nothing hidden in the body is read as a request.

``reproduces`` (kind ``hidden-request-served``): a response to ``/hidden``.
``fixed``: one response and the connection closed (``closed-after-response``),
or the request refused with 400 (``refused``).

``h11`` runs ``--http h11`` with the h11 the release resolves to (the harness's
own pins before 0.12); ``httptools`` installs httptools beside the release.
The reference server answers once and closes.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

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

HIDDEN = b"GET /hidden HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
BODY = b"0\r\n\r\n" + HIDDEN
REQUEST = (
    b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
    + f"Content-Length: {len(BODY)}\r\n\r\n".encode()
    + BODY
)
HTTPTOOLS = {"<0.12": ["httptools==0.6.4"], ">=0.12": ["httptools"]}


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


def _loaded(pid: int, library: str) -> bool:
    """Has process ``pid`` loaded ``library``'s extension module (Linux)?"""
    try:
        return library in Path(f"/proc/{pid}/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _reference_has_no_httptools(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server has one HTTP implementation (h11); httptools is uvicorn's"
    return None


def _h11_version(run: Run) -> str:
    import subprocess

    done = subprocess.run(
        [str(run.server.python), "-c", "import h11; print(h11.__version__)"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def _serve(run: Run, http: str) -> Verdict:
    port = run.port()
    args = ["app:app", "--host", "127.0.0.1", "--port", str(port)]
    proc = run.start_cli(*args, *([] if run.is_reference else ["--http", http]))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        # not the advisory's failure: this release does not serve here at all
        return not_applicable(f"the server did not serve GET /: {tail(proc.output(), 2)}")
    if http == "httptools" and not _loaded(proc.pid, "httptools"):
        return reproduces("not-httptools", "--http httptools given, httptools not loaded")
    used = f"h11 {_h11_version(run)}" if http == "h11" else "httptools"
    answer = _raw(port, REQUEST)
    statuses = [s.decode() for s in re.findall(rb"HTTP/1\.1 (\d{3})", answer)]
    seen = f"{used}: statuses {statuses}"
    shown = answer.decode("latin-1")[-400:]
    if b"/hidden read" in answer:
        return reproduces("hidden-request-served", f"{seen}; /hidden was served", shown)
    if statuses == ["400"] or (not statuses and answer == b""):
        return fixed("refused", f"{seen}; the request was refused", shown or tail(proc.output()))
    if len(statuses) == 1 and b"/echo read" in answer:
        return fixed("closed-after-response", f"{seen}; answered once, then closed", shown)
    return reproduces("other", seen, shown or tail(proc.output()))


@scenario("h11")
def h11(run: Run) -> Verdict:
    return _serve(run, "h11")


@scenario("httptools", requires=_reference_has_no_httptools, extras=HTTPTOOLS)
def httptools(run: Run) -> Verdict:
    return _serve(run, "httptools")
