"""The fix for app.py: control characters are dropped from user input before it
goes into a header (or refuse the request). Replaces app.py in
``fix-strip-control-characters``."""

import re
from urllib.parse import parse_qs

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


async def _serve(scope, receive, send):
    if scope["type"] != "http":
        return
    value = parse_qs(scope["query_string"].decode("latin-1")).get("v", ["none"])[0]
    value = CONTROL.sub("", value)
    headers = [(b"content-type", b"text/plain"), (b"x-echo", value.encode("latin-1"))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b"ok"})


def app(scope, receive=None, send=None):
    """ASGI 3 (``app(scope, receive, send)``) and ASGI 2 (``app(scope)``, what uvicorn
    releases before 0.6 call) alike."""
    if receive is None:

        async def instance(receive, send):
            await _serve(scope, receive, send)

        return instance
    return _serve(scope, receive, send)
