"""HTTP/1.1 on h11 and asyncio streams: one :class:`HTTPConnection` per client.

The connection reads events only when it needs them, so request bodies are
pulled by the app's ``receive()`` (natural back-pressure) and pipelined
requests simply wait in h11's buffer until the current cycle is done.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import http
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import h11

from reference_server.loading import ASGIApp, Message, Scope
from reference_server.logs import Logger, describe_exception

READ_SIZE = 65536
# How much pipelined data we buffer while an app is still answering.
MAX_PIPELINE_BUFFER = 256 * 1024
# An unread request body up to this size is skipped to keep the connection alive.
MAX_DISCARD = 1024 * 1024
SERVER_HEADER = (b"server", b"reference_server")


class ProtocolViolation(RuntimeError):
    """The app broke the ASGI HTTP protocol (raised from ``send``)."""


class _Timeout(Exception):
    pass


@dataclass
class ServerState:
    """Shared by all connections of one worker."""

    settings_root_path: str
    keep_alive: float
    slow_client: float
    max_incomplete: int
    access_log: bool
    limit_concurrency: int | None
    app_state: dict[str, Any]
    logger: Logger
    connections: set[HTTPConnection] = field(default_factory=set)
    shutting_down: bool = False
    total_requests: int = 0


_date_cache: tuple[int, bytes] = (0, b"")


def date_header() -> bytes:
    global _date_cache  # noqa: PLW0603 (a one-entry cache per second)
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache = (now, email.utils.formatdate(now, usegmt=True).encode("ascii"))
    return _date_cache[1]


class HTTPConnection:
    """Serve one client connection until it closes, times out or breaks."""

    def __init__(
        self,
        app: ASGIApp,
        state: ServerState,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        tls: bool,
    ) -> None:
        self.app = app
        self.state = state
        self.reader = reader
        self.writer = writer
        self.scheme = "https" if tls else "http"
        self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=state.max_incomplete)
        self.log = state.logger
        self.idle = True
        self.requests_served = 0
        self.eof = False  # the client closed its side (a read returned nothing)
        sockname = writer.get_extra_info("sockname")
        peername = writer.get_extra_info("peername")
        self.server_addr = _addr(sockname)
        self.client_addr = _addr(peername)
        self._timer: asyncio.TimerHandle | None = None
        self._timed_out: str | None = None

    # -- reading -------------------------------------------------------------

    def _on_timeout(self, kind: str) -> None:
        self._timed_out = kind
        # abort, not close: a TLS close would wait for the idle peer's close_notify
        self.writer.transport.abort()

    async def _read(self, timeout: float, kind: str) -> bytes:
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(timeout, self._on_timeout, kind)
        try:
            data = await self.reader.read(READ_SIZE)
        except (ConnectionError, OSError):
            data = b""
        finally:
            self._timer.cancel()
            self._timer = None
        if self._timed_out is not None:
            raise _Timeout(self._timed_out)
        self.eof = self.eof or not data
        return data

    async def next_event(self, *, idle: bool = False) -> Any:
        while True:
            event = self.conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            if idle and self.conn.their_state is h11.IDLE:
                data = await self._read(self.state.keep_alive, "keep_alive")
            else:
                data = await self._read(self.state.slow_client, "slow_client")
            self.conn.receive_data(data)

    # -- the connection loop -------------------------------------------------

    async def run(self) -> None:
        self.state.connections.add(self)
        try:
            await self._serve()
        except _Timeout as exc:
            self.log.debug(
                "connection_timeout", kind=str(exc), client=_client_str(self.client_addr)
            )
        except h11.RemoteProtocolError as exc:
            await self._reject(exc)
        except (ConnectionError, OSError):
            pass
        finally:
            self.state.connections.discard(self)
            self.writer.close()

    async def _serve(self) -> None:
        while True:
            self.idle = True

            event = await self.next_event(idle=True)
            self.idle = False
            if isinstance(event, h11.Request):
                await self._handle(event)
                self.requests_served += 1
                if _framed_twice(event):
                    # RFC 9112 section 6.1: with both Transfer-Encoding and Content-Length
                    # the server MUST close the connection after responding; what follows
                    # may be a request smuggled past a proxy that read the other framing.
                    self.log.warning(
                        "bad_request",
                        status=0,
                        reason="both Transfer-Encoding and Content-Length: closed after responding",
                        client=_client_str(self.client_addr),
                    )
                    return
                await self._discard_unread_body()
            elif isinstance(event, h11.ConnectionClosed):
                return
            if self.conn.our_state is not h11.DONE or self.conn.their_state is not h11.DONE:
                return  # MUST_CLOSE, ERROR or a half-finished cycle: no keep-alive
            self.conn.start_next_cycle()

    async def _discard_unread_body(self) -> None:
        """Skip a request body the app did not read, so the connection can be reused."""
        discarded = 0
        while self.conn.their_state is h11.SEND_BODY and self.conn.our_state is h11.DONE:
            event = await self.next_event()
            if isinstance(event, h11.Data):
                discarded += len(event.data)
                if discarded > MAX_DISCARD:
                    return  # not worth reading: the loop closes the connection
            elif not isinstance(event, h11.EndOfMessage):
                return

    async def _reject(self, exc: h11.RemoteProtocolError) -> None:
        status = exc.error_status_hint
        self.log.warning(
            "bad_request", status=status, reason=str(exc), client=_client_str(self.client_addr)
        )
        if self.conn.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        body = f"Bad request: {exc}\n".encode()
        await self._simple_response(status, body, close=True)

    async def _simple_response(self, status: int, body: bytes, *, close: bool) -> None:
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"date", date_header()),
            SERVER_HEADER,
        ]
        if close:
            headers.append((b"connection", b"close"))
        try:
            data = self.conn.send(
                h11.Response(status_code=status, headers=headers, reason=_reason(status))
            )
            data += self.conn.send(h11.Data(data=body)) or b""
            data += self.conn.send(h11.EndOfMessage()) or b""
        except h11.LocalProtocolError:
            return
        with contextlib.suppress(ConnectionError, OSError):
            self.writer.write(data or b"")
            await self.writer.drain()

    async def _handle(self, request: h11.Request) -> None:
        self.state.total_requests += 1
        headers: list[tuple[bytes, bytes]] = list(request.headers)  # h11 lowercases names
        head_size = len(request.target)
        websocket = False
        for name, value in headers:
            head_size += len(name) + len(value) + 4
            if name == b"upgrade" and value.strip().lower() == b"websocket":
                websocket = True
        if websocket:
            self.log.warning(
                "websocket_refused",
                reason="WebSocket is not supported by reference_server",
                client=_client_str(self.client_addr),
            )
            body = b"WebSocket upgrades are not supported by reference_server.\n"
            await self._simple_response(501, body, close=True)
            return
        if head_size > self.state.max_incomplete:
            self.log.warning(
                "bad_request",
                status=431,
                reason=f"request head of {head_size} bytes exceeds {self.state.max_incomplete}",
                client=_client_str(self.client_addr),
            )
            await self._simple_response(431, b"Request Header Fields Too Large\n", close=True)
            return
        limit = self.state.limit_concurrency
        if limit is not None and len(self.state.connections) > limit:
            self.log.warning("concurrency_limit", limit=limit, client=_client_str(self.client_addr))
            await self._simple_response(503, b"Service Unavailable\n", close=True)
            return
        scope = _build_scope(self, request, headers)
        cycle = RequestCycle(self, request, scope)
        await cycle.run(self.app)


def _framed_twice(request: h11.Request) -> bool:
    names = {name for name, _ in request.headers}
    return b"transfer-encoding" in names and b"content-length" in names


_REASONS = {int(s): s.phrase.encode("ascii") for s in http.HTTPStatus}


def _reason(status: int) -> bytes:
    return _REASONS.get(status, b"")


def _client_str(addr: tuple[str, int] | None) -> str:
    return f"{addr[0]}:{addr[1]}" if addr else "-"


def _addr(info: Any) -> tuple[str, int] | None:
    if isinstance(info, tuple) and len(info) >= 2:
        return str(info[0]), int(info[1])
    return None


def _build_scope(
    conn: HTTPConnection, request: h11.Request, headers: list[tuple[bytes, bytes]]
) -> Scope:
    target = request.target
    raw_path, _, query = target.partition(b"?")
    root_path = conn.state.settings_root_path
    path = root_path + unquote(raw_path.decode("ascii", errors="surrogateescape"))
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": request.http_version.decode("ascii"),
        "server": conn.server_addr,
        "client": conn.client_addr,
        "scheme": conn.scheme,
        "method": request.method.decode("ascii"),
        "root_path": root_path,
        "path": path,
        "raw_path": raw_path,
        "query_string": query,
        "headers": headers,
        "state": dict(conn.state.app_state),
    }


class RequestCycle:
    """One request/response exchange with the app, checking what the app sends."""

    def __init__(self, conn: HTTPConnection, request: h11.Request, scope: Scope) -> None:
        self.conn = conn
        self.h11 = conn.conn
        self.request = request
        self.scope = scope
        self.head = request.method == b"HEAD"
        self.body_done = False
        self.disconnected = False
        self.response_started = False
        self.headers_sent = False
        self.response_complete = False
        self.status = 0
        self.response_headers: list[tuple[bytes, bytes]] = []
        self.declared_length: int | None = None
        self.sent_length = 0
        self.violation: str | None = None
        self.client_error: h11.RemoteProtocolError | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._done: asyncio.Event | None = None  # created only if the app awaits a disconnect

    async def run(self, app: ASGIApp) -> None:
        log = self.conn.log
        try:
            await app(self.scope, self.receive, self.send)
        except ProtocolViolation:
            pass  # already logged precisely where it happened
        except Exception as exc:
            if self.client_error is not None:  # the app only saw the client fail
                self.conn.writer.transport.close()
                return
            log.failure(
                "app_error",
                exc,
                error=describe_exception(exc),
                method=self.scope["method"],
                path=self.scope["path"],
            )
            await self._fail()
        else:
            if self.client_error is not None:
                self.conn.writer.transport.close()
                return
            if self.violation is None and not self.response_complete:
                reason = (
                    "app returned without sending a response"
                    if not self.response_started
                    else "app returned before the response body was complete"
                )
                self._violate(reason)
                await self._fail()
        finally:
            if self._watcher is not None:
                await self._stop_watcher()
        if self.violation is not None and not self.response_complete:
            await self._fail()
        if self.conn.state.access_log and self.conn.log.enabled("info"):
            log.info(
                "request",
                client=_client_str(self.conn.client_addr),
                method=self.scope["method"],
                path=self.scope["path"],
                http=self.scope["http_version"],
                status=self.status,
            )

    async def _client_failed(self) -> None:
        """The request body broke on the client's side: 400 and close, or just close."""
        assert self.client_error is not None
        if self.conn.eof:
            self.conn.log.debug("client_disconnected", client=_client_str(self.conn.client_addr))
        elif not self.headers_sent:
            self.status = self.client_error.error_status_hint
            await self.conn._reject(self.client_error)
        self.headers_sent = True

    async def _fail(self) -> None:
        """500 if nothing was sent yet; otherwise the connection must close."""
        if not self.headers_sent and self.h11.our_state is h11.SEND_RESPONSE:
            self.status = 500
            self.response_started = True
            await self.conn._simple_response(500, b"Internal Server Error\n", close=True)
            self.headers_sent = self.response_complete = True
        else:
            self.conn.writer.transport.close()

    def _violate(self, reason: str) -> ProtocolViolation:
        if self.violation is None:
            self.violation = reason
            self.conn.log.failure(
                "protocol_error",
                reason=reason,
                method=self.scope["method"],
                path=self.scope["path"],
            )
        return ProtocolViolation(reason)

    # -- receive -------------------------------------------------------------

    async def receive(self) -> Message:
        if self.disconnected or self.response_complete:
            return {"type": "http.disconnect"}
        if self.body_done:
            await self._wait_disconnect()
            return {"type": "http.disconnect"}
        if self.h11.they_are_waiting_for_100_continue:
            data = self.h11.send(h11.InformationalResponse(status_code=100, headers=[]))
            self.conn.writer.write(data or b"")
        try:
            event = await self.conn.next_event()
        except _Timeout:
            self.disconnected = True
            return {"type": "http.disconnect"}
        except h11.RemoteProtocolError as exc:
            # The client's fault, never the app's: a malformed body (a bad chunk size, an
            # oversized chunk extension) or a client that left mid-body. The app is told
            # the client is gone; the connection answers 400 (if it still can) and closes.
            self.client_error = exc
            self.disconnected = True
            await self._client_failed()
            return {"type": "http.disconnect"}
        if isinstance(event, h11.Data):
            return {"type": "http.request", "body": bytes(event.data), "more_body": True}
        if isinstance(event, h11.EndOfMessage):
            self.body_done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        self.disconnected = True  # ConnectionClosed or PAUSED on a broken stream
        return {"type": "http.disconnect"}

    async def _wait_disconnect(self) -> None:
        if self._done is None:
            self._done = asyncio.Event()
        if self._watcher is None:
            self._watcher = asyncio.create_task(self._watch_disconnect())
        done = asyncio.create_task(self._done.wait())
        try:
            await asyncio.wait({done, self._watcher}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            done.cancel()

    async def _watch_disconnect(self) -> None:
        """Read ahead (pipelined bytes go to h11) until the client hangs up."""
        while len(self.h11.trailing_data[0]) < MAX_PIPELINE_BUFFER:
            try:
                data = await self.conn.reader.read(READ_SIZE)
            except (ConnectionError, OSError):
                data = b""
            self.h11.receive_data(data)
            if not data:
                self.disconnected = True
                return
        assert self._done is not None
        await self._done.wait()

    async def _stop_watcher(self) -> None:
        if self._done is not None:
            self._done.set()
        if self._watcher is not None and not self._watcher.done():
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher

    # -- send ----------------------------------------------------------------

    async def send(self, message: Message) -> None:
        kind = message.get("type")
        if self.client_error is not None:
            return  # the client broke its request: it was answered (400) or is gone
        if self.response_complete:
            raise self._violate(f"app sent {kind!r} after the response was complete")
        if self.violation is not None:
            raise ProtocolViolation(self.violation)
        if not self.response_started:
            if kind != "http.response.start":
                raise self._violate(f"expected 'http.response.start', got {kind!r}")
            self._start(message)
            return
        if kind != "http.response.body":
            raise self._violate(f"expected 'http.response.body', got {kind!r}")
        body = message.get("body", b"")
        if type(body) is not bytes:
            body = bytes(body)
        more = bool(message.get("more_body", False))
        await self._body(body, more)

    def _start(self, message: Message) -> None:
        self.response_started = True
        self.status = int(message["status"])
        headers: list[tuple[bytes, bytes]] = []
        for name, value in message.get("headers", ()):
            lname = name.lower() if type(name) is bytes else bytes(name).lower()
            if lname == b"content-length":
                with contextlib.suppress(ValueError):
                    self.declared_length = int(value)
            headers.append((lname, value if type(value) is bytes else bytes(value)))
        self.response_headers = headers

    async def _body(self, body: bytes, more: bool) -> None:
        declared = self.declared_length
        total = self.sent_length + len(body)
        if declared is not None and total > declared and not self.head:
            raise self._violate(
                f"response body longer than Content-Length: declared {declared} bytes, "
                f"app sent at least {total}"
            )
        if declared is not None and not more and total < declared and not self.head:
            raise self._violate(
                f"response body shorter than Content-Length: declared {declared} bytes, "
                f"app sent {total}"
            )
        data = b""
        if not self.headers_sent:
            headers = self.response_headers
            if declared is None and not more:
                headers.append((b"content-length", str(len(body)).encode()))
            headers.append((b"date", date_header()))
            headers.append(SERVER_HEADER)
            if self.conn.state.shutting_down:
                headers.append((b"connection", b"close"))
            try:
                response = h11.Response(
                    status_code=self.status, headers=headers, reason=_reason(self.status)
                )
                data = self.h11.send(response) or b""
            except h11.LocalProtocolError as exc:
                raise self._violate(f"invalid response start: {exc}") from exc
            self.headers_sent = True
        self.sent_length = total
        try:
            if body and not self.head:
                data += self.h11.send(h11.Data(data=body)) or b""
            if not more:
                data += self.h11.send(h11.EndOfMessage()) or b""
        except h11.LocalProtocolError as exc:
            raise self._violate(f"invalid response body: {exc}") from exc
        if not more:
            self.response_complete = True
            if self._done is not None:
                self._done.set()
        if self.disconnected:
            return
        writer = self.conn.writer
        writer.write(data)
        if writer.transport.get_write_buffer_size() > READ_SIZE:
            try:
                await writer.drain()
            except (ConnectionError, OSError):
                self.disconnected = True


ConnectionFactory = Callable[[asyncio.StreamReader, asyncio.StreamWriter], HTTPConnection]
