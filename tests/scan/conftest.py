"""scan fixtures: the real KB's entries, the corpora, and the CLI run in-process."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from troubleshoot.errors import DoctorError
from troubleshoot.report.model import Report
from troubleshoot.schema import Entry

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CLEAN = HERE / "clean"
BAD = HERE / "bad"
TODAY = date(2026, 12, 1)


@pytest.fixture(scope="session")
def real_entries() -> tuple[Entry, ...]:
    from troubleshoot.config import Settings
    from troubleshoot.kbload import load_kb

    return load_kb(Settings.resolve(REPO / "kb")).entries


def run_scan(
    paths: list[Path], entries: tuple[Entry, ...], version: str | None, **kwargs: object
) -> Report:
    from troubleshoot.scan.service import scan

    return scan(paths, entries, uvicorn_version=version, today=TODAY, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def real_kb(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The CLI reads the real KB (compiled into a per-session cache)."""
    cache = tmp_path_factory.getbasetemp() / "scan-kb-cache"
    monkeypatch.setenv("DOCTOR_KB_DIR", str(REPO / "kb"))
    monkeypatch.setenv("DOCTOR_CACHE_DIR", str(cache))
    return REPO / "kb"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def cli(*args: str) -> Result:
    """`doctor ARGS` in-process; a DoctorError maps to its exit code like `main()` does."""
    from troubleshoot.cli import app

    result = CliRunner().invoke(app, list(args))
    if isinstance(result.exception, DoctorError):
        return Result(result.exception.exit_code, result.stdout, result.exception.message)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)
