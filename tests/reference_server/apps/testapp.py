"""A small ASGI app for the reference server tests; behaviour is chosen by path."""

from __future__ import annotations

import asyncio
import json
import os


async def _text(send, body: bytes, status: int = 200, headers=()) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain"), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


RECEIVED_AFTER_BODY: list[str] = []


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                scope["state"]["started"] = "yes"
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"][len(scope.get("root_path", "")) :]
    if path == "/pid":
        await _text(send, str(os.getpid()).encode())
    elif path.startswith("/scope"):
        shown = {k: v for k, v in scope.items() if k not in ("headers", "state")}
        shown["raw_path"] = scope["raw_path"].decode("latin-1")
        shown["query_string"] = scope["query_string"].decode("latin-1")
        shown["headers"] = [[k.decode("latin-1"), v.decode("latin-1")] for k, v in scope["headers"]]
        shown["header_types"] = sorted({type(k).__name__ for k, _ in scope["headers"]})
        shown["state"] = dict(scope.get("state", {}))
        await _text(send, json.dumps(shown).encode(), headers=[(b"x-kind", b"json")])
    elif path == "/echo":
        body = await _read_body(receive)
        await _text(send, body)
    elif path == "/slow":
        await asyncio.sleep(float(scope["query_string"] or b"1"))
        await _text(send, b"slow done")
    elif path == "/chunked":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for part in (b"one,", b"two,", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    elif path == "/too-long":
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"3")]}
        )
        await send({"type": "http.response.body", "body": b"way too long"})
    elif path == "/too-long-later":
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"5")]}
        )
        await send({"type": "http.response.body", "body": b"abc", "more_body": True})
        await send({"type": "http.response.body", "body": b"defgh"})
    elif path == "/after-complete":
        await _text(send, b"done")
        await send({"type": "http.response.body", "body": b"extra"})
    elif path == "/no-response":
        return
    elif path == "/raise":
        raise RuntimeError("boom from the test app")
    elif path == "/disconnect":
        await _read_body(receive)
        message = await receive()
        RECEIVED_AFTER_BODY.append(message["type"])  # what the app saw once the client left
        await _text(send, message["type"].encode())
    elif path == "/last-disconnect":
        await _text(send, (RECEIVED_AFTER_BODY[-1] if RECEIVED_AFTER_BODY else "none").encode())
    else:
        await _text(send, b"hello")


def create_app():
    """For --factory."""
    return app
