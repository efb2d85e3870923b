"""graceful-shutdown-hang: SIGTERM while a response is still running.

Every scenario serves ``app:app`` from the command line, opens a raw socket,
starts a request whose work never ends by itself, reads the first bytes of
the answer (so the request is in flight and the connection stays open), sends
SIGTERM to the server process and waits for it to exit:

- ``sigterm-open-stream``: an endless chunked response that never calls
  ``receive()`` (an SSE or ``StreamingResponse`` generator);
- ``sigterm-background-task``: a complete response followed by an hour of
  work (a background task after the response);
- ``sigterm-disconnect-aware-stream``: the endless stream, but the app also
  awaits ``receive()`` and stops on ``http.disconnect``;
- ``fix-timeout-graceful-shutdown``: ``sigterm-open-stream`` with
  ``--timeout-graceful-shutdown 2`` (an option since uvicorn 0.22.0; older
  releases reject it: ``not-applicable``).
- ``fix-second-sigint``: ``sigterm-open-stream``, then a second signal
  (SIGINT, uvicorn's "CTRL+C to force quit") 3 s after SIGTERM; ``fixed``
  when the process exits within ``GRACE`` seconds of it.
- ``fix-endpoint-ends-on-shutdown``: serve_stopping.py serves an endless
  stream with a ``uvicorn.Server`` subclass whose ``handle_exit`` sets a
  flag the stream polls, so the stream ends on SIGTERM (uvicorn's Python API:
  not applicable to the reference server).

Correct behaviour (``fixed``): the process exits within the server's own
default bound on graceful shutdown plus ``GRACE`` seconds. The reference
server bounds it at 30 s by default (``--timeout-graceful-shutdown``), so it
gets 30 + ``GRACE`` s; uvicorn's default is no bound at all, so it gets
``GRACE`` s, and with the fix option 2 + ``GRACE`` s. The failure
(``reproduces``): still running at the deadline, kind ``waits-for-connections``
or ``waits-for-background-tasks`` after the message uvicorn logged (or
``no-exit`` when it logged neither). The scenario then sends SIGINT (uvicorn's
"CTRL+C to force quit") and says in the reason whether that ended it.
"""

from __future__ import annotations

import re
import signal
import socket
import time

from troubleshoot.harness.api import (
    Proc,
    Run,
    ServerSpec,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
)

# The shutdown that waits for open connections exists since 0.2.21 (1b92b009,
# #150); releases before 0.5.0 have no --host/--port options in this form.
RELEASES = ">=0.5.0"

GRACE = 12.0  # seconds past the server's own bound on graceful shutdown
REFERENCE_DEFAULT_BOUND = 30.0  # docs/reference-server.md: --timeout-graceful-shutdown
FIX_TIMEOUT = 2


