"""Any path answers 200 ``ok``: what is under test is the server's access log.

ASGI 3 and ASGI 2 alike (releases before 0.6 call ``app(scope)``; later ones
detect a plain function as ASGI 2 and call it that way too).
"""

from repro_apps import dual, text

app = dual(text(b"ok", handles_lifespan=False))
