"""A middleware that rewrites the body but forwards the old content-length (``app``).

GET /page: the inner app answers ``hello, world`` with a correct
``content-length: 12``; the middleware appends a footer to the body and
passes the headers on unchanged, so the response declares 12 bytes and
carries 31. The fix (``fixed``, ``fix-middleware-drops-length``): the
middleware that changes the body drops the ``content-length`` it can no
longer vouch for (the server then frames the body itself: chunked, or a
length it computes). GET / is a correct response.
"""

from repro_apps import App, Message, Receive, Scope, Send, text

FOOTER = b" -- served by proxy"
ok = text(b"ok", handles_lifespan=False)


async def inner(scope: Scope, receive: Receive, send: Send) -> None:
    body = b"hello, world"
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def footer_middleware(page: App, drop_length: bool) -> App:
    """``page`` on GET /page with ``FOOTER`` appended to its body; anything else ``ok``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/page":
            await ok(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start" and drop_length:
                headers = message.get("headers", [])
                message = {
                    **message,
                    "headers": [h for h in headers if h[0].lower() != b"content-length"],
                }
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                message = {**message, "body": message.get("body", b"") + FOOTER}
            await send(message)

        await page(scope, receive, send_wrapper)

    return app


app = footer_middleware(inner, drop_length=False)  # the old content-length goes on
fixed = footer_middleware(inner, drop_length=True)
