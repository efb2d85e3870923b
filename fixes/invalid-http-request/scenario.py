"""invalid-http-request: bytes that are not HTTP/1.1 reach a plain-HTTP port.

``tls-to-plain-port`` sends a TLS ClientHello (what a browser or proxy sends for
``https://``) to a server started without TLS; ``garbage-request-line`` sends a
request line that is not HTTP (``HELLO WORLD``, a scanner's probe). Each then
checks that ``GET /`` still works.

Correct behaviour (``fixed``): the bytes are rejected with a 400 and a log line
that says what was wrong (the reference server's ``bad_request`` with the
parser's reason). The failure as users see it (``reproduces``): uvicorn's
``WARNING: Invalid HTTP request received.``, which does not say why (kind
``invalid-request-warning``; ``...-with-traceback`` when the release also logs
the parser's traceback, ``...-no-response`` when the client gets no 400).
``fix-serve-tls`` applies the fix for the TLS case: the server is started with
``--ssl-certfile/--ssl-keyfile`` and the client speaks HTTPS: 200, no warning.

``proxy-protocol-header`` is a load balancer with the PROXY protocol turned
on: every connection starts with ``PROXY TCP4 203.0.113.7 ...`` before the
request (judged like the two above). ``fix-no-proxy-protocol`` turns it off:
the same request arrives as plain HTTP carrying ``X-Forwarded-For:
203.0.113.7``, and uvicorn runs with ``--proxy-headers
--forwarded-allow-ips 127.0.0.1``; ``fixed`` when ``/whoami`` answers 200
with ``client=203.0.113.7`` and no warning is logged. The reference server has
no proxy-header options, so there only the 200 without a warning is checked.
"""

from __future__ import annotations

import contextlib
import re
import socket
import ssl

from troubleshoot.harness.api import Run, Verdict, fixed, reproduces, scenario, tail

# Older releases can only be installed here with h11 0.8.1 pinned (their own
# uvloop/httptools pins no longer build), and that h11 waits for a line end
# instead of rejecting a ClientHello: what they show is the pin, not uvicorn.
RELEASES = ">=0.12"

WARNING = r"Invalid HTTP request received\.?"
REFERENCE = r"bad_request status=400 reason=[^\n]*"


def client_hello() -> bytes:
    """The first flight of a real TLS handshake, as an https:// client sends it."""
    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def _send_raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionError, OSError):
            pass
    return b"".join(chunks)


def _probe(run: Run, payload: bytes, what: str) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the server did not serve GET /", tail(proc.output()))
    run.step(f"sending {what} over a raw socket")
    answer = _send_raw(port, payload)
    status = answer.split(b"\r\n", 1)[0].decode("latin-1") if answer else "no response"
    after = run.get(port, "/")
    proc.wait_for(f"{WARNING}|{REFERENCE}", 3)
    text = proc.output()
    seen = f"{what}: {status!r}; then GET /: {after.status}"
    if found := re.search(WARNING, text):
        kind = "invalid-request-warning"
        if "Traceback" in text:
            kind += "-with-traceback"
        if not status.startswith("HTTP/1.1 400"):
            kind += "-no-response"
        last = [ln for ln in text.splitlines() if re.match(r"[\w.]+(Error|Exception)\b", ln)]
        return reproduces(kind, seen, "\n".join([_line(text, WARNING), *last[-1:]]))
    if (found := re.search(REFERENCE, text)) and status.startswith("HTTP/1.1 400") and after.ok:
        return fixed("bad-request-with-reason", seen, found[0])
    return reproduces("other", seen, tail(text))


def _line(text: str, pattern: str) -> str:
    return next(line for line in text.splitlines() if re.search(pattern, line))


@scenario("tls-to-plain-port")
def tls_to_plain_port(run: Run) -> Verdict:
    return _probe(run, client_hello(), "a TLS ClientHello")


@scenario("garbage-request-line")
def garbage_request_line(run: Run) -> Verdict:
    return _probe(run, b"HELLO WORLD\r\n\r\n", "'HELLO WORLD' as a request line")


@scenario("fix-serve-tls")
def fix_serve_tls(run: Run) -> Verdict:
    port = run.port()
    files = run.tls()
    proc = run.start_cli(
        "app:app", "--host", "127.0.0.1", "--port", str(port),
        "--ssl-certfile", str(files.cert), "--ssl-keyfile", str(files.key),
    )  # fmt: skip
    run.step(f"waiting for HTTPS on port {port}")
    if not run.wait_serving(proc, port, tls=True):
        return reproduces("no-start", "no HTTPS response", tail(proc.output()))
    got = run.get(port, "/", tls=True)
    text = proc.output()
    if re.search(WARNING, text) or not got.ok:
        return reproduces("still-invalid", f"HTTPS GET /: {got.status}", tail(text))
    return fixed("https-served", "HTTPS (verified against the run's CA): 200, no warning", "")


PROXY_LINE = b"PROXY TCP4 203.0.113.7 127.0.0.1 51234 8000\r\n"


def _whoami(forwarded: bool) -> bytes:
    extra = "X-Forwarded-For: 203.0.113.7\r\n" if forwarded else ""
    return f"GET /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n".encode()


@scenario("proxy-protocol-header")
def proxy_protocol_header(run: Run) -> Verdict:
    return _probe(run, PROXY_LINE + _whoami(False), "a PROXY protocol v1 header before the request")


@scenario("fix-no-proxy-protocol")
def fix_no_proxy_protocol(run: Run) -> Verdict:
    port = run.port()
    trust = [] if run.is_reference else ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port), *trust)
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the server did not serve GET /", tail(proc.output()))
    run.step("plain HTTP with X-Forwarded-For instead of a PROXY header")
    answer = _send_raw(port, _whoami(True)).decode("latin-1")
    proc.wait_for(f"{WARNING}|{REFERENCE}", 1)
    text = proc.output()
    status = answer.split("\r\n", 1)[0] if answer else "no response"
    want = "client=127.0.0.1" if run.is_reference else "client=203.0.113.7"
    body = re.search(r"client=[^\s]+", answer)
    seen = f"{status!r}, body {body[0] if body else None!r}"
    if re.search(f"{WARNING}|{REFERENCE}", text) or not status.startswith("HTTP/1.1 200"):
        return reproduces("still-invalid", seen, tail(text))
    if body is None or body[0] != want:
        return reproduces("client-not-forwarded", f"{seen}; expected {want}", tail(text))
    return fixed("plain-http-forwarded", f"{seen}; no warning", tail(text, 1))
