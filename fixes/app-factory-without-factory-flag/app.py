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

BODY = b"hello from the factory's app"


class App:
    def __init__(self, settings=None):
        self.settings = settings or {}

    async def __call__(self, scope, receive, send):
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
        await send({"type": "http.response.body", "body": BODY})


def create_app():
    return App()


def create_app_with_settings(settings=None):
    return App(settings)


def create_app_misconfigured():
    return App(settings={}, debug=True)  # App() takes no 'debug': a TypeError


app = create_app()
