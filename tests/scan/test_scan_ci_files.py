"""The CI integrations: pre-commit hook definitions and the action's uploads (its steps run
in a simulated runner in tests/test_action.py)."""

from __future__ import annotations

import re

import pytest

from tests.scan.conftest import REPO

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
