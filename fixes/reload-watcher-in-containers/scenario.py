"""reload-watcher-in-containers: ``--reload`` in a tree with an unreadable directory.

The working directory (what ``--reload`` watches by default) holds ``pgdata/``,
owned by uid 999 with mode 0700, as a database volume mounted next to the code
in a container. The server runs through ``as_other_user.py``, which, when the
harness is root, moves into a user namespace where root no longer reads other
users' directories (a plain non-root user needs nothing). Then ``main.py`` is
edited.

- ``fixed`` (kind ``reloads``): the server keeps serving and the edit is served;
- ``reproduces`` (kind ``watcher-crash``): the reloader dies on the unreadable
  directory (``Permission denied (os error 13)``, as watchfiles reports it);
  kind ``no-reload`` when it survives but never serves the edit.

``default-watch`` watches the working directory; ``fix-reload-dir`` is the fix:
``--reload-dir src`` (the app lives in ``src/``), which watches only readable
source code. watchfiles is installed next to each release (uvicorn prefers it
from 0.18.0); the reference server has its own reloader and runs both.

``fix-force-polling`` is the other failure of the entry: edits that deliver no
inotify event, as on sources mounted from a Windows or macOS host. Linux sends
no inotify event for writes made through a shared memory mapping (inotify(7)),
while the file's mtime still moves, so ``main.py`` is edited that way (same
length, ``ok`` -> ``v2``). There is no ``pgdata/`` here. First the default
watcher runs and must not reload (the failure, shown); then the server is
started again with ``WATCHFILES_FORCE_POLLING=true`` and the next mapped edit
must be served (``fixed``, kind ``polling-reloads``); ``reproduces`` (kind
``no-reload``) otherwise. The reference server's reloader polls file times
anyway: there only the second half runs.
"""

from __future__ import annotations

import mmap
import os
import re
import signal
import time
from pathlib import Path

from troubleshoot.harness.api import (
    Proc,
    Run,
    Verdict,
    fixed,
    harness_error,
    not_applicable,
    reproduces,
    scenario,
)

RELEASES = ">=0.18.0"
PLATFORMS = ("linux",)
EXTRAS = {">=0.18.0": ["watchfiles"]}

CRASH = r"Permission denied|os error 13|PermissionError"
V2 = (
    "async def app(scope, receive, send):\n"
    "    if scope['type'] != 'http':\n"
    "        return\n"
    "    await send({'type': 'http.response.start', 'status': 200, 'headers': []})\n"
    "    await send({'type': 'http.response.body', 'body': b'v2'})\n"
)


def _lock(path: Path) -> None:
    path.mkdir()
    if os.geteuid() == 0:
        os.chown(path, 999, 999)
    path.chmod(0o700)


def _watch(run: Run, module: str, *flags: str) -> Verdict:
    _lock(run.path("pgdata"))
    port = run.port()
    server = "reference" if run.is_reference else "uvicorn"
    args = ["main:app", "--reload", *flags, "--host", "127.0.0.1", "--port", str(port)]
    proc = run.start_script("as_other_user.py", server, *args)
    run.step(f"waiting for HTTP on port {port}")
    state = run.exit_or_serve(proc, port, timeout=30, watch=CRASH)
    text = proc.output()
    if "DOCTOR-NA:" in text:
        return not_applicable(text.split("DOCTOR-NA:", 1)[1].strip().splitlines()[0])
    if (reason := run.unsupported(text)) is not None:
        return not_applicable(reason)
    if state == "serving":
        # the reloader's first scan runs shortly after the child serves
        proc.wait_for(CRASH, 3.0)
        text = proc.output()
    if state in ("matched", "exited") or _crashed(text):
        code = proc.wait(5.0)
        still = (
            "the server process keeps running without a reloader"
            if code is None
            else f"exit {code}"
        )
        lines = [ln for ln in proc.output().splitlines() if ln.strip()]
        error = [ln for ln in lines if re.search(CRASH, ln)]
        return reproduces(
            "watcher-crash",
            f"the reloader failed on the unreadable pgdata/ ({still})",
            "\n".join([*[ln for ln in lines if "Will watch" in ln][:1], *error[-2:]]),
        )
    if state != "serving":
        return harness_error(f"the server did not serve: {_tail(text)}")
    run.step(f"editing {module}")
    if run.edit_until_served(module, V2, port, "v2", timeout=20):
        return fixed(
            "reloads",
            "the unreadable directory was skipped and the edit served",
            _tail(proc.output()),
        )
    return reproduces(
        "no-reload", "the server kept serving but never reloaded the edit", _tail(proc.output())
    )


