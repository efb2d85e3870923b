"""content-length-with-chunked-smuggling: both framings on one request (issue 16 item 12).

One write on a raw loopback socket: ``POST /echo`` with ``Transfer-Encoding:
chunked`` *and* a ``Content-Length`` covering the whole rest of the write. Read
as chunked, the body ends at ``0`` and ``GET /hidden`` follows it on the same
connection; read by Content-Length (as a proxy in front may read it), ``GET
/hidden`` is body. RFC 9112 section 6.1: a server that receives both may process
the request by chunked framing, but must then close the connection after
responding, so that nothing hidden in the body is read as a request.

``reproduces`` (kind ``hidden-request-served``): a response to ``/hidden``.
``fixed``: one response and the connection closed (``closed-after-response``),
or the request refused with 400 (``refused``).

``h11`` runs ``--http h11`` with the h11 the release resolves to (the harness's
own pins before 0.12); ``httptools`` installs httptools beside the release.
The reference server answers once and closes.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, per_http

HIDDEN = b"GET /hidden HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
BODY = b"0\r\n\r\n" + HIDDEN
REQUEST = (
    b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
    + f"Content-Length: {len(BODY)}\r\n\r\n".encode()
    + BODY
)
HTTPTOOLS = {"<0.12": ["httptools==0.6.4"], ">=0.12": ["httptools"]}


@per_http(HTTPTOOLS)
def _serve(run: Run, http: str) -> Verdict:
    launch = run.launch_cli("app:app", http=http, timeout=20)
    if early := launch.unserved():
        return early
    used = f"h11 {run.version('h11')}" if http == "h11" else "httptools"
    answer = launch.raw(REQUEST)
    statuses = [s.decode() for s in re.findall(rb"HTTP/1\.1 (\d{3})", answer)]
    seen = f"{used}: statuses {statuses}"
    shown = answer.decode("latin-1")[-400:] or None
    if b"/hidden read" in answer:
        return launch.reproduces("hidden-request-served", f"{seen}; /hidden was served", shown)
    if statuses == ["400"] or not answer:
        return launch.fixed("refused", f"{seen}; the request was refused", shown or launch.tail())
    if len(statuses) == 1 and b"/echo read" in answer:
        return launch.fixed("closed-after-response", f"{seen}; answered once, then closed", shown)
    return launch.reproduces("other", seen, shown)
