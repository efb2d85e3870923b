"""A Starlette app behind a proxy that strips the ``/api`` prefix.

The proxy forwards ``https://example.com/api/items`` as ``GET /items``; the
server is told where the app is mounted with ``--root-path /api``. Which
Starlette is installed is the scenario's choice (``EXTRAS``): before 0.33
Starlette routes on ``scope["path"]`` as it is; from 0.33 it removes
``root_path`` from it first.
"""

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def items(request):
    scope = request.scope
    return PlainTextResponse(f"items root_path={scope.get('root_path', '')} path={scope['path']}")


async def home(request):
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/", home), Route("/items", items)])
