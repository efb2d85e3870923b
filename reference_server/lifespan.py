"""The ASGI lifespan protocol: startup before serving, shutdown after."""

from __future__ import annotations

import asyncio
from typing import Any

from reference_server.errors import LifespanStartupFailed
from reference_server.loading import ASGIApp, Message
from reference_server.logs import Logger, describe_exception


class Lifespan:
    """Run the app's lifespan task; ``mode`` is ``auto``, ``on`` or ``off``."""

    def __init__(self, app: ASGIApp, mode: str, logger: Logger) -> None:
        self.app = app
        self.mode = mode
        self.log = logger
        self.state: dict[str, Any] = {}
        self.supported = mode != "off"
        self._inbox: asyncio.Queue[Message] = asyncio.Queue()
        self._startup: asyncio.Future[str | None] | None = None
        self._shutdown: asyncio.Future[str | None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._app_error: BaseException | None = None

    async def startup(self) -> None:
        if not self.supported:
            return
        loop = asyncio.get_running_loop()
        self._startup = loop.create_future()
        self._shutdown = loop.create_future()
        self._task = asyncio.create_task(self._main())
        await self._inbox.put({"type": "lifespan.startup"})
        failure = await self._startup
        if failure is not None:
            raise LifespanStartupFailed(f"lifespan startup failed: {failure}")
        if self.supported:
            self.log.info("lifespan_startup_complete")

    async def shutdown(self, timeout: float) -> None:
        if not self.supported or self._task is None or self._shutdown is None:
            return
        await self._inbox.put({"type": "lifespan.shutdown"})
        try:
            failure = await asyncio.wait_for(asyncio.shield(self._shutdown), timeout)
        except TimeoutError:
            self.log.warning("lifespan_shutdown_timeout", timeout=timeout)
            self._task.cancel()
            return
        if failure is not None:
            self.log.failure("lifespan_shutdown_failed", error=failure)
        else:
            self.log.info("lifespan_shutdown_complete")

    async def _main(self) -> None:
        scope = {
            "type": "lifespan",
            "asgi": {"version": "3.0", "spec_version": "2.0"},
            "state": self.state,
        }
        try:
            await self.app(scope, self._receive, self._send)
        except BaseException as exc:
            self._app_error = exc
            assert self._startup is not None
            if not self._startup.done():
                if self.mode == "auto":
                    self.supported = False
                    self.log.info("lifespan_unsupported", error=describe_exception(exc))
                    self._startup.set_result(None)
                else:
                    self.log.failure("lifespan_error", exc, error=describe_exception(exc))
                    self._startup.set_result(describe_exception(exc))
            elif self._shutdown is not None and not self._shutdown.done():
                self.log.failure("lifespan_error", exc, error=describe_exception(exc))
                self._shutdown.set_result(describe_exception(exc))
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
        finally:
            if self._startup is not None and not self._startup.done():
                # returned without answering startup: the app ignores lifespan
                self.supported = False
                self.log.info("lifespan_unsupported", error="app returned without answering")
                self._startup.set_result(None)
            if self._shutdown is not None and not self._shutdown.done():
                self._shutdown.set_result(None)

    async def _receive(self) -> Message:
        return await self._inbox.get()

    async def _send(self, message: Message) -> None:
        assert self._startup is not None and self._shutdown is not None
        kind = message.get("type")
        if kind == "lifespan.startup.complete":
            self._startup.set_result(None)
        elif kind == "lifespan.startup.failed":
            self._startup.set_result(str(message.get("message", "")) or "(no message)")
        elif kind == "lifespan.shutdown.complete":
            self._shutdown.set_result(None)
        elif kind == "lifespan.shutdown.failed":
            self._shutdown.set_result(str(message.get("message", "")) or "(no message)")
        else:
            raise RuntimeError(f"unexpected lifespan message {kind!r}")
