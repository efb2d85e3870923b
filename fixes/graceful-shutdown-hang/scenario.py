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

import contextlib
import signal
import socket
import time
from collections.abc import Iterator

from troubleshoot.harness.api import Launch, Run, Verdict, not_applicable, scenario, uvicorn_only

# The shutdown that waits for open connections exists since 0.2.21 (1b92b009,
# #150); releases before 0.5.0 have no --host/--port options in this form.
RELEASES = ">=0.5.0"

GRACE = 12.0  # seconds past the server's own bound on graceful shutdown
REFERENCE_DEFAULT_BOUND = 30.0  # docs/reference-server.md: --timeout-graceful-shutdown
FIX_TIMEOUT = 2
FORCE_AFTER = 3.0  # seconds between SIGTERM and the second signal
FIRST = {"/stream": b"tick", "/stream-watching": b"tick", "/background": b"done"}
WAITS = {  # the first found names the kind
    "waits-for-background-tasks": r"Waiting for background tasks to complete",
    "waits-for-connections": r"Waiting for connections to close",
}
UVICORN_API = uvicorn_only(
    "subclasses uvicorn.Server to hook handle_exit; the reference server has no such "
    "class (and bounds the graceful wait itself)"
)


@contextlib.contextmanager
def _in_flight(launch: Launch, path: str) -> Iterator[Verdict | None]:
    """Start ``GET path`` on a raw socket and read its first bytes; the connection
    stays open inside the block. Yields a not-applicable verdict when the server
    never served or the answer never started, else None."""
    if launch.state != "serving":
        yield launch.unsupported() or not_applicable(f"never served: {launch.tail(6)}")
        return
    launch.run.step(f"opening a long-lived request: GET {path}")
    with socket.create_connection(("127.0.0.1", launch.port), timeout=10) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        data, deadline = b"", time.monotonic() + 10
        with contextlib.suppress(OSError):
            while FIRST[path] not in data and time.monotonic() < deadline:
                if not (chunk := sock.recv(65536)):
                    break
                data += chunk
        started = FIRST[path] in data
        yield None if started else not_applicable(f"GET {path} did not start: {data[:200]!r}")


def _stop(launch: Launch, wait: float, signum: int = signal.SIGTERM) -> tuple[int | None, str]:
    """Send ``signum``, wait up to ``wait`` s: the exit status and how long it took."""
    started = time.monotonic()
    code = launch.stop(wait, signum)
    return code, f"{time.monotonic() - started:.1f} s after {signal.Signals(signum).name}"


def _terminate(launch: Launch, path: str, bound: float) -> Verdict:
    with _in_flight(launch, path) as not_started:
        if not_started is not None:
            return not_started
        code, took = _stop(launch, bound + GRACE)
        if code is not None:
            return launch.fixed("exited", f"exited with status {code} {took}", launch.tail(6))
        kind = next((kind for kind, sign in WAITS.items() if launch.find(sign)), "no-exit")
        forced = launch.stop(10, signal.SIGINT) is not None
        after = "a second signal (SIGINT) ended it" if forced else "SIGINT did not end it either"
        why = f"still running {bound + GRACE:.0f} s after SIGTERM; {after}"
        return launch.reproduces(kind, why, launch.tail(8))


@scenario("sigterm-open-stream", "/stream")
@scenario("sigterm-background-task", "/background")
@scenario("sigterm-disconnect-aware-stream", "/stream-watching")
def _shutdown(run: Run, path: str, *options: str, bound: float | None = None) -> Verdict:
    if bound is None:
        bound = REFERENCE_DEFAULT_BOUND if run.is_reference else 0.0
    return _terminate(run.launch_cli("app:app", *options, timeout=20), path, bound)


@scenario("fix-timeout-graceful-shutdown")
def fix_timeout_graceful_shutdown(run: Run) -> Verdict:
    option = ("--timeout-graceful-shutdown", str(FIX_TIMEOUT))
    return _shutdown(run, "/stream", *option, bound=float(FIX_TIMEOUT))


@scenario("fix-second-sigint")
def fix_second_sigint(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", timeout=20)
    with _in_flight(launch, "/stream") as not_started:
        if not_started is not None:
            return not_started
        if launch.stop(FORCE_AFTER) is not None:
            return launch.fixed("exited-on-sigterm", "exited before the second signal")
        code, took = _stop(launch, GRACE, signal.SIGINT)
        if code is not None:
            return launch.fixed("forced", f"exited with status {code} {took}", launch.tail(6))
        why = f"still running {GRACE:.0f} s after the second signal"
        return launch.reproduces("force-ignored", why, launch.tail(6))


@scenario("fix-endpoint-ends-on-shutdown", requires=UVICORN_API)
def fix_endpoint_ends_on_shutdown(run: Run) -> Verdict:
    return _terminate(run.launch_script("serve_stopping.py", timeout=20), "/stream", 0.0)
