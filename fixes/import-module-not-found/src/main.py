"""The application lives in src/main.py, but the server is started from the
project root (the folder above src/)."""


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"served from src/main.py"})
