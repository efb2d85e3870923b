"""A plain ASGI app that routes the way the ASGI spec (2.4) asks.

``scope["path"]`` is the full path, including ``root_path`` (uvicorn 0.26.0
and later, the reference server); older uvicorn releases passed it without
the prefix. Removing the prefix only when it is there routes correctly on
both.
"""


def route_path(scope):
    root_path = scope.get("root_path", "")
    path = scope["path"]
    if root_path and (path == root_path or path.startswith(root_path + "/")):
        return path[len(root_path) :] or "/"
    return path


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    path = route_path(scope)
    if path == "/":
        status, body = 200, b"ok"
    elif path == "/items":
        status, body = (
            200,
            f"items root_path={scope.get('root_path', '')} path={scope['path']}".encode(),
        )
    else:
        status, body = 404, b"Not Found"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": body})
