"""Each boundary translates what the system refuses into one DoctorError (issue 14).

At every boundary (the KB cache and store, the environment sources, the repro
harness, the site output) an OSError, a PermissionError or an sqlite3.Error is
injected where the boundary calls the outside world; the command must end with
one ``doctor: error: ...`` line naming what failed and its documented status,
never a traceback.
"""

from __future__ import annotations

import errno
import io
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

Fault = Callable[..., Any]


def _raiser(exc: BaseException) -> Fault:
    def fail(*_args: Any, **_kwargs: Any) -> Any:
        raise exc

    return fail


FAULTS = {
    "OSError": OSError(errno.EIO, "Input/output error"),
    "PermissionError": PermissionError(errno.EACCES, "Permission denied"),
    "sqlite3.Error": sqlite3.OperationalError("disk I/O error"),
}


def _run(
    monkeypatch: pytest.MonkeyPatch, *args: str, out: io.StringIO | None = None
) -> tuple[int, str]:
    """``doctor ARGS`` through the console entry point, in process: (status, stderr)."""
    from troubleshoot.cli import main

    err = io.StringIO()
    monkeypatch.setattr(sys, "argv", ["doctor", *args])
    monkeypatch.setattr(sys, "stderr", err)
    if out is not None:
        monkeypatch.setattr(sys, "stdout", out)
    with pytest.raises(SystemExit) as done:
        main()
    code = done.value.code
    return (code if isinstance(code, int) else 1), err.getvalue()


def _one_line_error(status: int, err: str, expected: int, fragment: str) -> None:
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert status == expected, err
    assert lines and lines[-1].startswith("doctor: error: "), err
    assert fragment in err, err


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The committed KB, a fresh cache (so the store is built), cwd an empty folder."""
    monkeypatch.setenv("DOCTOR_KB_DIR", str(REPO / "kb"))
    monkeypatch.setenv("DOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.mark.parametrize("fault", list(FAULTS), ids=list(FAULTS))
def test_kb_cache_and_store(fresh: Path, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    import troubleshoot.kbstore as kbstore

    monkeypatch.setattr(kbstore.sqlite3, "connect", _raiser(FAULTS[fault]))
    status, err = _run(monkeypatch, "list")
    _one_line_error(status, err, 2, "cannot use the KB database")


@pytest.mark.parametrize("fault", ["OSError", "PermissionError"])
def test_environment_sources(fresh: Path, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    import troubleshoot.bounded as bounded

    (fresh / "requirements.txt").write_text("uvicorn==0.30.0\n")
    monkeypatch.setattr(bounded, "read_bytes", _raiser(FAULTS[fault]))
    status, err = _run(monkeypatch, "check-env", "-r", "requirements.txt")
    _one_line_error(status, err, 2, "requirements.txt")


@pytest.mark.parametrize("fault", ["OSError", "PermissionError"])
def test_an_interpreter_that_cannot_be_started(
    fresh: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    import subprocess

    monkeypatch.setattr(subprocess, "Popen", _raiser(FAULTS[fault]))
    status, err = _run(monkeypatch, "check-env", "--python", sys.executable)
    _one_line_error(status, err, 2, "--python")


@pytest.mark.parametrize("fault", ["OSError", "PermissionError"])
def test_the_repro_harness(fresh: Path, monkeypatch: pytest.MonkeyPatch, fault: str) -> None:
    """Building a release's environment fails: the harness failed (exit 3, docs)."""
    import troubleshoot.harness.venvs as venvs

    monkeypatch.setattr(venvs, "ensure_env", _raiser(FAULTS[fault]))
    out = io.StringIO()
    status, err = _run(
        monkeypatch,
        "repro",
        "ssl-with-reload-crash",
        "--server",
        "uvicorn==0.7.2",
        "--json",
        out=out,
    )
    assert "Traceback" not in err + out.getvalue(), err
    assert status == 3, err
    shown = out.getvalue()
    assert "cannot prepare uvicorn==0.7.2: " in shown, shown
    assert "Input/output error" in shown or "Permission denied" in shown, shown


@pytest.mark.parametrize("fault", ["OSError", "PermissionError"])
def test_the_site_output(
    fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    import troubleshoot.site.output as output

    monkeypatch.setattr(output, "_write_tree", _raiser(FAULTS[fault]))
    status, err = _run(monkeypatch, "export-site", str(tmp_path / "site"))
    _one_line_error(status, err, 2, str(tmp_path / "site"))
    assert not (tmp_path / "site").exists() or not any((tmp_path / "site").iterdir())


def test_the_site_reading_the_store(
    fresh: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import troubleshoot.kbstore as kbstore

    monkeypatch.setattr(kbstore.sqlite3, "connect", _raiser(FAULTS["sqlite3.Error"]))
    status, err = _run(monkeypatch, "export-site", str(tmp_path / "site"))
    _one_line_error(status, err, 2, "cannot use the KB database")
