"""check-env fixtures: a small KB of version entries, and ways to run the command."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from troubleshoot.errors import DoctorError

REPO = Path(__file__).resolve().parents[2]

_HEAD = """
summary = "Summary of {id}."
mechanism = "Mechanism of {id}."
"""

_TAIL = """
[[signatures]]
id = "sig"
kind = "log"
pattern = "{id} happened"
weight = 0.5

[upstream]
issues = [{issue}]
"""

ENTRIES = {
    "ssl-reload": """
        title = "TLS with reload crashes"
        package = "uvicorn"
        kind = "version-bug"
        unverifiable = "Test fixture: synthetic ranges that no release run backs."
        severity = "high"
        fixed_in = "0.8.1"

        [conditions]
        reload = true
        ssl = true

        [[affected]]
        package = "uvicorn"
        specifier = ">=0.5.0,<0.7.3"

        [[affected]]
        package = "uvicorn"
        specifier = ">=0.7.3,<0.8.1"

        [[fixes]]
        type = "upgrade"
        title = "Upgrade to uvicorn 0.8.1 or later"
        body = "pip install -U uvicorn"

        [[fixes]]
        type = "workaround"
        unverified = "a test fixture: no repro scenario applies this fix here"
        title = "Drop --reload while serving TLS"
        body = "No reload."
        versions = ">=0.5.0,<0.7.3"
        """,
    "win-reload": """
        title = "Windows reload PermissionError"
        package = "uvicorn"
        kind = "version-bug"
        unverifiable = "Test fixture: synthetic ranges that no release run backs."
        severity = "medium"
        fixed_in = "0.13.3"

        [[affected]]
        package = "uvicorn"
        specifier = ">=0.10.0,<0.13.3"
        when = "sys_platform == 'win32'"

        [[fixes]]
        type = "upgrade"
        title = "Upgrade to uvicorn 0.13.3 or later"
        body = "pip install -U uvicorn"
        """,
    "minor-log": """
        title = "A cosmetic log regression"
        package = "uvicorn"
        kind = "regression"
        severity = "low"
        fixed_in = "0.11.0"

        [[affected]]
        package = "uvicorn"
        specifier = ">=0.10.0,<0.11.0"

        [[fixes]]
        type = "upgrade"
        title = "Upgrade to uvicorn 0.11.0 or later"
        body = "pip install -U uvicorn"
        """,
    "main-guard": """
        title = "uvicorn.run(reload=True) without a __main__ guard"
        package = "uvicorn"
        kind = "misuse"
        severity = "medium"

        [[fixes]]
        type = "code-change"
        unverified = "a test fixture: no repro scenario applies this fix here"
        title = "Put uvicorn.run() under if __name__ == '__main__':"
        body = "Guard it."
        """,
    "open-bug": """
        title = "A bug no release fixes yet"
        package = "uvicorn"
        kind = "version-bug"
        unverifiable = "Test fixture: synthetic ranges that no release run backs."
        severity = "high"

        [[affected]]
        package = "uvicorn"
        specifier = ">=0.10.0"

        [[fixes]]
        type = "workaround"
        unverified = "a test fixture: no repro scenario applies this fix here"
        title = "Avoid the feature"
        body = "Do not use it."
        """,
    "h11-old": """
        title = "Old h11 drops pipelined requests"
        package = "h11"
        kind = "version-bug"
        unverifiable = "Test fixture: synthetic ranges that no release run backs."
        severity = "critical"
        fixed_in = "0.8.0"

        [[affected]]
        package = "h11"
        specifier = "<0.8.0"

        [[fixes]]
        type = "upgrade"
        title = "Upgrade to h11 0.8.0 or later"
        body = "pip install -U h11"
        """,
}


def write_kb(root: Path, entries: dict[str, str] | None = None) -> Path:
    kb = root / "kb"
    (kb / "entries").mkdir(parents=True)
    for number, (entry_id, body) in enumerate((entries or ENTRIES).items(), start=100):
        text = f'id = "{entry_id}"\n' + _HEAD.format(id=entry_id) + textwrap.dedent(body)
        text += _TAIL.format(id=entry_id, issue=number)
        (kb / "entries" / f"{entry_id}.toml").write_text(text, encoding="utf-8")
    return kb


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The check-env test KB, selected through DOCTOR_KB_DIR; cwd is an empty folder."""
    kb = write_kb(tmp_path / "kbroot")
    monkeypatch.setenv("DOCTOR_KB_DIR", str(kb))
    monkeypatch.setenv("DOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)  # no stray ./pyproject.toml is picked up
    return kb


@pytest.fixture
def entries(kb: Path) -> list:  # type: ignore[type-arg]
    from troubleshoot.config import Settings
    from troubleshoot.kbstore import Store

    store = Store.open(Settings.resolve())
    try:
        return store.entries()
    finally:
        store.close()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def cli(*args: str, stdin: str | None = None) -> Result:
    """Run `doctor ARGS` in-process, mapping DoctorError to its exit code like `main()` does."""
    from troubleshoot.cli import app

    result = CliRunner().invoke(app, list(args), input=stdin)
    if isinstance(result.exception, DoctorError):
        return Result(result.exception.exit_code, result.stdout, result.exception.message)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)


def doctor_command() -> list[str]:
    """The installed `doctor` script when it belongs to this interpreter, else `-m troubleshoot`."""
    script = Path(sys.executable).parent / ("doctor.exe" if os.name == "nt" else "doctor")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "troubleshoot"]


def run_doctor(*args: str, cwd: Path, stdin: str | None = None) -> Result:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    proc = subprocess.run(
        [*doctor_command(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)
