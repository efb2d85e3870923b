"""Echoes the ``v`` query parameter in a response header (user input in a header).

``GET /?v=hello`` answers ``x-echo: hello``. The value is percent-decoded, so
``%0D%0A`` becomes a real CR LF: the app does not check it. ASGI 3 and ASGI 2
(``app(scope)``, what uvicorn releases before 0.6 call) alike.
"""

from typing import Any, Callable
from urllib.parse import parse_qs

from repro_apps import Receive, Scope, Send, dual


def echo(clean: Callable[[str], str]) -> Callable[..., Any]:
    """The app, with ``clean`` applied to the value before it goes into the header."""

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        value = parse_qs(scope["query_string"].decode("latin-1")).get("v", ["none"])[0]
        headers = [(b"content-type", b"text/plain"), (b"x-echo", clean(value).encode("latin-1"))]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"ok"})

    return dual(serve)


app = echo(lambda value: value)  # the value as it came
