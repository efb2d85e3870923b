"""A hand-written lifespan whose startup raises before it answers.

Startup warms a cache from a service that is down; the exception escapes the
app before any lifespan.startup.* message is sent. Requests work, but the
cache (and everything else startup should have done) is missing.
"""

STATE = {"cache": None}


def warm_cache():
    raise ConnectionError("cache warm-up failed: redis at 10.0.0.5:6379 refused the connection")


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        message = await receive()
        if message["type"] == "lifespan.startup":
            STATE["cache"] = warm_cache()
            await send({"type": "lifespan.startup.complete"})
        await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = b"cache ready" if STATE["cache"] is not None else b"cache missing"
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})
