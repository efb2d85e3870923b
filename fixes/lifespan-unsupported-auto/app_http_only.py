"""An HTTP-only app, like Django's ``get_asgi_application()``: it has no
lifespan support and raises for any other scope type."""


async def app(scope, receive, send):
    if scope["type"] != "http":
        raise ValueError(f"this app can only handle ASGI/HTTP connections, not {scope['type']}")
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"http only"})
