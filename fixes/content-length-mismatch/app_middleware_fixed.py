"""The fix for app_middleware.py: the middleware that changes the body drops
the ``content-length`` it can no longer vouch for (the server then frames the
body itself: chunked, or a length it computes). Replaces app.py in
``fix-middleware-drops-length``."""

FOOTER = b" -- served by proxy"


async def inner(scope, receive, send):
    body = b"hello, world"
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def footer_middleware(app):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"content-length"
                ]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                message = {**message, "body": message.get("body", b"") + FOOTER}
            await send(message)

        await app(scope, receive, send_wrapper)

    return wrapped


page = footer_middleware(inner)


async def app(scope, receive, send):
    if scope["type"] == "http" and scope["path"] == "/page":
        await page(scope, receive, send)
        return
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
