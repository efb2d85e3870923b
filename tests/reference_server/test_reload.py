"""Reload: survives broken code, never orphans or multiplies children, no downtime."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import httpx
from conftest import Launcher, ServerProcess, children_of, is_resource_tracker, wait_until

from reference_server.reload import StatWatcher
from reference_server.settings import Settings

APP = """
import os
{extra}
async def app(scope, receive, send):
    if scope["type"] == "http":
        body = "{version} %d" % os.getpid()
        await send({{"type": "http.response.start", "status": 200, "headers": []}})
        await send({{"type": "http.response.body", "body": body.encode()}})
"""


def write_app(folder: Path, version: str, extra: str = "") -> None:
    (folder / "reloadapp.py").write_text(APP.format(version=version, extra=extra))


def start(launch: Launcher, folder: Path, *extra: str) -> ServerProcess:
    return launch(
        "reloadapp:app", "--port", "0", "--reload", "--reload-delay", "0.1", *extra, cwd=folder
    )


def body(server: ServerProcess) -> list[str]:
    with httpx.Client(timeout=10) as client:
        return client.get(server.url()).text.split()


def workers_of(server: ServerProcess) -> list[int]:
    return [pid for pid in children_of(server.pid) if not is_resource_tracker(pid)]


def test_reload_survives_import_errors_and_serves_the_next_good_change(
    launch: Launcher, tmp_path: Path
) -> None:
    """uvicorn #684: an app that fails to import is reported; the reloader keeps watching."""
    write_app(tmp_path, "v1")
    server = start(launch, tmp_path)
    assert body(server)[0] == "v1"

    write_app(tmp_path, "v2", extra="undefined_name + 1")
    failed = server.wait_event("reload_failed")
    assert "NameError" in failed.fields["error"]
    assert body(server)[0] == "v1"  # the previous code keeps serving meanwhile

    (tmp_path / "reloadapp.py").write_text("def broken(:\n")
    failed = server.wait_event("reload_failed", count=2)
    assert "SyntaxError" in failed.fields["error"]
    assert server.proc.poll() is None

    write_app(tmp_path, "v3")
    server.wait_event("reload_done")
    wait_until(lambda: body(server)[0] == "v3", 10, "v3 to be served")
    assert server.stop() == 0
    assert "Traceback" in server.output  # the app's own error is shown to the user...
    assert "reference_server/supervisor.py" not in server.output  # ...never ours


def test_reload_starts_with_a_broken_app_and_recovers(launch: Launcher, tmp_path: Path) -> None:
    """uvicorn #684: broken at startup is not fatal with --reload; the fix is picked up."""
    write_app(tmp_path, "v1", extra="raise RuntimeError('not yet')")
    server = launch(
        "reloadapp:app",
        "--port",
        "0",
        "--reload",
        "--reload-delay",
        "0.1",
        cwd=tmp_path,
        wait_ready=False,
    )
    server.wait_event("reload_waiting")
    write_app(tmp_path, "v2")
    server.wait_event("worker_ready")
    assert body(server)[0] == "v2"


def test_terminating_an_already_dead_child_is_not_an_error(
    launch: Launcher, tmp_path: Path
) -> None:
    """uvicorn #684: the child died on its own; reload and shutdown still work, no traceback."""
    write_app(tmp_path, "v1")
    server = start(launch, tmp_path)
    pid = int(body(server)[1])
    os.kill(pid, signal.SIGKILL)
    write_app(tmp_path, "v2")
    server.wait_event("worker_exit", worker_pid=str(pid))
    wait_until(lambda: body(server)[0] == "v2", 15, "v2 to be served")
    assert server.stop() == 0
    assert "Traceback" not in server.output


def test_many_reloads_leave_exactly_one_child_and_the_parent_alive(
    launch: Launcher, tmp_path: Path
) -> None:
    """uvicorn #239: the reloader is never hit by its own signal; one child, no orphans."""
    write_app(tmp_path, "v0")
    server = start(launch, tmp_path)
    for n in range(1, 9):
        write_app(tmp_path, f"v{n}")
        wait_until(lambda n=n: body(server)[0] == f"v{n}", 15, f"v{n} to be served")
    assert server.proc.poll() is None
    wait_until(lambda: len(workers_of(server)) == 1, 15, "exactly one worker child")
    assert body(server) == ["v8", str(workers_of(server)[0])]
    assert len(server.find("reload_done")) >= 8


