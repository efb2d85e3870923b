"""A Starlette app behind a proxy, told where it is mounted in one of two ways.

``app``: the proxy strips the ``/api`` prefix and forwards
``https://example.com/api/items`` as ``GET /items``; the server is told where the
app is mounted with ``--root-path /api``. Which Starlette is installed is the
scenario's choice (``EXTRAS``): before 0.33 Starlette routes on
``scope["path"]`` as it is; from 0.33 it removes ``root_path`` from it first.

``prefixed``: the same app for a proxy that forwards ``/api/items`` unchanged.
No ``--root-path``: the routes themselves live under ``/api`` (what
``app.include_router(router, prefix="/api")`` does in FastAPI), so the path the
server passes is the path the router matches, whichever uvicorn release and
Starlette release run it.
"""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route


async def items(request: Request) -> PlainTextResponse:
    scope = request.scope
    return PlainTextResponse(f"items root_path={scope.get('root_path', '')} path={scope['path']}")


async def home(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/", home), Route("/items", items)])
prefixed = Starlette(routes=[Route("/", home), Mount("/api", routes=[Route("/items", items)])])
