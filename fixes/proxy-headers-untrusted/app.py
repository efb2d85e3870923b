"""Answers with what the server put in the scope: the client address and the scheme.

Behind a proxy that sends ``X-Forwarded-For: 203.0.113.7`` and
``X-Forwarded-Proto: https``, a server that trusts the proxy reports
``client=203.0.113.7 scheme=https``; one that does not reports the proxy's
own address and ``http``.
"""

from repro_apps import TEXT, Receive, Scope, Send


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    client = scope.get("client") or ("-", 0)
    body = f"client={client[0]} scheme={scope['scheme']}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": TEXT})
    await send({"type": "http.response.body", "body": body})
