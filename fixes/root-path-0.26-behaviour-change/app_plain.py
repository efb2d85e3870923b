"""A plain ASGI app that routes the way the ASGI spec (2.4) asks.

``scope["path"]`` is the full path, including ``root_path`` (uvicorn 0.26.0
and later, the reference server); older uvicorn releases passed it without
the prefix. Removing the prefix only when it is there routes correctly on
both.
"""

from repro_apps import TEXT, Receive, Scope, Send


def route_path(scope: Scope) -> str:
    root_path = scope.get("root_path", "")
    path: str = scope["path"]
    if root_path and (path == root_path or path.startswith(root_path + "/")):
        return path[len(root_path) :] or "/"
    return path


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    path = route_path(scope)
    status, body = 404, b"Not Found"
    if path == "/":
        status, body = 200, b"ok"
    elif path == "/items":
        status, body = (
            200,
            f"items root_path={scope.get('root_path', '')} path={scope['path']}".encode(),
        )
    await send({"type": "http.response.start", "status": status, "headers": TEXT})
    await send({"type": "http.response.body", "body": body})
