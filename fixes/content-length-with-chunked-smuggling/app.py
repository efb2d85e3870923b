"""Answers every request with its path and the size of the body it read.

ASGI 3 and ASGI 2 alike (``app(scope)``, what uvicorn releases before 0.6 call).
"""

from repro_apps import body_size, dual

app = dual(body_size())
