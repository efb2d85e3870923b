"""A route that hands the request to another ASGI app and then answers as well.

``/graphql`` calls ``graphql_app`` with the request's own ``send`` (the
inner app answers), then the route returns its own response on top: two
components respond to one request (fastapi#4856). GET / is a correct route.
"""


async def graphql_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"graphql answer"})


async def _text(send, body):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


async def graphql_route(scope, receive, send):
    await graphql_app(scope, receive, send)
    await _text(send, b"route answer")  # a second response on the same request


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/graphql":
        await graphql_route(scope, receive, send)
    else:
        await _text(send, b"done")
