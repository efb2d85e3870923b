"""A minimal app every release can call: ASGI 3 and, for the releases before ASGI 3
support, ASGI 2 (a plain function taking the scope; later releases detect and accept it)."""

from repro_apps import dual, text

app = dual(text(b"ok", handles_lifespan=False))
