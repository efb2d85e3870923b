"""The same Starlette app for a proxy that forwards ``/api/items`` unchanged.

No ``--root-path``: the routes themselves live under ``/api`` (what
``app.include_router(router, prefix="/api")`` does in FastAPI), so the path
the server passes is the path the router matches, whichever uvicorn release
and Starlette release run it.
"""

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route


async def items(request):
    scope = request.scope
    return PlainTextResponse(f"items root_path={scope.get('root_path', '')} path={scope['path']}")


async def home(request):
    return PlainTextResponse("ok")


app = Starlette(routes=[Route("/", home), Mount("/api", routes=[Route("/items", items)])])