def test_ctrl_c_on_the_process_group_leaves_nothing_behind(
    launch: Launcher, tmp_path: Path
) -> None:
    """uvicorn #239: Ctrl-C reaches parent and child; the parent reaps, exit code 0."""
    write_app(tmp_path, "v1")
    server = start(launch, tmp_path)
    os.killpg(server.pgid, signal.SIGINT)
    assert server.wait_exit() == 0
    assert server.leftovers() == []
    assert "KeyboardInterrupt" not in server.output


def test_children_exit_by_themselves_when_the_parent_is_sigkilled(
    launch: Launcher, tmp_path: Path
) -> None:
    """uvicorn #239: a SIGKILLed supervisor cannot clean up; its workers notice and exit."""
    write_app(tmp_path, "v1")
    server = start(launch, tmp_path, "--workers", "2")
    server.wait_event("startup_done")
    server.proc.kill()
    server.wait_exit()
    assert server.leftovers(timeout=15) == []
    assert len(server.find("parent_died")) == 2


def test_no_refused_or_failed_requests_during_reloads(launch: Launcher, tmp_path: Path) -> None:
    """Reload without downtime: requests during the swap are served (old or new code)."""
    write_app(tmp_path, "v0")
    server = start(launch, tmp_path)
    url = server.url()
    failures: list[str] = []
    served = [0]
    stop = threading.Event()

    def hammer(keep_alive: bool) -> None:
        client = httpx.Client(timeout=10)
        try:
            while not stop.is_set():
                try:
                    response = client.get(url) if keep_alive else httpx.get(url, timeout=10)
                    if response.status_code != 200:
                        failures.append(f"status {response.status_code}")
                    served[0] += 1
                except httpx.HTTPError as exc:
                    failures.append(repr(exc))
        finally:
            client.close()

    threads = [threading.Thread(target=hammer, args=(k,)) for k in (True, False)]
    for thread in threads:
        thread.start()
    try:
        for n in range(1, 4):
            write_app(tmp_path, f"v{n}")
            wait_until(lambda n=n: body(server)[0] == f"v{n}", 15, f"v{n} to be served")
            replaced = server.find("worker_replace")
            wait_until(
                lambda replaced=replaced: len(server.find("worker_exit")) >= len(replaced),
                15,
                "the old workers to finish and exit",
            )
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert failures == []
    assert served[0] > 20
    assert body(server)[0] == "v3"


def test_watcher_includes_excludes_and_dirs(tmp_path: Path) -> None:
    """--reload-dir / --reload-include / --reload-exclude, checked on the watcher itself."""
    watched = tmp_path / "src"
    (watched / "pkg").mkdir(parents=True)
    (watched / "__pycache__").mkdir()
    (tmp_path / "outside.py").write_text("x = 1")
    (watched / "pkg" / "mod.py").write_text("x = 1")
    (watched / "data.txt").write_text("a")
    (watched / "skip_me.py").write_text("x = 1")
    (watched / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"x")
    settings = Settings(
        reload_dirs=(str(watched),), reload_includes=("*.txt",), reload_excludes=("skip_*",)
    )
    watcher = StatWatcher(settings)
    assert sorted(Path(p).name for p in watcher.snapshot) == ["data.txt", "mod.py"]
    assert watcher.changes() == []
    (tmp_path / "outside.py").write_text("x = 2")
    (watched / "skip_me.py").write_text("x = 22")
    (watched / "data.txt").write_text("bb")
    (watched / "pkg" / "new.py").write_text("y = 1")
    assert [Path(p).name for p in watcher.changes()] == ["data.txt", "new.py"]
    (watched / "pkg" / "new.py").unlink()
    assert [Path(p).name for p in watcher.changes()] == ["new.py"]
