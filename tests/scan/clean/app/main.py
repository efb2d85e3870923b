"""A FastAPI-style app module: nothing runs at import time except building the app."""

from contextlib import asynccontextmanager


@asynccontextmanager
async def lifespan(app):
    # Async resources belong here, not in a module-level asyncio.run().
    yield


def create_app():
    async def app(scope, receive, send):
        pass

    return app


app = create_app()
