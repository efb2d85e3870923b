"""response-splitting-crlf-header: PYSEC-2020-151 / CVE-2020-7695, executed.

app.py copies the ``v`` query parameter into an ``x-echo`` response header. The
client sends ``GET /?v=hello%0D%0ASet-Cookie:%20injected=1`` over a raw socket on
loopback and reads the raw response.

``reproduces`` (kind ``crlf-on-the-wire``): the response head carries a line
``Set-Cookie: injected=1`` of its own: the CR LF went to the wire and the
attacker wrote a header (or a whole response). ``fixed``: the server refused the
value (kind ``refused``: a 500, or a closed connection, and no injected line;
the server's log says why) or the value arrived without its CR LF (kind
``no-crlf``).

``httptools`` installs httptools beside the release and runs ``--http
httptools``: uvicorn's httptools protocol writes the header bytes itself.
``h11`` runs ``--http h11``: h11 checks header values itself. ``fix-strip-control-
characters`` serves app_fixed.py (control characters dropped from the input)
on httptools.
"""

from __future__ import annotations

from troubleshoot.harness.api import (
    HTTPTOOLS_IS_UVICORNS,
    Run,
    Verdict,
    not_applicable,
    per_http,
    scenario,
    status_line,
)

REQUEST = (
    b"GET /?v=hello%0D%0ASet-Cookie:%20injected=1 HTTP/1.1\r\n"
    b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n"
)
INJECTED = b"\r\nSet-Cookie: injected=1\r\n"
HTTPTOOLS = {"<0.12": ["httptools==0.6.4"], ">=0.12": ["httptools"]}
REFUSALS = r"Invalid HTTP header|LocalProtocolError|Exception in ASGI|Traceback"


@per_http(HTTPTOOLS)
@scenario(
    "fix-strip-control-characters",
    "httptools",
    "app_fixed:app",
    requires=HTTPTOOLS_IS_UVICORNS,
    extras=HTTPTOOLS,
)
def _serve(run: Run, http: str, target: str = "app:app") -> Verdict:
    launch = run.launch_cli(target, http=http, timeout=20)
    if early := launch.unserved():
        return early
    answer = launch.raw(REQUEST)
    head = answer.split(b"\r\n\r\n", 1)[0]
    status, shown = status_line(head), head.decode("latin-1")
    if INJECTED in head + b"\r\n":
        why = f"{status}; the injected header is on the wire"
        return launch.reproduces("crlf-on-the-wire", why, shown)
    launch.wait_for(REFUSALS, 3)
    logged = f"{shown}\n{launch.tail(3)}"
    if b"\r\nx-echo: helloset-cookie: injected=1" in head.lower():
        return launch.fixed("no-crlf", f"{status}; the value arrived without its CR LF", shown)
    if status.startswith("HTTP/1.1 400"):
        # refused before the app ran: the header was never built
        return not_applicable(f"{status}: this release refuses the request before the app runs")
    if status.startswith("HTTP/1.1 500") or not answer:
        return launch.fixed("refused", f"{status}; the value was refused", logged.strip())
    return launch.reproduces("other", status, logged)
