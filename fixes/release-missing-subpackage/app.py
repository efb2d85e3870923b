"""A minimal app every release can call: in the ASGI 2 style (a plain function that
takes the scope and returns the coroutine function), which releases before ASGI 3
support require and later ones still detect and accept."""


def app(scope):
    async def instance(receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return instance
