"""bind-cannot-assign-address: the host names an address this machine does not have.

A condition of the machine (or container), not a server bug: no server can bind
an address that no interface holds. The repro asks for ``192.0.2.1``
(TEST-NET-1, RFC 5737: reserved for documentation, never configured on a real
interface), which stands for a host IP written into a container's config or
``::1`` on a machine without IPv6.

- ``single`` / ``reload``: ``uvicorn app:app --host 192.0.2.1 --port P`` (and
  with ``--reload``, where the parent binds before spawning). ``reproduces``
  means the server printed this entry's message (``[Errno 99] ... cannot assign
  requested address``; the kind says which form, whether it ended in a
  traceback or a log line, and the exit status). A server
  that refuses in its own words, promptly and non-zero, naming the address (the
  reference server's ``bind_failed``) is ``fixed`` (``clean-error``). A hang,
  exit 0 or serving is ``reproduces`` (``other-failure``).
- ``fix-existing-address``: the same server started on an address the machine
  has (``127.0.0.1`` here; ``0.0.0.0`` in a container); ``fixed`` when it serves.
"""

from __future__ import annotations

import re

from troubleshoot.harness.api import Run, Verdict, scenario

# 0.5.x call the app ASGI 2 style (app(scope)), so the fix scenario's ASGI 3 app
# cannot serve there; the bind error itself is the same from 0.5.0 (observed).
RELEASES = ">=0.6.0"
PLATFORMS = ("linux",)

ABSENT = "192.0.2.1"
CANNOT_ASSIGN = r"[^\n]*\[Errno 99\][^\n]*[Cc]annot assign requested address[^\n]*"


@scenario("single")
@scenario("reload", "--reload")
def _absent(run: Run, *args: str) -> Verdict:
    where = ("--host", ABSENT, "--port", str(run.port()))
    launch = run.launch_cli("app:app", *args, *where, bind=False)
    if launch.state == "exited" and (found := launch.find(CANNOT_ASSIGN)):
        form = "while-attempting-to-bind" if "attempting to bind" in found else "bare-errno"
        shape = "traceback" if "Traceback (most recent call last)" in launch.text else "log"
        return launch.reproduces(f"{form}-{shape}-exit-{launch.code}", excerpt=found)
    named = rf"[^\n]*(?:bind|assign)[^\n]*{re.escape(ABSENT)}[^\n]*"
    return launch.verdict(refuses=named, options=False)


@scenario("fix-existing-address")
def fix_existing_address(run: Run) -> Verdict:
    run.step(f"starting the server on 127.0.0.1 (an address this machine has), not {ABSENT}")
    launch = run.launch_cli("app:app")
    return launch.verdict(serves="serves", body="new server", otherwise="no-serve")
