"""Answers with the header names it was given and the body it read."""

from repro_apps import Receive, Scope, Send, read_body


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    names = b",".join(name for name, _ in scope["headers"])
    answer = b"headers=" + names + b" body=" + await read_body(receive)
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": answer})
