"""check-env over real project layouts and the real KB: findings are the reached ones.

Each layout is a small project folder as people write them (a FastAPI app started
by a Dockerfile with --reload, gunicorn with the uvicorn worker, uvicorn.run()
with workers); check-env reads its launch commands (--project, default .) and
reports an affected version only where the project runs uvicorn the way the
entry needs, saying where.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.checkenv.conftest import REPO, cli

APP = "from fastapi import FastAPI\n\napp = FastAPI()\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DOCTOR_KB_DIR", str(REPO / "kb"))
    monkeypatch.setenv("DOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")


def _check(*args: str) -> tuple[int, dict[str, Any]]:
    result = cli("check-env", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


def _reach(report: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """entry id -> (reach status, evidence) over findings and unreached."""
    return {
        f["id"]: (f["reach"]["status"], f["reach"]["evidence"])
        for f in (*report["findings"], *report["unreached"])
    }


def _only_reached_fail(report: dict[str, Any]) -> None:
    assert all(f["reach"]["status"] != "not-reached" for f in report["findings"])
    assert all(not f["failing"] for f in report["unreached"])


def test_dockerfile_with_reload_reaches_the_container_watcher_bug(project: Path) -> None:
    _write(
        project,
        {
            "main.py": APP,
            "requirements.txt": "fastapi==0.110.0\nuvicorn==0.29.0\n",
            "Dockerfile": """\
                FROM python:3.12-slim
                COPY . /app
                WORKDIR /app
                RUN pip install -r requirements.txt
                CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--reload"]
            """,
        },
    )
    status, report = _check()  # no source given: the project's requirements.txt
    assert report["sources"] == ["requirements.txt"]
    reach = _reach(report)
    assert reach["reload-watcher-in-containers"][0] == "reached"
    assert reach["reload-watcher-in-containers"][1].startswith("Dockerfile:5 runs `uvicorn")
    # only uvicorn.run() from Python hits this one: the Dockerfile starts the CLI
    assert reach["keyboardinterrupt-traceback-on-exit"][0] == "not-reached"
    assert "keyboardinterrupt-traceback-on-exit" in {f["id"] for f in report["unreached"]}
    _only_reached_fail(report)
    assert status == 1
    # the same pins without --reload in the Dockerfile: the watcher bug is not reached
    (project / "Dockerfile").write_text(
        'FROM python:3.12-slim\nCMD ["uvicorn", "main:app", "--host", "0.0.0.0"]\n'
    )
    _status, quiet = _check()
    assert _reach(quiet)["reload-watcher-in-containers"][0] == "not-reached"
    assert "reload-watcher-in-containers" not in {f["id"] for f in quiet["findings"]}


def test_gunicorn_with_the_uvicorn_worker(project: Path) -> None:
    _write(
        project,
        {
            "main.py": APP,
            "requirements.txt": "gunicorn==21.2.0\nuvicorn==0.11.6\n",
            "Procfile": "web: gunicorn -k uvicorn.workers.UvicornWorker -w 4 main:app\n",
        },
    )
    status, report = _check("-r", "requirements.txt")
    reach = _reach(report)
    assert reach["h11-keepalive-timer-race"][0] == "reached"  # needs no particular setup
    assert reach["signal-outside-main-thread"][0] == "not-reached"  # needs uvicorn.run()
    # requirements.txt does not list what uvicorn pulls in: websockets cannot be ruled out
    assert reach["websockets-legacy-deprecation"][0] == "possible"
    _only_reached_fail(report)
    assert status == 1


def test_uvicorn_run_with_workers_and_the_app_object(project: Path) -> None:
    _write(
        project,
        {
            "main.py": APP + '\nif __name__ == "__main__":\n'
            "    import uvicorn\n\n    uvicorn.run(app, workers=4)\n",
            "requirements.txt": "uvicorn==0.10.3\n",
        },
    )
    status, report = _check()
    reach = _reach(report)
    status_, evidence = reach["app-instance-with-workers-or-reload"]
    assert status_ == "reached" and evidence.startswith("main.py:8 runs `uvicorn.run(app")
    assert reach["signal-outside-main-thread"][0] == "reached"
    _only_reached_fail(report)
    assert status == 1


def test_nothing_to_check_in_a_project_without_uvicorn(project: Path) -> None:
    _write(project, {"requirements.txt": "flask==3.0.0\n", "app.py": "print('hi')\n"})
    status, report = _check()
    assert status == 4
    assert report["nothing_checked"] == "no uvicorn version in requirements.txt"
    assert report["findings"] == []


def test_show_unreached_says_why(project: Path) -> None:
    _write(
        project,
        {
            "requirements.txt": "uvicorn==0.29.0\n",
            "Procfile": "web: uvicorn main:app --port $PORT\n",
        },
    )
    short = cli("check-env").stdout
    assert "not reached by the project (--show-unreached says why)" in short
    detail = cli("check-env", "--show-unreached").stdout
    assert (
        "reload-watcher-in-containers (uvicorn 0.29.0): not reached: the one launch command "
        "found (Procfile:1) does not run a container with --reload"
    ) in detail
