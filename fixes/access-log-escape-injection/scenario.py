"""access-log-escape-injection: PYSEC-2020-150 / CVE-2020-7694, executed.

A client requests a path whose percent-encoded bytes are terminal escape
sequences (``/%1B[2J%1B[31mINJECTED%1B[0m``: clear screen, red, reset) over a raw
socket on loopback. The access log of the server is read back.

``reproduces`` (kind ``raw-escape-in-access-log``): the log holds the ESC byte
itself (the decoded path written as it is): whoever reads the log in a terminal
runs the sequences. ``fixed``: the path is logged escaped (``%1B``, or
``\\u001b`` as the reference server writes it; kind ``escaped-in-access-log``),
or not logged at all (``no-path-logged``: a release
without that access line). ``h11`` runs ``--http h11`` (the harness's default
for releases before 0.12 anyway), ``httptools`` installs httptools beside the
release; the log line is written by the same code for both. ``fix-no-access-log``
starts the affected release with ``--no-access-log`` (the workaround where the
release cannot be upgraded): no line, no ESC.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, not_applicable, per_http, scenario, status_line

PATH = "/%1B[2J%1B[31mINJECTED%1B[0m"
REQUEST = f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
# httptools with a wheel for each interpreter the releases run on
HTTPTOOLS = {"<0.12": ["httptools==0.6.4"], ">=0.12": ["httptools"]}


@per_http(HTTPTOOLS)
@scenario("fix-no-access-log", "h11", "--no-access-log")
def _serve(run: Run, http: str, *extra: str) -> Verdict:
    launch = run.launch_cli("app:app", *extra, http=http, timeout=20)
    if early := launch.unserved():
        return early
    answer = launch.raw(REQUEST)
    status = status_line(answer)
    launch.wait_for(r"INJECTED", 3)
    lines = launch.lines("INJECTED")
    shown = "\n".join(repr(line) for line in lines)  # the ESC byte as \x1b in the evidence
    if any("\x1b" in line for line in lines):
        why = f"{status}; the access log holds the ESC bytes of the decoded path"
        return launch.reproduces("raw-escape-in-access-log", why, shown)
    if lines and all(re.search(r"%1[bB]|\\u001[bB]|\\x1[bB]", line) for line in lines):
        return launch.fixed("escaped-in-access-log", f"{status}; the path is logged escaped", shown)
    if not lines and (status.startswith("HTTP/1.1 400") or not answer):
        # the parser refused the target before anything was logged: not this trigger
        return not_applicable(f"{status}: this release refuses the request line before logging it")
    if not lines and status.startswith("HTTP/1.1 200"):
        return launch.fixed("no-path-logged", f"{status}; no log line holds the path")
    return launch.reproduces("other", f"{status}; log lines: {len(lines)}", shown or None)
