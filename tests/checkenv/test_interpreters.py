"""Installed distributions: this interpreter, another one (--python), real venvs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests.checkenv.conftest import cli
from troubleshoot.errors import EnvSourceError
from troubleshoot.sources.installed import InstalledSource
from troubleshoot.sources.interface import Package, current_env
from troubleshoot.sources.interpreter import InterpreterSource


def _bin(prefix: Path) -> Path:
    return prefix / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def other_interpreters() -> list[Path]:
    """Interpreters of other Python versions found through pyenv (none: tests skip)."""
    try:
        root = subprocess.run(
            ["pyenv", "root"], capture_output=True, text=True, timeout=20, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return []
    mine = f"{sys.version_info[0]}.{sys.version_info[1]}"
    found = []
    for version in sorted(Path(root, "versions").glob("*")):
        python = _bin(version)
        release = re.match(r"^\d+\.\d+\.\d+$", version.name)
        if release and python.is_file() and not version.name.startswith(mine + "."):
            found.append(python)
    return found


OTHERS = other_interpreters()
needs_other = pytest.mark.skipif(not OTHERS, reason="no other Python version found via pyenv")
posix_only = pytest.mark.skipif(os.name == "nt", reason="uses shell scripts as fake interpreters")


def _version_of(python: Path) -> str:
    return python.parent.parent.name  # pyenv layout: versions/<X.Y.Z>/bin/python


def test_installed_source_matches_importlib_metadata() -> None:
    records = {r.name: r for r in InstalledSource().collect(current_env())}
    for name in ("packaging", "typer", "pytest"):
        record = records[name]
        assert isinstance(record, Package)
        assert record.version == metadata.version(name)
        assert record.line is None and sys.executable in record.origin


def test_this_interpreter_through_a_subprocess_agrees() -> None:
    source = InterpreterSource(sys.executable)
    assert source.marker_env() == current_env()
    theirs = {(r.name, getattr(r, "version", None)) for r in source.collect({})}
    ours = {(r.name, getattr(r, "version", None)) for r in InstalledSource().collect({})}
    assert theirs == ours


@needs_other
@pytest.mark.parametrize("python", OTHERS, ids=_version_of)
def test_other_python_versions(python: Path) -> None:
    """Old interpreters (2.7, 3.6, 3.7 have no importlib.metadata) are read too."""
    source = InterpreterSource(python)
    markers = source.marker_env()
    x, y, _ = _version_of(python).split(".")
    assert markers["python_version"] == f"{x}.{y}"
    assert markers["python_full_version"] == _version_of(python)
    assert markers["sys_platform"].startswith(sys.platform)  # Python 2 says "linux2"
    names = {r.name for r in source.collect(markers)}
    if list(python.parent.glob("pip*")):
        assert "pip" in names


def _fake_venv(base_python: str | Path, where: Path, dists: dict[str, str]) -> Path:
    subprocess.run(
        [str(base_python), "-m", "venv", "--without-pip", str(where)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    python = _bin(where)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    for name, version in dists.items():
        info = Path(site) / f"{name}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nbody\n", encoding="utf-8"
        )
    return python


def test_venv_of_this_python(tmp_path: Path) -> None:
    python = _fake_venv(sys.executable, tmp_path / "venv", {"uvicorn": "0.10.3"})
    records = list(InterpreterSource(python).collect({}))
    assert any(
        isinstance(r, Package) and (r.name, r.version) == ("uvicorn", "0.10.3") for r in records
    )


@needs_other
def test_venv_of_an_old_python_uses_the_fallback_scan(tmp_path: Path) -> None:
    old = [p for p in OTHERS if _version_of(p).startswith(("3.6.", "3.7."))]
    if not old:
        pytest.skip("no Python 3.6/3.7 (the interpreters without importlib.metadata)")
    python = _fake_venv(old[0], tmp_path / "venv", {"Uvicorn": "0.10.3", "h11": "0.7.0"})
    versions = {r.name: getattr(r, "version", None) for r in InterpreterSource(python).collect({})}
    assert versions["uvicorn"] == "0.10.3" and versions["h11"] == "0.7.0"


def test_missing_interpreter(tmp_path: Path) -> None:
    with pytest.raises(EnvSourceError, match="no such file"):
        InterpreterSource(tmp_path / "nope").marker_env()
    with pytest.raises(EnvSourceError, match="is a directory"):
        InterpreterSource(tmp_path).marker_env()


def _script(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    path.chmod(0o755)
    return path


@posix_only
def test_not_an_interpreter(tmp_path: Path) -> None:
    with pytest.raises(EnvSourceError, match="not a Python interpreter"):
        InterpreterSource(_script(tmp_path, "echo", 'echo "hello"')).marker_env()
    with pytest.raises(EnvSourceError, match=r"not a working Python interpreter \(exit status 3"):
        InterpreterSource(_script(tmp_path, "fails", "echo boom >&2; exit 3")).marker_env()
    text = tmp_path / "notes.txt"
    text.write_text("just text", encoding="utf-8")
    with pytest.raises(EnvSourceError, match="cannot run it"):
        InterpreterSource(text).marker_env()


@posix_only
def test_interpreter_timeout(tmp_path: Path) -> None:
    slow = _script(tmp_path, "slow", "exec sleep 30")
    with pytest.raises(EnvSourceError, match=r"no answer within 0\.5 s"):
        InterpreterSource(slow, timeout=0.5).marker_env()


@pytest.mark.pypi
def test_real_venv_with_an_old_uvicorn(tmp_path: Path, kb: Path) -> None:
    """A real uvicorn 0.10.3 from PyPI, checked through --python and the CLI."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = _bin(venv)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "--no-deps",
            "uvicorn==0.10.3",
            "h11==0.7.0",
        ],
        check=True,
        timeout=600,
    )
    result = cli("check-env", "--python", str(python), "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1, result.stderr  # h11 0.7.0: critical
    found = {(f["id"], f["package"], f["version"]) for f in report["findings"]}
    assert found == {("h11-old", "h11", "0.7.0"), ("minor-log", "uvicorn", "0.10.3")}
    assert report["setup_entries"] == ["main-guard", "open-bug"]
    assert report["context"]["python_version"] == f"{sys.version_info[0]}.{sys.version_info[1]}"


def test_a_relative_path_is_that_file_not_the_python_on_path(tmp_path: Path) -> None:
    """Issue 16: `--python ./python3` used to run the python3 found on PATH."""
    import os

    from tests.conftest import run_doctor

    python = _fake_venv(sys.executable, tmp_path / "venv", {"uvicorn": "0.10.3"})
    relative = f".{os.sep}{python.name}"
    result = run_doctor("check-env", "--python", relative, "--format", "json", cwd=python.parent)
    data = json.loads(result.stdout)
    assert data["sources"] == [f"installed ({python})"]
    assert any(f["version"] == "0.10.3" for f in data["findings"]), data["summary"]
