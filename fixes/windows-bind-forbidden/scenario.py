"""windows-bind-forbidden: a port Windows reserves, refused with WinError 10013.

Windows-only. With Hyper-V, WSL 2 or Docker Desktop, Windows excludes ranges of
TCP ports from use (``netsh interface ipv4 show excludedportrange
protocol=tcp``); binding one of them, or a port another process holds with
``SO_EXCLUSIVEADDRUSE``, fails with ``[WinError 10013] An attempt was made to
access a socket in a way forbidden by its access permissions`` even though
``netstat`` shows nothing on it. Linux and macOS have no excluded ranges, so
off Windows every server is ``not-applicable``.

On Windows: ``excluded-port`` starts the server on the first port of the first
excluded range (not-applicable when the machine has none); ``reproduces`` means
the release printed ``10013``, ``fixed`` a prompt non-zero exit naming the port
in the server's own words. ``fix-port-outside-ranges`` starts it on a free port
outside every range; ``fixed`` when it serves.
"""

from __future__ import annotations

import re
import subprocess
import sys

from troubleshoot.harness.api import (
    Run,
    ServerSpec,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

RELEASES = ">=0.6.0"

FORBIDDEN = r"[^\n]*10013[^\n]*"


def _windows_only(server: ServerSpec) -> str | None:
    if sys.platform == "win32":
        return None
    return (
        "Windows-only: WinError 10013 on bind comes from the TCP port ranges Windows "
        "excludes for Hyper-V, WSL 2 and Docker Desktop (or a port held with "
        f"SO_EXCLUSIVEADDRUSE); {sys.platform} has no such ranges, so it cannot be observed here"
    )


def _excluded_ranges() -> list[tuple[int, int]]:
    out = subprocess.run(
        ["netsh", "interface", "ipv4", "show", "excludedportrange", "protocol=tcp"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    ).stdout
    return [(int(a), int(b)) for a, b in re.findall(r"^\s*(\d+)\s+(\d+)\b", out, re.MULTILINE)]


@scenario("excluded-port", requires=_windows_only)
def excluded_port(run: Run) -> Verdict:
    ranges = _excluded_ranges()
    if not ranges:
        return not_applicable("this Windows machine excludes no TCP port range (no Hyper-V/WSL 2)")
    port = ranges[0][0]
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for the server on excluded port {port} to exit")
    state = proc.wait(15)
    text, code = proc.output(), proc.returncode
    if state is not None and (found := re.search(FORBIDDEN, text)):
        return reproduces(f"winerror-10013-exit-{code}", f"exit {code}", found[0].strip())
    named = re.search(rf"[^\n]*{port}[^\n]*", text)
    if state is not None and code != 0 and named:
        return fixed("clean-error", f"exit {code}: refuses, naming the port", named[0].strip())
    return reproduces("other-failure", f"exit {code}", tail(text))


@scenario("fix-port-outside-ranges", requires=_windows_only)
def fix_port_outside_ranges(run: Run) -> Verdict:
    ranges = _excluded_ranges()
    port = run.port()
    while any(start <= port <= end for start, end in ranges):
        port = run.port()
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    if run.wait_serving(proc, port, timeout=15):
        return fixed(
            "serves", f"serves on {port}, outside every excluded range", tail(proc.output(), 2)
        )
    return reproduces("no-serve", f"exit {proc.returncode}", tail(proc.output()))
