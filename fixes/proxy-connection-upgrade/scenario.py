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

from troubleshoot.harness.api import HTTPTOOLS_IS_UVICORNS, Run, Verdict, scenario, status_line

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
REQUEST = (
    "GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: {}\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n"
)


@scenario("connection-upgrade-h11", "upgrade", extras=WEBSOCKETS)
@scenario(
    "connection-upgrade-httptools",
    "upgrade",
    "httptools",
    requires=HTTPTOOLS_IS_UVICORNS,
    extras=WITH_HTTPTOOLS,
)
@scenario("fix-connection-map", "close", extras=WEBSOCKETS)
def _through_proxy(run: Run, connection: str, http: str = "h11") -> Verdict:
    launch = run.launch_cli("app:app", *([] if run.is_reference else ["--http", http]), timeout=20)
    if not launch.serves():
        return launch.reproduces("no-start")
    run.step(f"GET / with 'Connection: {connection}' and no Upgrade header, over a raw socket")
    answer = launch.exchange(REQUEST.format("/", connection).encode(), until=BODY)
    launch.exchange(REQUEST.format("/static/app.js", connection).encode(), until=BODY)
    status = status_line(answer)  # the first of a page load's requests
    warned = launch.wait_for(UNSUPPORTED, 1.5)
    if BODY in answer and status.startswith("HTTP/1.1 200"):
        if warned:
            return launch.reproduces("unsupported-upgrade-warning", f"answered {status!r}", warned)
        return launch.fixed("served", f"answered {status!r} with the app's body", status)
    if warned:
        return launch.reproduces("unsupported-upgrade-400", f"answered {status!r}", warned)
    return launch.reproduces("other", f"answered {status!r}")
