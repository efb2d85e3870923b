"""App factories: functions that build and return the ASGI app, the shape Flask and
FastAPI projects use (``create_app()``). The app they return is an ASGI 3 object
like a framework's (an instance with ``async def __call__``).

- ``create_app()``: no parameters.
- ``create_app_with_settings(settings=None)``: an optional parameter.
- ``create_app_misconfigured()``: raises a ``TypeError`` while building the app (a
  wrong keyword to a constructor), which is what happens when a factory's own code
  has a bug.
- ``app``: the app object itself, built at import time (``app = create_app()``).
"""

from typing import Any, Dict, Optional

from repro_apps import Receive, Scope, Send, text

answer = text(b"hello from the factory's app")


class App:
    def __init__(self, settings: Optional[Dict[str, Any]] = None) -> None:
        self.settings = settings or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await answer(scope, receive, send)


def create_app() -> App:
    return App()


def create_app_with_settings(settings: Optional[Dict[str, Any]] = None) -> App:
    return App(settings)


def create_app_misconfigured() -> App:
    return App(settings={}, debug=True)  # type: ignore[call-arg]  # App() takes no 'debug'


app = create_app()
