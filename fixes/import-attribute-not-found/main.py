"""The ASGI app is bound to `application`, not to `app`; `uvicorn main:app` asks for `app`."""

from repro_apps import text

application = text(b"served by main:application", handles_lifespan=False)
