"""The README's examples run as written (issue 13).

Every ``console`` block of README.md is a session run from the repository root:
``$ `` lines are commands (run by bash, with ``doctor`` on PATH), the lines under
them what they print. The test runs each command and checks that what the README
shows is what the command prints: the first line (the answer) and the last line
(the summary) exactly, and every shown line present in the output. The install
lines of the ``Use it on your own error`` section run in a fresh virtual
environment, and the installed ``doctor`` answers the bundled example.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def console_sessions() -> list[tuple[str, list[str]]]:
    """(command, the lines the README shows under it) for every ``console`` block."""
    sessions: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                sessions.append((line[2:], []))
            elif sessions:
                sessions[-1][1].append(line)
    return sessions


SESSIONS = console_sessions()


def test_the_readme_shows_sessions() -> None:
    assert len(SESSIONS) >= 3, "the README's output samples are gone"
    assert any(c.startswith("doctor paste-traceback") for c, _ in SESSIONS)


@pytest.fixture(scope="module")
def shim(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """``doctor`` on PATH, running this checkout with this interpreter."""
    bin_dir = tmp_path_factory.mktemp("bin")
    script = bin_dir / "doctor"
    script.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m troubleshoot "$@"\n')
    script.chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
        "DOCTOR_KB_DIR": str(REPO / "kb"),
        "DOCTOR_CACHE_DIR": str(tmp_path_factory.mktemp("cache")),
        "COLUMNS": "80",
        "NO_COLOR": "1",
    }


@pytest.mark.parametrize(("command", "shown"), SESSIONS, ids=[c for c, _ in SESSIONS])
def test_each_session_prints_what_the_readme_shows(
    command: str, shown: list[str], shim: dict[str, str]
) -> None:
    proc = subprocess.run(
        ["bash", "-c", command],
        cwd=REPO,
        env=shim,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), proc.stderr  # an answer, not bad input
    # counts ("27 KB entries checked", "41 more entries") grow with the KB: not compared
    printed = [_stable(line) for line in proc.stdout.splitlines()]
    shown = [_stable(line) for line in shown if line.strip()]
    assert shown, f"the README shows no output for {command!r}"
    assert printed[0] == shown[0], (printed[0], shown[0])
    assert printed[-1] == shown[-1], (printed[-1], shown[-1])
    missing = [line for line in shown if line not in printed]
    assert missing == [], "\n".join(missing)


def _stable(line: str) -> str:
    """A line with its counts (a number before a word) replaced by N."""
    return re.sub(r"\b\d+(?= [a-zA-Z])", "N", line.rstrip())


def _install_lines() -> list[str]:
    section = README.split("## Use it on your own error", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the section shows how to install"
    return [line for line in block.group(1).splitlines() if "pip install" in line]


@pytest.mark.pypi
def test_the_install_line_works_in_a_fresh_venv(tmp_path: Path) -> None:
    """The README's install line, with its placeholders filled: this checkout into a new
    project venv; the installed doctor then answers the bundled example."""
    (line,) = _install_lines()
    project = tmp_path / "project"
    venv.create(project / ".venv", with_pip=True)
    command = line.replace("/path/to/your/project", str(project)).replace(
        "/path/to/uvicorn-doctor", str(REPO)
    )
    assert "/path/to" not in command
    subprocess.run(["bash", "-c", command], check=True, timeout=900, capture_output=True)
    doctor = project / ".venv" / "bin" / "doctor"
    proc = subprocess.run(
        [str(doctor), "paste-traceback", str(REPO / "examples" / "ssl-reload-0.7.2.txt")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("DOCTOR_")}
        | {"DOCTOR_CACHE_DIR": str(tmp_path / "cache")},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ssl-with-reload-crash" in proc.stdout.splitlines()[0]
