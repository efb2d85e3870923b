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
import ssl

from troubleshoot.harness.api import Run, Verdict, scenario, status_line

# Older releases can only be installed here with h11 0.8.1 pinned (their own
# uvloop/httptools pins no longer build), and that h11 waits for a line end
# instead of rejecting a ClientHello: what they show is the pin, not uvicorn.
RELEASES = ">=0.12"

WARNING = r"Invalid HTTP request received\.?"
REFERENCE = r"bad_request status=400 reason=[^\n]*"
EITHER = f"{WARNING}|{REFERENCE}"
PROXY_LINE = b"PROXY TCP4 203.0.113.7 127.0.0.1 51234 8000\r\n"


def client_hello() -> bytes:
    """The first flight of a real TLS handshake, as an https:// client sends it."""
    context = ssl.create_default_context()
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with contextlib.suppress(ssl.SSLWantReadError):
        tls.do_handshake()
    return outgoing.read()


def _whoami(forwarded: bool) -> bytes:
    extra = "X-Forwarded-For: 203.0.113.7\r\n" if forwarded else ""
    return f"GET /whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n".encode()


@scenario("tls-to-plain-port", client_hello(), "a TLS ClientHello")
@scenario("garbage-request-line", b"HELLO WORLD\r\n\r\n", "'HELLO WORLD' as a request line")
@scenario(
    "proxy-protocol-header",
    PROXY_LINE + _whoami(False),
    "a PROXY protocol v1 header before the request",
)
def _probe(run: Run, payload: bytes, what: str) -> Verdict:
    launch = run.launch_cli("app:app", timeout=20)
    if early := launch.unserved("no-start"):
        return early
    run.step(f"sending {what} over a raw socket")
    status = status_line(launch.raw(payload, wait=5))
    after = launch.get("/")
    launch.wait_for(EITHER, 3)
    seen = f"{what}: {status!r}; then GET /: {after.status}"
    if warning := launch.find(f"[^\n]*{WARNING}[^\n]*"):
        kind = "invalid-request-warning"
        if "Traceback" in launch.text:
            kind += "-with-traceback"
        if not status.startswith("HTTP/1.1 400"):
            kind += "-no-response"
        last = launch.lines(r"^[\w.]+(Error|Exception)\b")[-1:]
        return launch.reproduces(kind, seen, "\n".join([warning, *last]))
    if (found := launch.find(REFERENCE)) and status.startswith("HTTP/1.1 400") and after.ok:
        return launch.fixed("bad-request-with-reason", seen, found)
    return launch.reproduces("other", seen)


@scenario("fix-serve-tls")
def fix_serve_tls(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", tls=True, timeout=20)
    if early := launch.unserved("no-start"):
        return early
    got = launch.get("/")
    if launch.find(WARNING) or not got.ok:
        return launch.reproduces("still-invalid", f"HTTPS GET /: {got.status}")
    return launch.fixed(
        "https-served", "HTTPS (verified against the run's CA): 200, no warning", ""
    )


@scenario("fix-no-proxy-protocol")
def fix_no_proxy_protocol(run: Run) -> Verdict:
    trust = [] if run.is_reference else ["--proxy-headers", "--forwarded-allow-ips", "127.0.0.1"]
    launch = run.launch_cli("app:app", *trust, timeout=20)
    if early := launch.unserved("no-start"):
        return early
    run.step("plain HTTP with X-Forwarded-For instead of a PROXY header")
    raw = launch.raw(_whoami(True), wait=5)
    launch.wait_for(EITHER, 1)
    status, answer = status_line(raw), raw.decode("latin-1")
    want = "client=127.0.0.1" if run.is_reference else "client=203.0.113.7"
    body = re.search(r"client=[^\s]+", answer)
    seen = f"{status!r}, body {body[0] if body else None!r}"
    if launch.find(EITHER) or not status.startswith("HTTP/1.1 200"):
        return launch.reproduces("still-invalid", seen)
    if body is None or body[0] != want:
        return launch.reproduces("client-not-forwarded", f"{seen}; expected {want}")
    return launch.fixed("plain-http-forwarded", f"{seen}; no warning", launch.tail(1))
