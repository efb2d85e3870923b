"""proxy-connection-upgrade: an ordinary request forwarded with ``Connection: upgrade``.

nginx configured with a blanket ``proxy_set_header Connection "upgrade";`` (and
``proxy_set_header Upgrade $http_upgrade;``) sends every proxied request with
``Connection: upgrade``; for a plain HTTP request ``$http_upgrade`` is empty and
nginx leaves the ``Upgrade`` header out. The scenarios send exactly that request
over a raw socket (``GET /``, then ``GET /static/app.js``, each with ``Connection:
upgrade`` and no ``Upgrade``; the verdict is the first answer) to a release that
has ``websockets`` installed (so the missing-library case is ruled out).

- ``connection-upgrade-h11``: ``--http h11``.
- ``connection-upgrade-httptools``: ``--http httptools`` (httptools installed too).

The failure (``reproduces``, kind ``unsupported-upgrade-400``): uvicorn logs
``Unsupported upgrade request.`` and answers ``400 Bad Request`` instead of the
app's response (kind ``unsupported-upgrade-warning`` when it warns but still
serves the app). Correct behaviour (``fixed``): the app's 200.
``fix-connection-map`` sends what nginx sends once ``Connection`` comes from
``map $http_upgrade $connection_upgrade { default upgrade; '' close; }``:
``Connection: close`` for a plain request: 200 on every release. The reference
server's answer is recorded as a control.
"""

from __future__ import annotations

import re
import socket

from troubleshoot.harness.api import Run, ServerSpec, Verdict, fixed, reproduces, scenario, tail

# before 0.12 websockets was a hard dependency and the harness's <0.12 recipe runs
# with --ws none, which is the other entry (no WebSocket implementation)
RELEASES = ">=0.12"

UNSUPPORTED = r"Unsupported upgrade request\."
BODY = b"plain http through the proxy"
WEBSOCKETS = {">=0.12,<0.25": ["websockets<11"], ">=0.25": ["websockets"]}
WITH_HTTPTOOLS = {
    ">=0.12,<0.25": ["websockets<11", "httptools"],
    ">=0.25": ["websockets", "httptools"],
}


def _request(port: int, connection: str, path: str = "/") -> bytes:
    request = (
        f"GET {path} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        f"Connection: {connection}\r\n"
        "X-Forwarded-For: 203.0.113.7\r\n"
        "Accept: */*\r\n\r\n"
    )
    chunks = []
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request.encode())
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                data = b"".join(chunks)
                if BODY in data or b"Unsupported upgrade request" in data:
                    break
        except (TimeoutError, ConnectionError, OSError):
            pass
    return b"".join(chunks)


def _through_proxy(run: Run, http: str | None, connection: str) -> Verdict:
    port = run.port()
    args = ["app:app", "--host", "127.0.0.1", "--port", str(port)]
    if http is not None:
        args += ["--http", http]
    proc = run.start_cli(*args)
    run.step(f"waiting for HTTP on port {port}")
    if not run.wait_serving(proc, port):
        return reproduces("no-start", "the server did not serve GET /", tail(proc.output()))
    run.step(f"GET / with 'Connection: {connection}' and no Upgrade header, over a raw socket")
    answer = _request(port, connection)
    _request(port, connection, "/static/app.js")  # a page load is several requests
    status = answer.split(b"\r\n", 1)[0].decode("latin-1") if answer else "no response"
    proc.wait_for(UNSUPPORTED, 1.5)
    text = proc.output()
    warned = re.search(UNSUPPORTED, text)
    if BODY in answer and status.startswith("HTTP/1.1 200"):
        if warned:
            return reproduces("unsupported-upgrade-warning", f"answered {status!r}", warned[0])
        return fixed("served", f"answered {status!r} with the app's body", status)
    if warned:
        return reproduces("unsupported-upgrade-400", f"answered {status!r}", warned[0])
    return reproduces("other", f"answered {status!r}", tail(text))


def _no_httptools_on_reference(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server has one HTTP implementation (h11) and no --http option"
    return None


@scenario("connection-upgrade-h11", extras=WEBSOCKETS)
def connection_upgrade_h11(run: Run) -> Verdict:
    return _through_proxy(run, None if run.is_reference else "h11", "upgrade")


@scenario(
    "connection-upgrade-httptools", requires=_no_httptools_on_reference, extras=WITH_HTTPTOOLS
)
def connection_upgrade_httptools(run: Run) -> Verdict:
    return _through_proxy(run, "httptools", "upgrade")


@scenario("fix-connection-map", extras=WEBSOCKETS)
def fix_connection_map(run: Run) -> Verdict:
    return _through_proxy(run, None if run.is_reference else "h11", "close")
