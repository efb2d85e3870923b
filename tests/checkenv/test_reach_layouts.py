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


def test_httptools_installed_keeps_h11_advisories_off_the_http_path(project: Path) -> None:
    """h11's smuggling advisory concerns the HTTP server only where h11 serves: with
    httptools installed, uvicorn's default picks httptools; --http h11 brings it back."""
    _write(
        project,
        {
            "requirements.txt": "uvicorn==0.20.0\nh11==0.14.0\nhttptools==0.5.0\n",
            "Procfile": "web: uvicorn main:app --port $PORT\n",
        },
    )
    _status, report = _check()
    status_, evidence = _reach(report)["h11-chunked-terminator-smuggling"]
    assert status_ == "not-reached" and "does not run --http h11" in evidence
    unreached = {f["id"]: f for f in report["unreached"]}
    # still named: h11 may serve elsewhere (another server, a client)
    advisory = unreached["h11-chunked-terminator-smuggling"]["advisories"][0]
    assert advisory["id"] == "GHSA-vqfr-h8mv-ghfj" and "CVE-2025-43859" in advisory["aliases"]
    (project / "Procfile").write_text("web: uvicorn main:app --http h11 --port $PORT\n")
    _status, report = _check()
    status_, evidence = _reach(report)["h11-chunked-terminator-smuggling"]
    assert status_ == "reached" and evidence.startswith(
        "Procfile:1 runs `uvicorn main:app --http h11"
    )


def test_the_2020_advisories_on_0_11_6_with_their_ids(project: Path) -> None:
    """As pip-audit reports them (PYSEC-2020-150, PYSEC-2020-151), offline, and said to
    be reproduced by the entries' repros; gone on 0.11.7."""
    _write(project, {"requirements.txt": "uvicorn==0.11.6\n"})
    status, report = _check("--no-project")
    advisories = {
        a["id"]: (a["aliases"], a["reproduced"])
        for f in report["findings"]
        for a in f["advisories"]
    }
    assert advisories["PYSEC-2020-150"][1] and "CVE-2020-7694" in advisories["PYSEC-2020-150"][0]
    assert advisories["PYSEC-2020-151"][1] and "CVE-2020-7695" in advisories["PYSEC-2020-151"][0]
    assert status == 1
    text = cli("check-env", "--no-project").stdout
    assert "advisory: PYSEC-2020-150 (" in text and "reproduced by the entry's repro" in text
    _write(project, {"requirements.txt": "uvicorn==0.11.7\n"})
    _status, fixed = _check("--no-project")
    assert not any(f["advisories"] for f in fixed["findings"] if f["package"] == "uvicorn")


def test_websockets_pairings_are_version_checks(project: Path) -> None:
    """Issue 15: websockets-too-old is decided by the pair (uvicorn range, websockets
    range), as `affected.needs` says: 0.14.0 with websockets 8.1 is affected, with 9.1
    not, and without a websockets pin not reached."""
    reports = {}
    for pins in ("uvicorn==0.14.0\nwebsockets==8.1\n", "uvicorn==0.14.0\nwebsockets==9.1\n"):
        _write(project, {"requirements.txt": pins})
        _status, reports[pins] = _check("--no-project")
    old, new = reports.values()
    found = {f["id"]: f for f in old["findings"]}["websockets-too-old"]
    assert "With websockets<9 beside it." in found["message"], found["message"]
    assert "websockets 8.1 is installed" in found["reach"]["evidence"]
    assert "websockets-too-old" not in {f["id"] for f in (*new["findings"], *new["unreached"])}
    # no websockets pin: an installer resolves one the uvicorn release supports
    _write(project, {"requirements.txt": "uvicorn==0.20.0\n"})
    _status, unpinned = _check("--no-project")
    status_, evidence = _reach(unpinned)["websockets-too-old"]
    assert status_ == "not-reached" and "websockets is not pinned" in evidence
