"""address-already-in-use: the port is held by another process when the server starts.

A condition of the machine, not a server bug: no server can bind a port
another socket listens on. ``blocker.py`` holds the port (a stale server).

- ``single`` / ``reload``: ``uvicorn app:app --port P`` (and with
  ``--reload``, where the parent binds before spawning). ``reproduces`` means
  the server printed this entry's message (``[Errno 98] ... address already in
  use``; the kind says which form and the exit status). A server that refuses
  in its own words, promptly and non-zero, naming the address or port (the
  reference server's ``bind_failed``) is ``fixed`` (``clean-error``). A hang,
  exit 0 or serving is ``reproduces`` (``other-failure``).
- ``fix-free-port``: the stale process is stopped first (what ``lsof -i`` /
  ``ss -ltnp`` and ``kill`` do by hand); ``fixed`` when the server then serves.
- ``fix-other-port``: the stale process keeps its port and the server is
  started on a different free port (``--port 8001`` instead of 8000);
  ``fixed`` when it serves there.
"""

from __future__ import annotations

from troubleshoot.errors import HarnessError
from troubleshoot.harness.api import Launch, Run, Verdict, scenario

RELEASES = ">=0.5.0"

IN_USE = r"[^\n]*\[Errno 98\][^\n]*[Aa]ddress already in use[^\n]*"


def _blocker(run: Run) -> Launch:
    blocker = run.launch_script("blocker.py", watch="blocker listening", timeout=10, name="blocker")
    if blocker.state != "matched":
        raise HarnessError("the blocking listener did not start")
    return blocker


@scenario("single")
@scenario("reload", "--reload")
def _taken(run: Run, *args: str) -> Verdict:
    port = _blocker(run).port
    launch = run.launch_cli("app:app", *args, port=port)
    if launch.state == "exited" and (found := launch.find(IN_USE)):
        form = "while-attempting-to-bind" if "attempting to bind" in found else "bare-errno"
        return launch.reproduces(f"{form}-exit-{launch.code}", excerpt=found)
    named = rf"[^\n]*(?:bind|in use)[^\n]*{port}[^\n]*|[^\n]*{port}[^\n]*(?:bind|in use)[^\n]*"
    return launch.verdict(refuses=named, options=False)


@scenario("fix-free-port", free=True)
@scenario("fix-other-port", free=False)
def _fix(run: Run, free: bool) -> Verdict:
    blocker = _blocker(run)
    if free:
        blocker.stop()
    run.step(f"starting the server on port {blocker.port if free else 'another'}")
    launch = run.launch_cli("app:app", port=blocker.port if free else None)
    return launch.verdict(serves="serves", body="new server", otherwise="no-serve")
