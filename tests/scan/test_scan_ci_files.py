"""The CI integrations: pre-commit hook definitions and the composite action's shell steps."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scan.conftest import BAD, CLEAN, REPO

yaml = pytest.importorskip("yaml", reason="PyYAML reads the hook and action files")


def test_pre_commit_hooks() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"doctor-scan", "doctor-check-env"}
    scan = hooks["doctor-scan"]
    assert scan["entry"] == "doctor scan" and scan["pass_filenames"] is True
    pattern = re.compile(scan["files"])
    for name in (
        "app/main.py",
        "nb.ipynb",
        "Procfile",
        "deploy/Dockerfile",
        "Dockerfile.dev",
        "api.Dockerfile",
        "docker-compose.yml",
        "compose.prod.yaml",
        "bin/run.sh",
        "pyproject.toml",
    ):
        assert pattern.search(name), name
    for name in ("README.md", "config.yaml", "requirements.txt", "setup.cfg"):
        assert not pattern.search(name), name
    check = hooks["doctor-check-env"]
    assert check["entry"] == "doctor check-env" and check["pass_filenames"] is False
    assert re.compile(check["files"]).search("requirements-dev.txt")


def _steps() -> dict[str, dict]:  # type: ignore[type-arg]
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    return {s.get("id", s["name"]): s for s in action["runs"]["steps"]}


def test_action_uploads_sarif_per_command() -> None:
    steps = _steps()
    uploads = [s for s in steps.values() if s.get("uses", "").startswith("github/codeql-action")]
    assert [u["uses"] for u in uploads] == ["github/codeql-action/upload-sarif@v3"] * 2
    assert {u["with"]["category"] for u in uploads} == {
        "uvicorn-doctor-check-env",
        "uvicorn-doctor-scan",
    }


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
@pytest.mark.parametrize("paths, expected", [(CLEAN, "0"), (BAD, "1")], ids=["clean", "bad"])
def test_action_scan_step_runs(tmp_path: Path, paths: Path, expected: str) -> None:
    """The scan step's script, run by bash with the variables GitHub would set."""
    script = _steps()["scan"]["run"]
    shim = tmp_path / "bin" / "doctor"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m troubleshoot "$@"\n')
    shim.chmod(0o755)
    out = tmp_path / "out"
    out.mkdir()
    env = os.environ | {
        "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(REPO),
        "DOCTOR_KB_DIR": str(REPO / "kb"),
        "DOCTOR_CACHE_DIR": str(tmp_path / "cache"),
        "PATHS": str(paths),
        "ARGS": "--uvicorn-version 0.54.0",
        "FAIL_ON": "medium",
        "UPLOAD": "true",
        "OUT": str(out),
        "GITHUB_OUTPUT": str(tmp_path / "output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
    }
    subprocess.run(["bash", "-e", "-c", script], env=env, check=True, timeout=120)
    assert (tmp_path / "output").read_text().strip() == f"exit-code={expected}"
    assert "## uvicorn-doctor scan" in (tmp_path / "summary.md").read_text()
    assert '"version": "2.1.0"' in (out / "scan.sarif").read_text()


def test_action_final_step_fails_on_findings_or_errors(tmp_path: Path) -> None:
    script = _steps()["Fail on findings or bad input"]["run"]
    for check_env, scan, status in [("0", "0", 0), ("", "0", 0), ("1", "0", 1), ("0", "2", 1)]:
        env = os.environ | {"CHECK_ENV": check_env, "SCAN": scan}
        result = subprocess.run(
            ["bash", "-c", script], env=env, capture_output=True, timeout=30, check=False
        )
        assert result.returncode == status, (check_env, scan, result.stdout)
