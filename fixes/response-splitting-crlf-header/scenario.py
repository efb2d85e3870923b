"""response-splitting-crlf-header: PYSEC-2020-151 / CVE-2020-7695, executed.

app.py copies the ``v`` query parameter into an ``x-echo`` response header. The
client sends ``GET /?v=hello%0D%0ASet-Cookie:%20injected=1`` over a raw socket on
loopback and reads the raw response.

``reproduces`` (kind ``crlf-on-the-wire``): the response head carries a line
``Set-Cookie: injected=1`` of its own: the CR LF went to the wire and the
attacker wrote a header (or a whole response). ``fixed``: the server refused the
value (kind ``refused``: a 500, or a closed connection, and no injected line;
the server's log says why) or the value arrived without its CR LF (kind
``no-crlf``).

``httptools`` installs httptools beside the release and runs ``--http
httptools``: uvicorn's httptools protocol writes the header bytes itself.
``h11`` runs ``--http h11``: h11 checks header values itself. ``fix-strip-control-
characters`` serves app_fixed.py (control characters dropped from the input)
on httptools.
"""

from __future__ import annotations

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

REQUEST = (
    b"GET /?v=hello%0D%0ASet-Cookie:%20injected=1 HTTP/1.1\r\n"
    b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n"
)
INJECTED = b"\r\nSet-Cookie: injected=1\r\n"
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


def _serve(run: Run, *extra: str) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port), *extra)
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        # not the advisory's failure: this release does not serve here at all
        return not_applicable(f"the server did not serve GET /: {tail(proc.output(), 2)}")
    if "httptools" in extra and not _loaded(proc.pid, "httptools"):
        return reproduces("not-httptools", "--http httptools given, httptools not loaded")
    answer = _raw(port, REQUEST)
    head = answer.split(b"\r\n\r\n", 1)[0]
    status = head.split(b"\r\n", 1)[0].decode("latin-1") or "no response"
    shown = head.decode("latin-1")
    if INJECTED in head + b"\r\n":
        return reproduces(
            "crlf-on-the-wire", f"{status}; the injected header is on the wire", shown
        )
    proc.wait_for(r"Invalid HTTP header|LocalProtocolError|Exception in ASGI|Traceback", 3)
    log = tail(proc.output(), 3)
    if b"\r\nx-echo: helloset-cookie: injected=1" in head.lower():
        return fixed("no-crlf", f"{status}; the value arrived without its CR LF", shown)
    if status.startswith("HTTP/1.1 400"):
        # refused before the app ran: the header was never built
        return not_applicable(f"{status}: this release refuses the request before the app runs")
    if status.startswith("HTTP/1.1 500") or not answer:
        return fixed("refused", f"{status}; the value was refused", f"{shown}\n{log}".strip())
    return reproduces("other", status, f"{shown}\n{log}")


@scenario("httptools", requires=_reference_has_no_httptools, extras=HTTPTOOLS)
def httptools(run: Run) -> Verdict:
    return _serve(run, "--http", "httptools")


@scenario("h11")
def h11(run: Run) -> Verdict:
    return _serve(run, *([] if run.is_reference else ["--http", "h11"]))


@scenario("fix-strip-control-characters", requires=_reference_has_no_httptools, extras=HTTPTOOLS)
def fix_strip_control_characters(run: Run) -> Verdict:
    run.copy("app_fixed.py", "app.py")
    return _serve(run, "--http", "httptools")
