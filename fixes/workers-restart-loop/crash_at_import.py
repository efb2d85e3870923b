"""An app whose module raises while it is imported (a missing setting, say)."""

raise RuntimeError("DATABASE_URL is not set")


async def app(scope, receive, send):  # never reached
    pass
