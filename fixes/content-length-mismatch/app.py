"""An app whose responses disagree with their own Content-Length header (``app``).

GET /too-much declares 2 bytes and sends 12; GET /too-little declares 50 and
sends 12 (the shape of a middleware that rewrites a body but keeps the old
header). GET / is a correct response. ``fixed`` is the fix: the header is
computed from the body actually sent (or leave the header out and let the
server add it, or stream with chunked encoding); ``fix-length-from-body``
serves it.
"""

from typing import Dict

from repro_apps import App, Receive, Scope, Send

BODY = b"hello, world"


def declaring(declared: Dict[str, bytes]) -> App:
    """Answers ``BODY`` with the Content-Length ``declared`` for its path (else the true one)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        length = declared.get(scope["path"], str(len(BODY)).encode())
        headers = [(b"content-type", b"text/plain"), (b"content-length", length)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": BODY})

    return app


app = declaring({"/too-much": b"2", "/too-little": b"50"})
fixed = declaring({})
