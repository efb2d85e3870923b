"""troubleshoot.sources.install_record: RECORD hashes against the files on disk.

The main test installs a real uvicorn release into a throw-away virtualenv (uv),
checks it is consistent, then breaks it the ways a mixed install does (a file of
another release, a truncated file, a deleted one, a second .dist-info) and checks
that each shows as typed data; the truncated ``main.py`` also makes ``import
uvicorn`` fail the way the inconsistent-install entry describes. The other tests
build small installs by hand (no network)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from troubleshoot.harness.tools import uv_executable
from troubleshoot.sources.install_record import (
    RecordCheck,
    check_installed,
    check_record,
    check_site_packages,
)

RELEASE = "0.30.6"


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def _fake_install(site: Path, name: str, version: str, files: dict[str, bytes]) -> Path:
    """Write ``files`` and a dist-info whose RECORD lists them, as an installer does."""
    dist_info = site / f"{name}-{version}.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n"
    )
    rows = []
    for rel, data in files.items():
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        rows.append(f"{rel},{_digest(data)},{len(data)}")
    meta = (dist_info / "METADATA").read_bytes()
    rows.append(f"{dist_info.name}/METADATA,{_digest(meta)},{len(meta)}")
    rows.append(f"../../../bin/{name},sha256=abc,3")  # a script outside site-packages
    rows.append(f"{dist_info.name}/RECORD,,")
    (dist_info / "RECORD").write_text("\n".join(rows) + "\n")
    return dist_info


def test_a_sound_install_is_consistent(tmp_path: Path) -> None:
    dist_info = _fake_install(
        tmp_path, "uvicorn", "0.30.6", {"uvicorn/__init__.py": b"x = 1\n", "uvicorn/main.py": b""}
    )
    check = check_record(dist_info)
    assert check.consistent
    assert (check.name, check.version, check.checked) == ("uvicorn", "0.30.6", 3)
    assert check.site_packages == tmp_path


def test_each_problem_is_reported_as_data(tmp_path: Path) -> None:
    dist_info = _fake_install(
        tmp_path,
        "uvicorn",
        "0.30.6",
        {"uvicorn/__init__.py": b"x = 1\n", "uvicorn/main.py": b"y = 2\n", "uvicorn/a.py": b"z"},
    )
    (tmp_path / "uvicorn/main.py").write_bytes(b"")  # truncated
    (tmp_path / "uvicorn/a.py").unlink()  # removed
    (tmp_path / "uvicorn/subprocess.py").write_bytes(b"old = True\n")  # another release's
    pycache = tmp_path / "uvicorn/__pycache__"
    pycache.mkdir()
    (pycache / "main.cpython-311.pyc").write_bytes(b"\0")  # interpreters write these: ignored
    check = check_record(dist_info)
    assert not check.consistent
    problems = {(m.path, m.problem) for m in check.mismatches}
    assert problems == {
        ("uvicorn/main.py", "hash-mismatch"),
        ("uvicorn/a.py", "missing"),
        ("uvicorn/subprocess.py", "unrecorded"),
    }
    [truncated] = check.by_problem("hash-mismatch")
    assert truncated.expected == _digest(b"y = 2\n")
    assert truncated.actual == _digest(b"")


def test_no_record_is_unverifiable_not_an_error(tmp_path: Path) -> None:
    dist_info = tmp_path / "uvicorn-0.4.0.dist-info"
    dist_info.mkdir()
    check = check_record(dist_info)
    assert check.unverifiable is not None and "RECORD" in check.unverifiable
    assert not check.consistent
    assert check.version == "0.4.0"  # from the folder name when METADATA is absent


def test_two_dist_infos_of_one_name_are_reported(tmp_path: Path) -> None:
    _fake_install(tmp_path, "uvicorn", "0.30.6", {"uvicorn/__init__.py": b""})
    old = tmp_path / "uvicorn-0.17.6.dist-info"
    old.mkdir()
    (old / "RECORD").write_text("")
    checks = check_site_packages(tmp_path, "Uvicorn")
    assert {c.version for c in checks} == {"0.30.6", "0.17.6"}
    assert all(len(c.other_dist_infos) == 1 for c in checks)
    assert not any(c.consistent for c in checks)


def test_the_first_path_entry_holding_the_distribution_wins(tmp_path: Path) -> None:
    user, system = tmp_path / "user", tmp_path / "system"
    _fake_install(system, "uvicorn", "0.13.0", {"uvicorn/__init__.py": b"old"})
    _fake_install(user, "uvicorn", "0.30.6", {"uvicorn/__init__.py": b"new"})
    found = check_installed("uvicorn", [str(tmp_path / "absent"), str(user), str(system)])
    assert isinstance(found, RecordCheck)
    assert (found.version, found.site_packages) == ("0.30.6", user)
    assert check_installed("uvicorn", [str(tmp_path / "absent")]) is None
    assert check_installed("starlette", [str(user)]) is None


def _run(*cmd: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def real_venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A virtualenv with uvicorn RELEASE installed by uv: (its python, its site-packages)."""
    uv = uv_executable()
    if uv is None:
        pytest.skip("uv is not installed")
    venv = tmp_path_factory.mktemp("venv") / "env"
    made = _run(uv, "venv", "--python", sys.executable, str(venv))
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    done = _run(uv, "pip", "install", "--python", str(python), f"uvicorn=={RELEASE}")
    if done.returncode != 0:
        pytest.skip(f"could not install uvicorn {RELEASE}: {done.stderr[-300:]}")
    where = _run(str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    return python, Path(where.stdout.strip())


@pytest.mark.pypi
def test_a_real_install_then_corrupted(real_venv: tuple[Path, Path]) -> None:
    python, site = real_venv
    sound = check_installed("uvicorn", [str(site)])
    assert sound is not None and sound.consistent, sound
    assert sound.version == RELEASE and sound.checked > 20

    package = site / "uvicorn"
    main = package / "main.py"
    saved = main.read_bytes()
    typed = (package / "py.typed").read_bytes()
    try:
        main.write_bytes(saved[: len(saved) // 3])  # an upgrade interrupted mid-write
        (package / "subprocess.py").write_text("# left by 0.17.6\n")  # a file of another release
        (package / "py.typed").unlink()
        broken = check_installed("uvicorn", [str(site)])
        assert broken is not None and not broken.consistent
        assert {(m.path, m.problem) for m in broken.mismatches} == {
            ("uvicorn/main.py", "hash-mismatch"),
            ("uvicorn/subprocess.py", "unrecorded"),
            ("uvicorn/py.typed", "missing"),
        }
        # what such an install prints (the entry's signature)
        main.write_bytes(b"")
        failed = _run(str(python), "-c", "import uvicorn", timeout=60)
        assert "cannot import name 'Server' from 'uvicorn.main'" in failed.stderr
    finally:
        main.write_bytes(saved)
        (package / "subprocess.py").unlink(missing_ok=True)
        (package / "py.typed").write_bytes(typed)

    second = site / "uvicorn-0.17.6.dist-info"
    shutil.copytree(site / f"uvicorn-{RELEASE}.dist-info", second)
    try:
        checks = check_site_packages(site, "uvicorn")
        assert len(checks) == 2 and all(c.other_dist_infos for c in checks)
    finally:
        shutil.rmtree(second)
    assert check_installed("uvicorn", [str(site)]).consistent  # type: ignore[union-attr]


@pytest.mark.pypi
def test_check_env_runs_the_install_check_on_the_project_interpreter(
    real_venv: tuple[Path, Path], tmp_path: Path
) -> None:
    """Issue 15: check-env --python compares that environment's uvicorn files with their
    RECORD and reports inconsistent-install (failing: high) where they differ."""
    python, site = real_venv
    main = site / "uvicorn" / "main.py"
    saved = main.read_bytes()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DOCTOR_KB_DIR": str(REPO / "kb"),
        "DOCTOR_CACHE_DIR": str(tmp_path / "cache"),
    }
    argv = [sys.executable, "-m", "troubleshoot", "check-env", "--python", str(python)]
    argv += ["--no-project", "--format", "json"]

    def findings() -> dict[str, dict[str, object]]:
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=120, env=env, check=False
        )
        assert "Traceback" not in done.stderr, done.stderr
        return {f["id"]: f for f in json.loads(done.stdout)["findings"]}

    assert "inconsistent-install" not in findings()
    try:
        main.write_bytes(saved[: len(saved) // 2])
        found = findings()["inconsistent-install"]
        assert found["failing"] and "uvicorn/main.py (hash-mismatch)" in str(found["message"])
        assert str(found["location"]["path"]).endswith("RECORD")  # type: ignore[index]
    finally:
        main.write_bytes(saved)
