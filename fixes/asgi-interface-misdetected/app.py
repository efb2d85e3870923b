"""An ASGI 3 app behind a wrapper whose ``__call__`` is a plain ``def``.

``Wrapper.__call__`` takes ``(scope, receive, send)`` and returns the inner
app's coroutine, so it works when awaited, but it is not a coroutine function:
uvicorn's ``--interface auto`` takes such an object for ASGI 2 and calls it
with the scope alone. ``AsyncWrapper`` is the same wrapper with
``async def __call__``.
"""


async def inner(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": b"hello from the wrapped app"})


class Wrapper:
    """A middleware written as a plain callable (as some tracing/auth wrappers are)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, scope, receive, send):
        return self.app(scope, receive, send)


class AsyncWrapper:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)


app = Wrapper(inner)
fixed_app = AsyncWrapper(inner)
