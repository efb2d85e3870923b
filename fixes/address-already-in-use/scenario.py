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

import re
import signal

from troubleshoot.harness.api import (
    Proc,
    Run,
    Verdict,
    fixed,
    harness_error,
    reproduces,
    scenario,
    tail,
)

RELEASES = ">=0.5.0"

IN_USE = r"[^\n]*\[Errno 98\][^\n]*[Aa]ddress already in use[^\n]*"


def _block(run: Run, port: int) -> Proc | None:
    blocker = run.start_script_env("blocker.py", PORT=str(port), name="blocker")
    return blocker if blocker.wait_for(r"blocker listening", 10) else None


def _decide(run: Run, *args: str) -> Verdict:
    port = run.port()
    if _block(run, port) is None:
        return harness_error("the blocking listener did not start")
    proc = run.start_cli("app:app", *args, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for `app:app {' '.join(args)}` on a taken port to exit")
    state = proc.wait(15)
    text = proc.output()
    code = proc.returncode
    if state is not None and (found := re.search(IN_USE, text)):
        form = "while-attempting-to-bind" if "attempting to bind" in found[0] else "bare-errno"
        return reproduces(f"{form}-exit-{code}", f"exit {code} with the message", found[0].strip())
    named = re.search(
        rf"[^\n]*(?:bind|in use)[^\n]*{port}[^\n]*|[^\n]*{port}[^\n]*(?:bind|in use)[^\n]*", text
    )
    if state is not None and code != 0 and named:
        return fixed("clean-error", f"exit {code}: refuses, naming the port", named[0].strip())
    return reproduces(
        "other-failure", f"exit {code}" if state is not None else "still running", tail(text)
    )


@scenario("single")
def single(run: Run) -> Verdict:
    return _decide(run)


@scenario("reload")
def reload(run: Run) -> Verdict:
    return _decide(run, "--reload")


@scenario("fix-free-port")
def fix_free_port(run: Run) -> Verdict:
    port = run.port()
    blocker = _block(run, port)
    if blocker is None:
        return harness_error("the blocking listener did not start")
    run.step("stopping the process that holds the port")
    blocker.signal(signal.SIGTERM)
    blocker.wait(10)
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    if run.wait_serving(proc, port, timeout=15) and run.get(port).text == "new server":
        return fixed("serves", "serves once the stale process is gone", tail(proc.output(), 2))
    return reproduces("no-serve", f"exit {proc.returncode}", tail(proc.output()))


@scenario("fix-other-port")
def fix_other_port(run: Run) -> Verdict:
    taken = run.port()
    if _block(run, taken) is None:
        return harness_error("the blocking listener did not start")
    port = run.port()
    while port == taken:
        port = run.port()
    run.step(f"port {taken} stays taken; starting the server on port {port} instead")
    proc = run.start_cli("app:app", "--host", "127.0.0.1", "--port", str(port))
    if run.wait_serving(proc, port, timeout=15) and run.get(port).text == "new server":
        return fixed(
            "serves", f"serves on {port} while {taken} stays taken", tail(proc.output(), 2)
        )
    return reproduces("no-serve", f"exit {proc.returncode}", tail(proc.output()))
