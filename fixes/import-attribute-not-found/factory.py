"""The app exists only inside a function (an app factory); there is no module-level `app`."""


def create_app():
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"served by factory:create_app"})

    return app
