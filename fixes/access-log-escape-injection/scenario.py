"""access-log-escape-injection: PYSEC-2020-150 / CVE-2020-7694, executed.

A client requests a path whose percent-encoded bytes are terminal escape
sequences (``/%1B[2J%1B[31mINJECTED%1B[0m``: clear screen, red, reset) over a raw
socket on loopback. The access log of the server is read back.

``reproduces`` (kind ``raw-escape-in-access-log``): the log holds the ESC byte
itself (the decoded path written as it is): whoever reads the log in a terminal
runs the sequences. ``fixed``: the path is logged escaped (``%1B``, or
``\\u001b`` as the reference server writes it; kind ``escaped-in-access-log``),
or not logged at all (``no-path-logged``: a release
without that access line). ``h11`` runs ``--http h11`` (the harness's default
for releases before 0.12 anyway), ``httptools`` installs httptools beside the
release; the log line is written by the same code for both. ``fix-no-access-log``
starts the affected release with ``--no-access-log`` (the workaround where the
release cannot be upgraded): no line, no ESC.
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

PATH = "/%1B[2J%1B[31mINJECTED%1B[0m"
# httptools with a wheel for each interpreter the releases run on
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
    request = f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    answer = _raw(port, request)
    status = answer.split(b"\r\n", 1)[0].decode("latin-1")
    proc.wait_for(r"INJECTED", 3)
    text = proc.output()
    lines = [line for line in text.splitlines() if "INJECTED" in line]
    shown = "\n".join(repr(line) for line in lines)  # the ESC byte as \x1b in the evidence
    if any("\x1b" in line for line in lines):
        return reproduces(
            "raw-escape-in-access-log",
            f"{status}; the access log holds the ESC bytes of the decoded path",
            shown,
        )
    if lines and all(re.search(r"%1[bB]|\\u001[bB]|\\x1[bB]", line) for line in lines):
        return fixed("escaped-in-access-log", f"{status}; the path is logged escaped", shown)
    if not lines and (status.startswith("HTTP/1.1 400") or not answer):
        # the parser refused the target before anything was logged: not this trigger
        why = status or "no response"
        return not_applicable(f"{why}: this release refuses the request line before logging it")
    if not lines and status.startswith("HTTP/1.1 200"):
        return fixed("no-path-logged", f"{status}; no log line holds the path", tail(text, 2))
    return reproduces("other", f"{status}; log lines: {len(lines)}", shown or tail(text))


@scenario("h11")
def h11(run: Run) -> Verdict:
    return _serve(run, *([] if run.is_reference else ["--http", "h11"]))


@scenario("httptools", requires=_reference_has_no_httptools, extras=HTTPTOOLS)
def httptools(run: Run) -> Verdict:
    return _serve(run, "--http", "httptools")


@scenario("fix-no-access-log")
def fix_no_access_log(run: Run) -> Verdict:
    return _serve(run, "--no-access-log", *([] if run.is_reference else ["--http", "h11"]))
