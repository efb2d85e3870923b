"""One serving process: build the SSL context and the app, then serve until told to stop.

Used in-process (one worker, no reload) and as the target of every ``spawn``ed
worker. In a spawned worker the channel to the supervisor carries one message
up ("ready" or "failed") and, by reaching end-of-file, tells the worker that
its parent has died, so a SIGKILLed supervisor never leaves workers behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import threading
import time
import weakref
from multiprocessing.connection import Connection
from typing import Any

from reference_server.errors import EXIT_OK, ServerError
from reference_server.http11 import HTTPConnection, ServerState
from reference_server.lifespan import Lifespan
from reference_server.loading import ASGIApp, build_ssl_context, import_app
from reference_server.logs import Logger
from reference_server.settings import Settings

# How often a draining worker checks whether its connections are done.
DRAIN_POLL = 0.02
ACCEPT_TURNS = 4
# Seconds an idle connection gets, once shutdown starts, to deliver a request in flight.
IDLE_GRACE = 1.0


class Worker:
    """An asyncio server on an already-listening socket."""

    def __init__(
        self,
        settings: Settings,
        sock: socket.socket,
        logger: Logger,
        *,
        app: ASGIApp,
        channel: Connection | None = None,
        stop_signals: tuple[signal.Signals, ...] = (signal.SIGTERM, signal.SIGINT),
    ) -> None:
        self.settings = settings
        self.sock = sock
        self.log = logger
        self.app = app
        self.channel = channel
        self.stop_signals = stop_signals
        self.stop_reason: str | None = None
        self._stop: asyncio.Event | None = None
        self._force = False
        self._tasks: set[asyncio.Task[None]] = set()
        # every accepted connection, from accept() on (a handler task starts later);
        # weak, because asyncio drops a protocol whose TLS handshake failed silently
        self._protocols: weakref.WeakSet[_TrackedProtocol] = weakref.WeakSet()

    def request_stop(self, reason: str) -> None:
        if self._stop is None:
            return
        if self._stop.is_set():
            self._force = True  # a second signal: stop waiting for in-flight requests
            return
        self.stop_reason = reason
        self._stop.set()

    async def serve(self) -> None:
        settings = self.settings
        self._stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        # Signal handlers can only be installed from the main thread; served from
        # another thread, the server is stopped by its owner instead.
        if threading.current_thread() is threading.main_thread():
            for signum in self.stop_signals:
                loop.add_signal_handler(signum, self.request_stop, signum.name)
        ssl_context = build_ssl_context(settings)
        app = self.app
        lifespan = Lifespan(app, settings.lifespan, self.log)
        await lifespan.startup()
        state = ServerState(
            settings_root_path=settings.root_path,
            keep_alive=settings.timeout_keep_alive,
            slow_client=settings.timeout_slow_client,
            max_incomplete=settings.h11_max_incomplete_event_size,
            access_log=settings.access_log,
            limit_concurrency=settings.limit_concurrency,
            app_state=lifespan.state,
            logger=self.log,
        )
        tls = ssl_context is not None

        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            self._tasks.add(task)
            try:
                await HTTPConnection(app, state, reader, writer, tls).run()
            finally:
                self._tasks.discard(task)

        def protocol_factory() -> asyncio.Protocol:
            reader = asyncio.StreamReader(limit=2**16, loop=loop)
            return _TrackedProtocol(self._protocols, reader, handle, loop=loop)

        server = await loop.create_server(protocol_factory, sock=self.sock, ssl=ssl_context)
        if self.channel is not None:
            loop.add_reader(self.channel.fileno(), self._check_parent)
        self.log.info("worker_ready", tls=tls)
        if self.channel is not None:
            self.channel.send(("ready", os.getpid()))
        await self._stop.wait()
        self.log.info("shutdown_start", reason=self.stop_reason or "-")
        await self._stop_accepting(server)
        state.shutting_down = True
        await self._drain(state)
        await lifespan.shutdown(max(settings.timeout_graceful_shutdown, 1.0))
        self.log.info("shutdown_complete", requests=state.total_requests)

    async def _stop_accepting(self, server: asyncio.Server) -> None:
        """Stop accepting, then close the server once accepted sockets are attached.

        asyncio hands each accept()ed socket to a task that runs on a later loop
        iteration and attaches it to the server; on a server closed in between,
        that attach fails and the socket is dropped, resetting a client whose
        request was already sent. So: stop watching the listener, let those tasks
        run, then close (the shared listening socket stays open in the parent).
        """
        asyncio.get_running_loop().remove_reader(self.sock.fileno())
        for _ in range(ACCEPT_TURNS):
            await asyncio.sleep(0)
        server.close()

    def _check_parent(self) -> None:
        assert self.channel is not None
        try:
            while self.channel.poll(0):
                self.channel.recv()
        except (EOFError, OSError):
            asyncio.get_running_loop().remove_reader(self.channel.fileno())
            self.log.warning("parent_died")
            self.request_stop("parent_died")

    async def _drain(self, state: ServerState) -> None:
        """Let in-flight requests finish within the graceful timeout, then cut.

        A connection that is idle may have a request on its way (a keep-alive
        client sends its next request the moment it has read a response; a
        connection accepted just before the listener closed has not been read
        yet). Closing it now would drop that request, so idle connections get up to
        IDLE_GRACE seconds; whatever arrives is answered with ``Connection: close``.
        """
        now = time.monotonic()
        deadline = now + self.settings.timeout_graceful_shutdown
        idle_deadline = now + min(IDLE_GRACE, self.settings.timeout_graceful_shutdown)
        while True:
            now = time.monotonic()
            for conn in list(state.connections):
                if conn.idle and now >= idle_deadline:
                    conn.writer.transport.abort()  # nothing in flight; TLS close would linger
            # accepted but not connected yet (TLS handshake): worth waiting for briefly
            pending = any(p.connected or now < idle_deadline for p in list(self._protocols))
            if not (self._tasks or pending) or now >= deadline or self._force:
                break
            await asyncio.sleep(DRAIN_POLL)
        if self._tasks:
            self.log.warning("shutdown_cancelled_requests", count=len(self._tasks))
            for protocol in list(self._protocols):
                protocol.abort()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)


class _TrackedProtocol(asyncio.StreamReaderProtocol):
    """A stream protocol that stays registered from accept() to connection_lost().

    The handler task of a connection starts a few loop iterations after accept (and
    after the TLS handshake), so a draining worker must count connections here, or
    it would exit with accepted-but-unstarted connections and reset them.
    """

    def __init__(
        self, registry: weakref.WeakSet[_TrackedProtocol], *args: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._registry = registry
        self._tracked_transport: asyncio.BaseTransport | None = None
        registry.add(self)

    @property
    def connected(self) -> bool:
        return self._tracked_transport is not None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._tracked_transport = transport
        super().connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        self._registry.discard(self)
        super().connection_lost(exc)

    def abort(self) -> None:
        transport = self._tracked_transport
        if isinstance(transport, asyncio.Transport):
            transport.abort()
        self._registry.discard(self)


def serve_in_process(
    settings: Settings, sock: socket.socket, logger: Logger, app: ASGIApp | None
) -> None:
    """Serve in the calling process (one worker, no reload). Raises ServerError.

    The app is imported before the event loop starts, so an app module that runs a
    loop of its own at import time (asyncio.run, run_until_complete) works.
    """
    app = app if app is not None else import_app(settings)
    asyncio.run(Worker(settings, sock, logger, app=app).serve())


def worker_process_main(settings: Settings, sock: socket.socket, channel: Connection) -> None:
    """Entry point of a spawned worker process: typed errors become the exit code here."""
    # Ctrl-C reaches the whole process group; the supervisor decides what stops and when.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logger = Logger(settings.log_level)
    code = EXIT_OK
    try:
        app = import_app(settings)  # before the loop starts, as in serve_in_process
        asyncio.run(
            Worker(
                settings, sock, logger, app=app, channel=channel, stop_signals=(signal.SIGTERM,)
            ).serve()
        )
    except ServerError as exc:
        logger.fatal(exc)
        with contextlib.suppress(OSError):
            channel.send(("failed", exc.message))
        code = exc.exit_code
    finally:
        with contextlib.suppress(OSError):
            sock.close()
    sys.exit(code)
