"""The fix for app_middleware.py: the middleware passes every scope it does
not handle (``lifespan``, ``websocket``) through to the app, so the app's
startup runs."""

from app_middleware import inner
from repro_apps import App, Receive, Scope, Send


class TimingMiddleware:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, send)  # the HTTP-only work would go around this


app = TimingMiddleware(inner)