def _open_request(port: int, path: str, first: bytes) -> tuple[socket.socket | None, bytes]:
    """Start ``GET path`` on a raw socket and read until ``first`` arrives; keep it open."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    data = b""
    deadline = time.monotonic() + 10
    while first not in data and time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    if first not in data:
        sock.close()
        return None, data
    return sock, data


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _shutdown(
    run: Run, path: str, *, first: bytes, options: tuple[str, ...] = (), bound: float
) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port), *options)
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port, timeout=20):
        text = proc.output()
        if (reason := run.unsupported(text)) is not None:
            return not_applicable(reason)
        return not_applicable(f"the server never served: {_tail(text)}")
    run.step(f"opening a long-lived request: GET {path}")
    sock, data = _open_request(port, path, first)
    if sock is None:
        return not_applicable(f"GET {path} did not start answering: {data[:200]!r}")
    try:
        return _terminate(run, proc, path, bound)
    finally:
        sock.close()


def _terminate(run: Run, proc: Proc, path: str, bound: float) -> Verdict:
    deadline = bound + GRACE
    run.step(f"sending SIGTERM with GET {path} in flight; waiting up to {deadline:.0f} s for exit")
    started = time.monotonic()
    proc.signal(signal.SIGTERM)
    code = proc.wait(deadline)
    took = time.monotonic() - started
    text = proc.output()
    if code is not None:
        return fixed("exited", f"exited with status {code} {took:.1f} s after SIGTERM", _tail(text))
    if re.search(r"Waiting for background tasks to complete", text):
        kind = "waits-for-background-tasks"
    elif re.search(r"Waiting for connections to close", text):
        kind = "waits-for-connections"
    else:
        kind = "no-exit"
    run.step("still running; sending SIGINT (force quit)")
    proc.signal(signal.SIGINT)
    forced = proc.wait(10)
    after = (
        "a second signal (SIGINT) ended it"
        if forced is not None
        else "SIGINT did not end it either"
    )
    return reproduces(
        kind, f"still running {deadline:.0f} s after SIGTERM; {after}", _tail(proc.output(), 8)
    )


def _default_bound(run: Run) -> float:
    return REFERENCE_DEFAULT_BOUND if run.is_reference else 0.0


@scenario("sigterm-open-stream")
def sigterm_open_stream(run: Run) -> Verdict:
    return _shutdown(run, "/stream", first=b"tick", bound=_default_bound(run))


@scenario("sigterm-background-task")
def sigterm_background_task(run: Run) -> Verdict:
    return _shutdown(run, "/background", first=b"done", bound=_default_bound(run))


@scenario("sigterm-disconnect-aware-stream")
def sigterm_disconnect_aware_stream(run: Run) -> Verdict:
    return _shutdown(run, "/stream-watching", first=b"tick", bound=_default_bound(run))


@scenario("fix-timeout-graceful-shutdown")
def fix_timeout_graceful_shutdown(run: Run) -> Verdict:
    options = ("--timeout-graceful-shutdown", str(FIX_TIMEOUT))
    return _shutdown(run, "/stream", first=b"tick", options=options, bound=float(FIX_TIMEOUT))


FORCE_AFTER = 3.0  # seconds between SIGTERM and the second signal


def _uvicorn_api(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return (
            "subclasses uvicorn.Server to hook handle_exit; the reference server has no such "
            "class (and bounds the graceful wait itself)"
        )
    return None


@scenario("fix-second-sigint")
def fix_second_sigint(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    if not run.wait_serving(proc, port, timeout=20):
        return not_applicable(f"the server never served: {_tail(proc.output())}")
    sock, data = _open_request(port, "/stream", b"tick")
    if sock is None:
        return not_applicable(f"GET /stream did not start answering: {data[:200]!r}")
    try:
        run.step("SIGTERM with GET /stream in flight")
        proc.signal(signal.SIGTERM)
        if proc.wait(FORCE_AFTER) is not None:
            return fixed(
                "exited-on-sigterm", "exited before the second signal", _tail(proc.output())
            )
        run.step("still waiting; sending SIGINT (force quit)")
        started = time.monotonic()
        proc.signal(signal.SIGINT)
        code = proc.wait(GRACE)
        took = time.monotonic() - started
        text = _tail(proc.output())
        if code is not None:
            return fixed(
                "forced", f"exited with status {code} {took:.1f} s after the second signal", text
            )
        return reproduces(
            "force-ignored", f"still running {GRACE:.0f} s after the second signal", text
        )
    finally:
        sock.close()


@scenario("fix-endpoint-ends-on-shutdown", requires=_uvicorn_api)
def fix_endpoint_ends_on_shutdown(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_script("serve_stopping.py", str(port))
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port, timeout=20):
        return not_applicable(f"the script never served: {_tail(proc.output())}")
    sock, data = _open_request(port, "/stream", b"tick")
    if sock is None:
        return not_applicable(f"GET /stream did not start answering: {data[:200]!r}")
    try:
        return _terminate(run, proc, "/stream", 0.0)
    finally:
        sock.close()
