"""The fix: the stream ends by itself when the server is told to stop.

Serving programmatically, a ``uvicorn.Server`` subclass records the signal
in ``handle_exit`` before uvicorn starts its graceful shutdown; the endless
stream polls that flag and finishes its response, so the shutdown has
nothing left to wait for. The app object itself is passed to ``Config``
(not ``"serve_stopping:app"``: that would import this file a second time,
and its copy of the flag would never be set).

Usage: python serve_stopping.py PORT
"""

import asyncio
import sys

import uvicorn

stopping = False


class Server(uvicorn.Server):
    def handle_exit(self, sig, frame):
        global stopping  # noqa: PLW0603 (the flag of the documented fix)
        stopping = True  # endpoints poll this flag
        super().handle_exit(sig, frame)


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    if scope["path"] != "/stream":
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]}
        )
        await send({"type": "http.response.body", "body": b"ok"})
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    while not stopping:
        await send({"type": "http.response.body", "body": b"tick\n", "more_body": True})
        await asyncio.sleep(0.5)
    await send({"type": "http.response.body", "body": b"bye\n", "more_body": False})


if __name__ == "__main__":
    Server(uvicorn.Config(app, host="127.0.0.1", port=int(sys.argv[1]))).run()
