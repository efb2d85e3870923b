"""h11-keepalive-timer-race: the keep-alive timer fires while a pipelined request is answered.

``pipelined-slow-second`` starts the server with ``--http h11
--timeout-keep-alive 1`` and sends two requests in one write over one raw
socket: ``GET /fast`` then ``GET /slow`` (the app takes 3 s). There is no
timing race in the scenario itself: the second request is already in the
server's buffer when the first response completes, and the slow request
outlasts the keep-alive timeout by 2 s.

Correct behaviour (``fixed``): both responses arrive (``/fast`` then
``/slow``) and nothing is logged as an error. The failure (``reproduces``):
before 0.27.1 the first response arms the keep-alive timer and starting the
pipelined request does not cancel it; after 1 s
``timeout_keep_alive_handler`` sends h11's ``ConnectionClosed`` in the
middle of the second response: ``Exception in callback
H11Protocol.timeout_keep_alive_handler()`` with ``LocalProtocolError: can't
handle event type ConnectionClosed when role=SERVER and state=SEND_RESPONSE``
(kind ``keepalive-timer-error``), and the second response is lost or cut.

``fix-separate-connections`` is the workaround for affected releases: the
same two requests, each on its own connection (no pipelining), which never
leaves the timer armed while a request runs. ``fix-longer-keepalive`` is the
configuration stopgap: the same pipelined requests with ``--timeout-keep-alive
5``, above the 3 s the slow request takes. The reference server (h11 as well,
keep-alive timeout stopped while a request is processed) runs all three.

``pipelined-httptools`` runs the pipelined requests on uvicorn's httptools
implementation (installed next to the release): before 0.27.1 its timer closes
the connection in the middle of the slow request and the second response is
lost with nothing logged (kind ``response-lost-silently``), so switching to
httptools is no workaround. Not applicable to the reference server (h11 only).
"""

from __future__ import annotations

import re
import socket
import time

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

RELEASES = ">=0.12.0"

READY = r"Uvicorn running on|reference_server: (?:worker_ready|startup_done)"
ERROR = (
    r"timeout_keep_alive_handler|LocalProtocolError|Exception in ASGI application"
    r"|app_error|protocol_error"
)


def _request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def _read_all(sock: socket.socket, want: int, deadline: float) -> bytes:
    data = b""
    while data.count(b"HTTP/1.1 200") < want or not data.endswith(b"/slow"):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, OSError):
            break
        if not chunk:
            break
        data += chunk
    return data


def _pipelined(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(_request("/fast") + _request("/slow"))
        return _read_all(sock, 2, time.monotonic() + 8)


def _separate(port: int) -> bytes:
    out = b""
    for path in ("/fast", "/slow"):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(_request(path))
            out += _read_all(sock, 1, time.monotonic() + 8) if path == "/slow" else sock.recv(65536)
    return out


def _run(run: Run, client, keep_alive: str = "1", http: str = "h11") -> Verdict:  # type: ignore[no-untyped-def]
    port = run.port()
    # The reference server speaks h11 only and has no --http option.
    flags = [] if run.is_reference else ["--http", http]
    proc = run.start_cli(
        "app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *flags,
        "--timeout-keep-alive",
        keep_alive,
    )
    if not proc.wait_for(READY, 20):
        reason = run.unsupported(proc.output())
        if reason:
            return not_applicable(reason)
        return reproduces("no-start", "the server did not start", tail(proc.output()))
    run.step(f"GET /fast and GET /slow (3 s) with --timeout-keep-alive {keep_alive}")
    answer = client(port)
    time.sleep(0.5)  # a traceback logged by the timer lands after the responses
    text = proc.output()
    got = answer.count(b"HTTP/1.1 200")
    complete = got == 2 and answer.endswith(b"/slow")
    errors = [ln.strip() for ln in text.splitlines() if re.search(ERROR, ln)]
    if re.search(r"timeout_keep_alive_handler|ConnectionClosed", text):
        return reproduces(
            "keepalive-timer-error",
            f"the keep-alive timer fired during the second request; {got} of 2 responses",
            "\n".join(dict.fromkeys(errors)),
        )
    if not errors and not complete:
        return reproduces(
            "response-lost-silently", f"{got} of 2 responses, nothing logged", tail(text, 2)
        )
    if errors or not complete:
        return reproduces("other", f"{got} of 2 responses", "\n".join(errors) or tail(text))
    return fixed(
        "both-answered", "both responses, no error logged", answer.split(b"\r\n", 1)[0].decode()
    )


@scenario("pipelined-slow-second")
def pipelined_slow_second(run: Run) -> Verdict:
    return _run(run, _pipelined)


@scenario("fix-separate-connections")
def fix_separate_connections(run: Run) -> Verdict:
    return _run(run, _separate)


@scenario("fix-longer-keepalive")
def fix_longer_keepalive(run: Run) -> Verdict:
    return _run(run, _pipelined, keep_alive="5")


def _httptools_is_uvicorns(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server has one HTTP implementation (h11); httptools is uvicorn's"
    return None


@scenario(
    "pipelined-httptools", requires=_httptools_is_uvicorns, extras={">=0.12.0": ["httptools"]}
)
def pipelined_httptools(run: Run) -> Verdict:
    return _run(run, _pipelined, http="httptools")
