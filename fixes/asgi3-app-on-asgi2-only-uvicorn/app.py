"""An ASGI 3 application object, shaped like a current framework's (Starlette,
FastAPI, Quart): an instance whose ``async def __call__`` takes ``(scope,
receive, send)`` in one call."""

from repro_apps import Receive, Scope, Send, text

answer = text(b"hello from an ASGI 3 app")


class App:
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await answer(scope, receive, send)


app = App()
