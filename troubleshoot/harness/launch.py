"""A server a scenario launched, what waiting for it showed, and the verdict on it.

:meth:`Run.launch_cli <troubleshoot.harness.api.Run.launch_cli>` and
:meth:`Run.launch_script <troubleshoot.harness.api.Run.launch_script>` return a
:class:`Launch`: the process, its port, the command as a person would type it,
and how the wait ended (``state``). A scenario reads it (``text``, ``find``,
``get``) and judges it in the same terms: ``launch.verdict(SIGNS, serves=...)``
says "any of these signs is the failure, serving is the fix", and
``launch.reproduces(kind)`` / ``launch.fixed(kind)`` word the reason and the
evidence excerpt from what was observed.
"""

from __future__ import annotations

import base64
import os
import re
import signal
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, TypeAlias

from troubleshoot.harness.procs import Proc, wait_until
from troubleshoot.harness.verdict import Verdict, fixed, not_applicable, reproduces

# How a wait ended: the process exited, answered GET / with 200, printed the
# watched pattern, or none of these before the deadline.
State: TypeAlias = Literal["started", "exited", "serving", "matched", "timeout"]

UNSUPPORTED = re.compile(r"(?:no such option|unexpected keyword argument):? '?(--?[\w-]+)")


@dataclass(frozen=True)
class HttpResult:
    status: int | None  # None: no response
    text: str
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200


class Host(Protocol):
    """What a launch needs of the run that started it (``troubleshoot.harness.api.Run``)."""

    def step(self, text: str) -> None: ...
    def path(self, name: str) -> Path: ...
    def get(
        self, port: int, path: str = "/", *, tls: bool = False, timeout: float = 5.0
    ) -> HttpResult: ...
    def edit_until_served(
        self, name: str, text: str, port: int, body: str, *, tls: bool = False, timeout: float = 20
    ) -> bool: ...
    def workers(self, proc: Proc) -> list[int]: ...


def tail(text: str, lines: int = 4) -> str:
    """The last ``lines`` lines of a log: the usual evidence excerpt."""
    return "\n".join(text.strip().splitlines()[-lines:])


def unsupported_reason(output: str) -> str | None:
    """The release rejected an option the scenario needs: a not-applicable reason."""
    match = UNSUPPORTED.search(output)
    if match is None:
        return None
    return f"this release has no {match[1]} option: the trigger cannot be expressed"


