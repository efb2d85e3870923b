"""A wheel built from the tree works when installed into a fresh virtual environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.pypi, pytest.mark.slow]


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False, **kw)  # type: ignore[call-overload]


def test_installed_wheel_finds_the_kb(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)])
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = dist.glob("uvicorn_doctor-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / ("Scripts" if os.name == "nt" else "bin") / "python"
    installed = _run([str(python), "-m", "pip", "install", "-q", str(wheel)])
    assert installed.returncode == 0, installed.stderr[-2000:]

    # Run from an unrelated directory with a clean environment: only the wheel's data counts.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCTOR_")}
    env["DOCTOR_CACHE_DIR"] = str(tmp_path / "cache")
    doctor = env_dir / "bin" / "doctor"
    where = _run(
        [str(python), "-c", "import troubleshoot; print(troubleshoot.__file__)"],
        cwd=tmp_path,
        env=env,
    )
    assert str(env_dir) in where.stdout
    kb_path = _run([str(doctor), "kb", "path"], cwd=tmp_path, env=env)
    assert kb_path.returncode == 0, kb_path.stderr
    assert "_data" in kb_path.stdout and str(REPO) not in kb_path.stdout

    listed = _run([str(doctor), "list", "--json"], cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    ids = {row["id"] for row in json.loads(listed.stdout)}
    assert "ssl-with-reload-crash" in ids

    example = REPO / "examples" / "ssl-reload-0.7.2.txt"
    pasted = _run([str(doctor), "paste-traceback", "--json", str(example)], cwd=tmp_path, env=env)
    assert pasted.returncode == 0, pasted.stderr
    assert json.loads(pasted.stdout)["matches"][0]["id"] == "ssl-with-reload-crash"
    # The repro folders ship too.
    fixes = _run(
        [
            str(python),
            "-c",
            "from troubleshoot.config import Settings; print(Settings.resolve().fixes_dir)",
        ],
        cwd=tmp_path,
        env=env,
    )
    assert Path(fixes.stdout.strip()).is_dir()
