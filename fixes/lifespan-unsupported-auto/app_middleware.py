"""A working lifespan behind a middleware that only accepts HTTP.

The inner app warms its cache at startup and answers whether it is ready.
The middleware asserts ``scope["type"] == "http"``, so the lifespan call
fails in the middleware before it reaches the app: under ``--lifespan auto``
the startup silently does not run.
"""

STATE = {"cache": None}


async def inner(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                STATE["cache"] = "warm"
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    body = b"cache ready" if STATE["cache"] else b"cache missing"
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


class TimingMiddleware:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        assert scope["type"] == "http", f"TimingMiddleware got a {scope['type']} scope"
        await self.app(scope, receive, send)


app = TimingMiddleware(inner)
