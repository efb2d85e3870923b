"""Misuse is refused clearly, before any child process exists."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import Launcher


def write_script(folder: Path, name: str, body: str) -> Path:
    script = folder / name
    script.write_text(textwrap.dedent(body))
    return script


APP = """
    import reference_server

    async def app(scope, receive, send):
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
"""


@pytest.mark.parametrize("options", ["reload=True", "workers=2"])
def test_app_object_with_reload_or_workers_is_a_clear_error(
    launch: Launcher, tmp_path: Path, options: str
) -> None:
    """uvicorn #478 family: an app object cannot reach a spawned child; say so, no pickling."""
    script = write_script(
        tmp_path, "objapp.py", APP + f"\n    reference_server.run(app, port=0, {options})\n"
    )
    server = launch(script=script, wait_ready=False)
    assert server.wait_exit() == 2
    event = server.wait_event("app_object_not_importable")
    assert "import string" in event.fields["error"]
    assert 'reference_server.run("objapp:app"' in server.output  # the fix, with the real name
    assert "pickl" not in server.output.lower()
    assert "Traceback" not in server.output
    assert not server.find("worker_start")
    assert not server.find("listening")


@pytest.mark.parametrize("options", ["reload=True", "workers=2"])
def test_run_at_import_time_without_main_guard_is_detected(
    launch: Launcher, tmp_path: Path, options: str
) -> None:
    """uvicorn #1045 / #949 family: no bootstrapping RuntimeError, no fork bomb, the fix shown."""
    script = write_script(
        tmp_path,
        "unguarded.py",
        APP + f'\n    reference_server.run("unguarded:app", port=0, {options})\n',
    )
    server = launch(script=script, wait_ready=False)
    assert server.wait_exit() == 2
    assert server.wait_event("main_guard_missing")
    assert 'if __name__ == "__main__":' in server.output
    assert "bootstrapping phase" not in server.output
    assert not server.find("worker_start")


def test_guarded_script_with_workers_serves(launch: Launcher, tmp_path: Path) -> None:
    """The fixed form of #1045: the same script with the guard serves over two workers."""
    import httpx

    script = write_script(
        tmp_path,
        "guarded.py",
        APP
        + """
    if __name__ == "__main__":
        reference_server.run("guarded:app", port=0, workers=2, app_dir=".")
    """,
    )
    server = launch(script=script, cwd=tmp_path)
    server.wait_event("startup_done")
    assert httpx.get(server.url(), timeout=10).text == "ok"
    assert server.stop() == 0


def test_unknown_run_option_is_a_config_error(launch: Launcher, tmp_path: Path) -> None:
    script = write_script(
        tmp_path, "typo.py", APP + '\n    reference_server.run("typo:app", relaod=True)\n'
    )
    server = launch(script=script, wait_ready=False)
    assert server.wait_exit() == 2
    assert "relaod" in server.wait_event("config_error").fields["error"]


def test_bad_import_string_fails_with_exit_code_3(launch: Launcher, tmp_path: Path) -> None:
    server = launch("no_such_module:app", "--port", "0", wait_ready=False)
    assert server.wait_exit() == 3
    assert "no_such_module" in server.wait_event("app_load_failed").fields["error"]


def test_failing_lifespan_startup_exits_non_zero_with_the_apps_error(
    launch: Launcher, tmp_path: Path
) -> None:
    write_script(
        tmp_path,
        "badstart.py",
        """
        async def app(scope, receive, send):
            assert scope["type"] == "lifespan"
            await receive()
            await send({"type": "lifespan.startup.failed", "message": "database unreachable"})
        """,
    )
    server = launch("badstart:app", "--port", "0", "--app-dir", str(tmp_path), wait_ready=False)
    assert server.wait_exit() == 3
    event = server.wait_event("lifespan_startup_failed")
    assert "database unreachable" in event.fields["error"]


def test_supervisor_from_a_thread_is_refused_and_one_process_serves(tmp_path: Path) -> None:
    """fastapi#650 / uvicorn #871 family: servers started from a thread."""
    script = tmp_path / "threaded.py"
    script.write_text(
        textwrap.dedent(
            """
            import sys, threading
            import reference_server

            async def app(scope, receive, send):
                if scope["type"] != "http":
                    return
                await send({"type": "http.response.start", "status": 200, "headers": []})
                await send({"type": "http.response.body", "body": b"ok"})

            def serve():
                reference_server.run("threaded:app", port=0, reload=True, app_dir=sys.argv[1])

            if __name__ == "__main__":
                t = threading.Thread(target=serve, name="web")
                t.start()
                t.join(20)
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert "not_main_thread" in done.stderr + done.stdout
    assert "only the main thread" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
