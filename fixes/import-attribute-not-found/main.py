"""The ASGI app is bound to `application`, not to `app`; `uvicorn main:app` asks for `app`."""


async def application(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"served by main:application"})
