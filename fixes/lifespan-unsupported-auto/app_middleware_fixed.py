"""The fix for app_middleware.py: the middleware passes every scope it does
not handle (``lifespan``, ``websocket``) through to the app, so the app's
startup runs. Replaces app.py in ``fix-middleware-passes-lifespan``."""

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
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, send)  # the HTTP-only work would go around this


app = TimingMiddleware(inner)