def _crashed(text: str) -> bool:
    return "Traceback" in text and re.search(CRASH, text) is not None


def _tail(text: str) -> str:
    return "\n".join(text.strip().splitlines()[-3:])


@scenario("default-watch")
def default_watch(run: Run) -> Verdict:
    return _watch(run, "main.py")


@scenario("fix-reload-dir")
def fix_reload_dir(run: Run) -> Verdict:
    return _watch(run, "src/main.py", "--app-dir", "src", "--reload-dir", "src")


def _mapped_edit(run: Run, mapping: mmap.mmap, port: int, body: str, timeout: float) -> bool:
    """Write ``body`` over the response body through the mapping until it is served.

    Each write after an msync faults the page in again and moves the mtime
    forward, with no inotify event; repeating it removes the race with a
    poller's first snapshot (as edit_until_served does for ordinary writes).
    """
    marker = b'"body": b"'
    at = mapping[:].rindex(marker) + len(marker)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mapping[at : at + 2] = body.encode()
        mapping.flush()
        if run.wait_for_body(port, body, timeout=min(1.5, max(0.0, deadline - time.monotonic()))):
            return True
    return False


def _serve(run: Run, name: str, **env: str) -> tuple[Proc, int] | None:
    port = run.port()
    proc = run.start_cli_env(
        "main:app", "--reload", "--host", "127.0.0.1", "--port", str(port), name=name, **env
    )
    run.step(f"waiting for HTTP on port {port} ({name})")
    return (proc, port) if run.wait_serving(proc, port, timeout=30) else None


@scenario("fix-force-polling")
def fix_force_polling(run: Run) -> Verdict:
    fd = os.open(run.path("main.py"), os.O_RDWR)
    try:
        # opened (and closed) before any watcher runs: its close event is not seen
        mapping = mmap.mmap(fd, 0)
    finally:
        os.close(fd)
    with mapping:
        if not run.is_reference:
            started = _serve(run, "inotify")
            if started is None:
                return harness_error("the server did not serve with the default watcher")
            proc, port = started
            run.step("editing main.py through a memory mapping (no inotify event)")
            if _mapped_edit(run, mapping, port, "v2", timeout=8):
                return harness_error(
                    "the default watcher saw an edit made through a memory mapping: "
                    "the missing-events case could not be set up"
                )
            proc.signal(signal.SIGTERM)
            proc.wait(10)
        started = _serve(run, "polling", WATCHFILES_FORCE_POLLING="true")
        if started is None:
            return harness_error("the server did not serve with WATCHFILES_FORCE_POLLING=true")
        proc, port = started
        run.step("editing main.py through the mapping again, now with polling")
        if _mapped_edit(run, mapping, port, "v3", timeout=20):
            before = "" if run.is_reference else "the default watcher missed the mapped edit; "
            return fixed(
                "polling-reloads",
                f"{before}with WATCHFILES_FORCE_POLLING=true the edit was served",
                "\n".join(
                    re.findall(r"^.*(?:[Rr]eload|change).*$", proc.output(), re.MULTILINE)[-3:]
                ),
            )
        return reproduces(
            "no-reload", "the edit was never served, even with polling", _tail(proc.output())
        )
