"""Apps where one request gets, or might get, a second ``http.response.start``.

``app``: an error-handling middleware that sends a 500 even when the response
already went out. The route answers, then fails afterwards (a task run after the
body was sent); the middleware catches the exception and sends its own
``http.response.start``: a second response on a completed one. ``fixed``: the
middleware remembers whether the response started and otherwise re-raises, so
the server logs the real error once.

``inner_call``: ``/graphql`` hands the request to another ASGI app with the
request's own ``send`` (the inner app answers), then the route returns its own
response on top: two components respond to one request (fastapi#4856).
``mounted``: the fix, the inner app mounted at ``/graphql`` (what
``app.mount("/graphql", graphql_app)`` does), the only component answering there.

GET / is a correct route everywhere.
"""

from repro_apps import Message, Receive, Scope, Send, text

done = text(b"done", handles_lifespan=False)
graphql_app = text(b"graphql answer", handles_lifespan=False)
error_500 = text(b"Internal Server Error", status=500, handles_lifespan=False)
route_answer = text(b"route answer", handles_lifespan=False)


async def route(scope: Scope, receive: Receive, send: Send) -> None:
    await done(scope, receive, send)
    if scope["path"] == "/fails-after-response":
        raise ValueError("audit log write failed after the response was sent")


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    try:
        await route(scope, receive, send)
    except Exception:
        await error_500(scope, receive, send)


async def fixed(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    started = False

    async def tracking_send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await route(scope, receive, tracking_send)
    except Exception:
        if started:
            raise  # too late for a 500: let the server log the real error
        await error_500(scope, receive, send)


async def graphql_route(scope: Scope, receive: Receive, send: Send) -> None:
    await graphql_app(scope, receive, send)
    await route_answer(scope, receive, send)  # a second response on the same request


async def inner_call(scope: Scope, receive: Receive, send: Send) -> None:
    await (graphql_route if scope.get("path") == "/graphql" else done)(scope, receive, send)


async def mounted(scope: Scope, receive: Receive, send: Send) -> None:
    await (graphql_app if scope.get("path") == "/graphql" else done)(scope, receive, send)
