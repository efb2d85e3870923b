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
``--reload-dir src`` (the app lives in ``src/api.py``), which watches only readable
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
import time

from troubleshoot.harness.api import Launch, Run, Verdict, harness_error, not_applicable, scenario

RELEASES = ">=0.18.0"
PLATFORMS = ("linux",)
EXTRAS = {">=0.18.0": ["watchfiles"]}

CRASH = r"Permission denied|os error 13|PermissionError"


@scenario("default-watch", "main.py", "main:app")
@scenario("fix-reload-dir", "src/api.py", "api:app", "--app-dir", "src", "--reload-dir", "src")
def _watch(run: Run, module: str, target: str, *flags: str) -> Verdict:
    pgdata = run.path("pgdata")
    pgdata.mkdir()
    if os.geteuid() == 0:
        os.chown(pgdata, 999, 999)
    pgdata.chmod(0o700)
    server = "reference" if run.is_reference else "uvicorn"
    launch = run.launch_script(
        "as_other_user.py", server, target, "--reload", *flags, timeout=30, watch=CRASH
    )
    if (why := launch.find(r"(?<=DOCTOR-NA:).*")) is not None:
        return not_applicable(why)
    if (na := launch.unsupported()) is not None:
        return na
    if launch.state == "serving":
        launch.wait_for(CRASH, 3.0)  # the reloader's first scan runs after the child serves
    traceback = "Traceback" in launch.text and launch.find(CRASH) is not None
    if launch.state in ("matched", "exited") or traceback:
        code = launch.proc.wait(5.0)
        still = "the server keeps running without a reloader" if code is None else f"exit {code}"
        return launch.reproduces(
            "watcher-crash",
            f"the reloader failed on the unreadable pgdata/ ({still})",
            "\n".join([*launch.lines("Will watch")[:1], *launch.lines(CRASH)[-2:]]),
        )
    if launch.state != "serving":
        return harness_error(f"the server did not serve: {launch.tail(3)}")
    if launch.edit_until_served(module, 'b"ok"', 'b"v2"', "v2"):
        return launch.fixed("reloads", "the unreadable directory was skipped and the edit served")
    return launch.reproduces("no-reload", "the server kept serving but never reloaded the edit")


def _mapped_edit(mapping: mmap.mmap, launch: Launch, body: str, timeout: float) -> bool:
    """Write ``body`` over ``BODY`` through the mapping until it is served.

    Each write after an msync faults the page in again and moves the mtime
    forward, with no inotify event; repeating it removes the race with a
    poller's first snapshot (as edit_until_served does for ordinary writes).
    """
    marker = b'BODY = b"'
    at = mapping[:].index(marker) + len(marker)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mapping[at : at + 2] = body.encode()
        mapping.flush()
        if launch.wait_for_body(body, timeout=min(1.5, max(0.0, deadline - time.monotonic()))):
            return True
    return False


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
            inotify = run.launch_cli("main:app", "--reload", name="inotify", timeout=30)
            if not inotify.serves():
                return harness_error("the server did not serve with the default watcher")
            run.step("editing main.py through a memory mapping (no inotify event)")
            if _mapped_edit(mapping, inotify, "v2", timeout=8):
                return harness_error(
                    "the default watcher saw an edit made through a memory mapping: "
                    "the missing-events case could not be set up"
                )
            inotify.stop()
        env = {"WATCHFILES_FORCE_POLLING": "true"}
        polling = run.launch_cli("main:app", "--reload", env=env, name="polling", timeout=30)
        if not polling.serves():
            return harness_error("the server did not serve with WATCHFILES_FORCE_POLLING=true")
        run.step("editing main.py through the mapping again, now with polling")
        if not _mapped_edit(mapping, polling, "v3", timeout=20):
            return polling.reproduces("no-reload", "the edit was never served, even with polling")
        before = "" if run.is_reference else "the default watcher missed the mapped edit; "
        return polling.fixed(
            "polling-reloads",
            f"{before}with WATCHFILES_FORCE_POLLING=true the edit was served",
            "\n".join(polling.lines(r"[Rr]eload|change")[-3:]),
        )
