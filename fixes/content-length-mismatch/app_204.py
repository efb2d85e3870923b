"""A 204 No Content route that still sends a body.

GET /deleted answers ``204`` with the body ``null`` and ``content-length: 4``:
what a FastAPI route with ``status_code=204`` returning ``None`` produced on
older FastAPI releases. A 204 has no body by definition, so the declared
length the server goes by is 0. GET / is a correct response.
"""


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] == "/deleted":
        headers = [(b"content-type", b"application/json"), (b"content-length", b"4")]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b"null"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
