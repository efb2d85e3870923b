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

import time
from collections.abc import Callable

from troubleshoot.harness.api import HTTPTOOLS_IS_UVICORNS, Launch, Run, Verdict, scenario

RELEASES = ">=0.12.0"
ERROR = (
    r"timeout_keep_alive_handler|LocalProtocolError|Exception in ASGI application"
    r"|app_error|protocol_error"
)


def _request(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


def _pipelined(launch: Launch) -> bytes:
    return launch.exchange(_request("/fast") + _request("/slow"), b"/slow", timeout=8)


def _separate(launch: Launch) -> bytes:
    fast = launch.exchange(_request("/fast"), b"/fast", timeout=10)
    return fast + launch.exchange(_request("/slow"), b"/slow", timeout=8)


@scenario("pipelined-slow-second", _pipelined)
@scenario("fix-separate-connections", _separate)
@scenario("fix-longer-keepalive", _pipelined, keep_alive="5")
@scenario(
    "pipelined-httptools",
    _pipelined,
    http="httptools",
    requires=HTTPTOOLS_IS_UVICORNS,
    extras={">=0.12.0": ["httptools"]},
)
def _run(
    run: Run, client: Callable[[Launch], bytes], keep_alive: str = "1", http: str = "h11"
) -> Verdict:
    launch = run.launch_cli("app:app", "--timeout-keep-alive", keep_alive, http=http, timeout=20)
    if early := launch.unserved("no-start"):
        return early
    run.step(f"GET /fast and GET /slow (3 s) with --timeout-keep-alive {keep_alive}")
    answer = client(launch)
    time.sleep(0.5)  # a traceback logged by the timer lands after the responses
    got = answer.count(b"HTTP/1.1 200")
    complete = got == 2 and answer.endswith(b"/slow")
    errors = "\n".join(dict.fromkeys(line.strip() for line in launch.lines(ERROR)))
    if launch.find(r"timeout_keep_alive_handler|ConnectionClosed"):
        why = f"the keep-alive timer fired during the second request; {got} of 2 responses"
        return launch.reproduces("keepalive-timer-error", why, errors)
    if not errors and not complete:
        why = f"{got} of 2 responses, nothing logged"
        return launch.reproduces("response-lost-silently", why, launch.tail(2))
    if errors or not complete:
        return launch.reproduces("other", f"{got} of 2 responses", errors or None)
    status = answer.split(b"\r\n", 1)[0].decode()
    return launch.fixed("both-answered", "both responses, no error logged", status)
