"""A 204 No Content route that still sends a body (``app``), and its fix (``fixed``).

GET /deleted answers ``204`` with the body ``null`` and ``content-length: 4``:
what a FastAPI route with ``status_code=204`` returning ``None`` produced on
older FastAPI releases. A 204 has no body by definition, so the declared
length the server goes by is 0. The fix sends the 204 without a body (what
``return Response(status_code=204)`` sends): ``fix-no-body-204``. GET / is a
correct response.
"""

from typing import List, Tuple

from repro_apps import App, Receive, Scope, Send, text

ok = text(b"ok", handles_lifespan=False)


def deleted(headers: List[Tuple[bytes, bytes]], body: bytes) -> App:
    """GET /deleted answers 204 with ``headers`` and ``body``; anything else ``ok``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/deleted":
            await ok(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


app = deleted([(b"content-type", b"application/json"), (b"content-length", b"4")], b"null")
fixed = deleted([], b"")
