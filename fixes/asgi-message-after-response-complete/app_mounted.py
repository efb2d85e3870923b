"""The fix for app_inner_call.py: the inner app is mounted at ``/graphql``
instead of being called from a route, so it is the only component that
answers there (what ``app.mount("/graphql", graphql_app)`` does)."""


async def graphql_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"graphql answer"})


async def home(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"done"})


MOUNTS = {"/graphql": graphql_app}


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await MOUNTS.get(scope["path"], home)(scope, receive, send)
