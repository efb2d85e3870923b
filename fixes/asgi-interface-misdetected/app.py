"""An ASGI 3 app behind a wrapper whose ``__call__`` is a plain ``def``.

``Wrapper.__call__`` takes ``(scope, receive, send)`` and returns the inner
app's coroutine, so it works when awaited, but it is not a coroutine function:
uvicorn's ``--interface auto`` takes such an object for ASGI 2 and calls it
with the scope alone. ``AsyncWrapper`` is the same wrapper with
``async def __call__``.
"""

from typing import Awaitable

from repro_apps import App, Receive, Scope, Send, text

inner = text(b"hello from the wrapped app")


class Wrapper:
    """A middleware written as a plain callable (as some tracing/auth wrappers are)."""

    def __init__(self, app: App) -> None:
        self.app = app

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        return self.app(scope, receive, send)


class AsyncWrapper:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


app = Wrapper(inner)
fixed_app = AsyncWrapper(inner)
