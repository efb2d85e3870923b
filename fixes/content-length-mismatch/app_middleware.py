"""A middleware that rewrites the body but forwards the old content-length.

GET /page: the inner app answers ``hello, world`` with a correct
``content-length: 12``; the middleware appends a footer to the body and
passes the headers on unchanged, so the response declares 12 bytes and
carries 31. GET / is a correct response.
"""

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
            if message["type"] == "http.response.body" and not message.get("more_body", False):
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
