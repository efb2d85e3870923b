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
the release exited printing ``10013`` (kind ``winerror-10013-exit-N``), ``fixed``
(kind ``clean-error``) a prompt non-zero exit naming the port in the server's own
words; anything else is kind ``other-failure``. ``fix-port-outside-ranges`` starts it on a free port
outside every range; ``fixed`` (kind ``serves``) when it serves, else ``no-serve``.
"""

from __future__ import annotations

import re
import subprocess
import sys

from troubleshoot.harness.api import Run, ServerSpec, Verdict, not_applicable, scenario

RELEASES = ">=0.6.0"


WINDOWS_ONLY = (
    "Windows-only: WinError 10013 on bind comes from the TCP port ranges Windows "
    "excludes for Hyper-V, WSL 2 and Docker Desktop (or a port held with "
    f"SO_EXCLUSIVEADDRUSE); {sys.platform} has no such ranges, so it cannot be observed here"
)


def _windows_only(server: ServerSpec) -> str | None:  # the reference server too
    return None if sys.platform == "win32" else WINDOWS_ONLY


def _excluded_ranges() -> list[tuple[int, int]]:
    command = ["netsh", "interface", "ipv4", "show", "excludedportrange", "protocol=tcp"]
    out = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    return [(int(a), int(b)) for a, b in re.findall(r"^\s*(\d+)\s+(\d+)\b", out.stdout, re.M)]


@scenario("excluded-port", requires=_windows_only)
def excluded_port(run: Run) -> Verdict:
    if not (ranges := _excluded_ranges()):
        return not_applicable("this Windows machine excludes no TCP port range (no Hyper-V/WSL 2)")
    launch = run.launch_cli("app:app", port=ranges[0][0])
    if launch.code is None:  # it must exit, one way or the other
        return launch.reproduces("other-failure")
    signs = {"winerror-10013-exit-{code}": r"[^\n]*10013[^\n]*"}
    return launch.verdict(signs, refuses=rf"[^\n]*{launch.port}[^\n]*", options=False)


@scenario("fix-port-outside-ranges", requires=_windows_only)
def fix_port_outside_ranges(run: Run) -> Verdict:
    ranges = _excluded_ranges()
    port = run.port()
    while any(start <= port <= end for start, end in ranges):
        port = run.port()
    return run.launch_cli("app:app", port=port).verdict(serves="serves", otherwise="no-serve")