@dataclass
class Launch:
    """One server process started by a scenario, on its own port."""

    run: Host
    proc: Proc
    port: int
    what: str  # the command as shown in reasons, e.g. "uvicorn app:app --reload"
    tls: bool = False
    state: State = "started"
    waited: float = field(default=0.0)
    http: str | None = None  # the --http choice given (launch_cli(http=)), if any

    # -- waiting -------------------------------------------------------------------

    def settle(self, timeout: float = 15, watch: str | None = None) -> State:
        """Wait until the process exits, prints ``watch``, answers ``GET /`` with
        200, or ``timeout`` passes; the result is also kept as ``state``."""
        pattern = re.compile(watch) if watch else None
        state: State = "timeout"

        def settled() -> bool:
            nonlocal state
            if self.proc.returncode is not None:
                state = "exited"
            elif pattern is not None and pattern.search(self.proc.output()):
                state = "matched"
            elif self.get(timeout=1.0).ok:
                state = "serving"
            return state != "timeout"

        self.run.step(f"waiting for `{self.what}` on port {self.port} to serve or exit")
        wait_until(settled, timeout, interval=0.1)
        self.state, self.waited = state, timeout
        return state

    def wait_for(self, pattern: str, timeout: float) -> str | None:
        """Wait for ``pattern`` in the output; the matched text, or None."""
        found = self.proc.wait_for(pattern, timeout)
        return found[0].strip() if found else None

    def wait_for_body(self, body: str, timeout: float = 20, path: str = "/") -> bool:
        """Poll until ``GET path`` returns exactly ``body``."""
        return wait_until(lambda: self.get(path, timeout=1.0).text == body, timeout, 0.1)

    def stop(self, timeout: float = 10, signum: int = signal.SIGTERM) -> int | None:
        """Signal the process (SIGTERM) and wait for its exit status."""
        self.run.step(f"sending {signal.Signals(signum).name} to `{self.what}`")
        self.proc.signal(signum)
        return self.proc.wait(timeout)

    def edit_until_served(
        self, name: str, old: str, new: str, body: str, *, timeout: float = 20
    ) -> bool:
        """Replace ``old`` by ``new`` in file ``name`` (re-written with a later
        mtime until it is seen) until ``GET /`` returns ``body``."""
        text = self.run.path(name).read_text(encoding="utf-8").replace(old, new)
        self.run.step(f"editing {name}: {old} -> {new}")
        run = self.run
        return run.edit_until_served(name, text, self.port, body, tls=self.tls, timeout=timeout)

    def workers(self, wanted: int = 0, timeout: float = 0.0) -> list[int]:
        """Pids of the worker children; with ``wanted``, wait up to ``timeout``
        for that many and return the largest set seen."""
        most = self.run.workers(self.proc)
        deadline = time.monotonic() + timeout
        while len(most) < wanted and time.monotonic() < deadline and self.code is None:
            time.sleep(0.2)
            now = self.run.workers(self.proc)
            most = now if len(now) > len(most) else most
        return most

    # -- reading -------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The output so far (stdout and stderr together)."""
        return self.proc.output()

    @property
    def code(self) -> int | None:
        return self.proc.returncode

    @property
    def pid(self) -> int:
        return self.proc.pid

    def find(self, pattern: str) -> str | None:
        """The first line-or-part of the output matching ``pattern``, stripped."""
        found = re.search(pattern, self.text)
        return found[0].strip() if found else None

    def sign(self, signs: Mapping[str, str]) -> tuple[str, str] | None:
        """The first of ``signs`` (kind -> pattern) the output shows: (kind, the match)."""
        for kind, pattern in signs.items():
            if (found := self.find(pattern)) is not None:
                return kind, found
        return None

    def lines(self, pattern: str) -> list[str]:
        """The whole output lines matching ``pattern``."""
        return self.proc.lines(pattern)

    def count(self, pattern: str) -> int:
        return len(re.findall(pattern, self.text))

    def tail(self, lines: int = 4) -> str:
        return tail(self.text, lines)

    def get(self, path: str = "/", timeout: float = 5.0) -> HttpResult:
        """One request on loopback (HTTPS verified against the run's CA when ``tls``)."""
        return self.run.get(self.port, path, tls=self.tls, timeout=timeout)

    def serves(self, body: str | None = None) -> bool:
        """The wait ended serving (and ``GET /`` returns ``body``, when given)."""
        return self.state == "serving" and (body is None or self.get().text == body)

    def request(self, path: str = "/", *, log: str = "", settle: float = 3.0) -> HttpResult:
        """``GET path`` of a server that has started (a watched startup line can come a
        moment before the socket accepts: with no answer, it is asked again once it
        serves, within 5 s, unless it exits), then up to ``settle`` seconds for
        ``log`` to show in the output (what the request made the server print)."""
        response = self.get(path)
        if response.status is None:
            wait_until(lambda: self.code is not None or self.get(path, timeout=1.0).ok, 5, 0.1)
            response = self.get(path)
        if log:
            self.wait_for(log, settle)
        return response

    def raw(self, payload: bytes, wait: float = 3.0) -> bytes:
        """Send ``payload`` over a plain socket; everything read until the server
        closes or is quiet for ``wait`` seconds."""
        return raw_exchange(self.port, payload, wait)

    def exchange(self, payload: bytes, until: bytes = b"", timeout: float = 5.0) -> bytes:
        """Send ``payload`` over a plain socket; everything read until ``until`` has
        arrived (when given), the server closes, or ``timeout`` passes."""
        return exchange_until(self.port, payload, until, timeout)

    def websocket(self, path: str = "/ws", until: str = "", timeout: float = 5.0) -> bytes:
        """A WebSocket opening handshake on ``path`` over a plain socket: what the
        server sent back until ``until`` arrived (the app's first frame, say), it
        closed, or ``timeout`` passed (:func:`status_line` reads the answer)."""
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        self.run.step(f"opening a WebSocket on {path} with a raw handshake")
        return self.exchange(request.encode(), until.encode(), timeout)

    def loaded(self, library: str) -> bool:
        """Has the process loaded ``library``'s extension module (Linux /proc maps)?"""
        try:
            maps = Path(f"/proc/{self.pid}/maps").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
        return library in maps

    @property
    def outcome(self) -> str:
        """How the wait ended, in words: ``exit 1``, ``serving``, ``still running after 15s``."""
        if self.code is not None:
            return f"exit {self.code}"
        return {
            "serving": "serving",
            "matched": "printed the watched line",
            "started": "running",
        }.get(self.state, f"still running after {self.waited:g}s")

    # -- judging -------------------------------------------------------------------

    def unsupported(self) -> Verdict | None:
        """Not applicable when the release rejected an option the scenario gave."""
        reason = unsupported_reason(self.text)
        return not_applicable(reason) if reason else None

    def unserved(self, kind: str | None = None, *, loads: str | None = None) -> Verdict | None:
        """None when the wait ended serving (and the process has loaded ``loads``'s
        extension module: by default httptools when ``--http httptools`` was given;
        checked where ``/proc`` maps tell, on Linux). Else the verdict: not serving is
        not applicable when the release rejected an option, else ``reproduces(kind)``,
        or without ``kind`` not applicable (this release does not serve here at all,
        which is not the failure under test); serving without ``loads`` is
        ``reproduces("not-<loads>")``."""
        if self.state != "serving":
            if (na := self.unsupported()) is not None:
                return na
            if kind is None:
                why = f"{self.what} did not serve GET / ({self.outcome}): {self.tail(2)}"
                return not_applicable(why)
            return self.reproduces(kind)
        loads = loads or ("httptools" if self.http == "httptools" else None)
        if loads and Path("/proc/self/maps").exists() and not self.loaded(loads):
            return self.reproduces(f"not-{loads}", f"{self.what}: serving, {loads} not loaded")
        return None

    def reproduces(self, kind: str, reason: str = "", excerpt: str | None = None) -> Verdict:
        """The failure was seen; the reason defaults to the command and how it ended."""
        return reproduces(kind, reason or f"{self.what}: {self.outcome}", _pick(excerpt, self))

    def fixed(self, kind: str, reason: str = "", excerpt: str | None = None) -> Verdict:
        """The correct behaviour was seen; the reason defaults as for :meth:`reproduces`."""
        return fixed(kind, reason or f"{self.what}: {self.outcome}", _pick(excerpt, self, 2))

    def verdict(
        self,
        signs: Mapping[str, str] | None = None,
        *,
        serves: str | None = None,
        body: str | None = None,
        refuses: str | None = None,
        exits: str | None = None,
        options: bool = True,
        otherwise: str = "other-failure",
    ) -> Verdict:
        """The usual judgement, in this order:

        1. ``options``: the release rejected an option given -> not applicable;
        2. ``signs`` (kind -> pattern; ``{code}`` in a kind is the exit status):
           the first found is the failure -> ``reproduces(kind)``, the match as excerpt;
        3. ``refuses`` (a pattern): the process exited non-zero printing it ->
           ``fixed("clean-error")``: it refused in its own words;
        4. ``exits`` (a kind): the process exited non-zero -> ``fixed(exits)``;
        5. ``serves`` (a kind): the wait ended serving (``GET /`` returning
           ``body``, when given) -> ``fixed(serves)``;
        6. anything else -> ``reproduces(otherwise)``.
        """
        if options and (na := self.unsupported()) is not None:
            return na
        if hit := self.sign(signs or {}):
            return self.reproduces(hit[0].format(code=self.code), excerpt=hit[1])
        failed = self.code not in (0, None)
        if refuses is not None and failed and (found := self.find(refuses)) is not None:
            reason = f"{self.what}: {self.outcome}, refuses in its own words"
            return self.fixed("clean-error", reason, found)
        if exits is not None and failed:
            return self.fixed(exits, excerpt=self.tail())
        if serves is not None and self.serves(body):
            return self.fixed(serves, f"{self.what}: serves GET /")
        return self.reproduces(otherwise)

    def request_verdict(
        self,
        signs: Mapping[str, str],
        *,
        body: str,
        serves: str,
        path: str = "/",
        settle: float = 3.0,
        no_start: str = "no-start",
        otherwise: str = "other",
    ) -> Verdict:
        """Judge one request to a launch waited on until it started (``watch`` for
        its startup line: an app failing every request never answers a 200):

        1. the release rejected an option given -> not applicable;
        2. the process exited -> ``reproduces(no_start)``;
        3. ``GET path`` (:meth:`request`), giving the log up to ``settle`` seconds
           to show one of ``signs``;
        4. a 200 with ``body`` in it -> ``fixed(serves)``;
        5. ``signs`` (kind -> pattern): the first found is the failure ->
           ``reproduces(kind)``, the match as excerpt;
        6. anything else -> ``reproduces(otherwise)``.
        The reason says what ``GET path`` answered.
        """
        if (na := self.unsupported()) is not None:
            return na
        if self.state == "exited":
            return self.reproduces(no_start)
        response = self.request(path, log=_either(signs), settle=settle)
        seen = f"{self.what}: GET {path} answered {response.status or response.error}"
        if response.ok and body in response.text:
            return self.fixed(serves, seen)
        if hit := self.sign(signs):
            return self.reproduces(hit[0], seen, hit[1])
        return self.reproduces(otherwise, seen)

    def websocket_verdict(
        self,
        signs: Mapping[str, str],
        *,
        greeting: str,
        accepted: str,
        otherwise: str = "handshake-failed",
        settle: float = 0.3,
    ) -> Verdict:
        """Judge one WebSocket connection to a launch that serves HTTP:

        1. the wait did not end serving -> ``reproduces("no-start")``;
        2. open a WebSocket (:meth:`websocket`, until ``greeting``) and give the
           log up to ``settle`` seconds to show one of ``signs``;
        3. ``signs`` (kind -> pattern): the first found is the failure ->
           ``reproduces(kind)``, the match as excerpt;
        4. ``101 Switching Protocols`` and ``greeting`` arrived -> ``fixed(accepted)``;
        5. anything else -> ``reproduces(otherwise)``.
        """
        if not self.serves():
            return self.reproduces("no-start")
        answer = self.websocket(until=greeting)
        status = status_line(answer)
        if signs:
            self.wait_for(_either(signs), settle)
        seen = f"{self.what}: the WebSocket handshake got {status!r}"
        if hit := self.sign(signs):
            return self.reproduces(hit[0], seen, hit[1])
        if status.startswith("HTTP/1.1 101") and greeting.encode() in answer:
            return self.fixed(accepted, f"{seen} and the greeting frame", status)
        return self.reproduces(otherwise, seen)


def status_line(answer: bytes) -> str:
    """The first line of a raw HTTP answer (``HTTP/1.1 101 Switching Protocols``),
    or ``no response``."""
    return answer.split(b"\r\n", 1)[0].decode("latin-1") or "no response"


def _either(signs: Mapping[str, str]) -> str:
    """One pattern matching any of ``signs``' patterns."""
    return "|".join(f"(?:{pattern})" for pattern in signs.values())


def _pick(excerpt: str | None, launch: Launch, lines: int = 4) -> str:
    return launch.tail(lines) if excerpt is None else excerpt


def raw_exchange(port: int, payload: bytes, wait: float = 3.0) -> bytes:
    """Send ``payload`` to loopback ``port``; read until closed or quiet for ``wait``."""
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


def exchange_until(port: int, payload: bytes, until: bytes = b"", timeout: float = 5.0) -> bytes:
    """Send ``payload`` to loopback ``port``; read until ``until`` has arrived (when
    given), the server closes, or ``timeout`` passes."""
    data = b""
    deadline = time.monotonic() + timeout
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(payload)
        while not (until and until in data) and (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            try:
                chunk = sock.recv(65536)
            except OSError:  # a timeout, or the server reset the connection
                break
            if not chunk:
                break
            data += chunk
    return data
