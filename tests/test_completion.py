"""Bash completion, for real: click's `_DOCTOR_COMPLETE` protocol and typer's bash script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SUBCOMMANDS = {"paste-traceback", "check-env", "scan", "show", "search", "list", "kb"}


@pytest.fixture
def doctor_shim(tmp_path: Path) -> dict[str, str]:
    """A `doctor` executable on PATH that runs this checkout's CLI (named `doctor`)."""
    shim = tmp_path / "bin" / "doctor"
    shim.parent.mkdir()
    shim.write_text(
        f"#!/bin/sh\nexec {sys.executable} -c "
        '"import sys; from troubleshoot.cli import app; app(prog_name=\'doctor\')" "$@"\n'
    )
    shim.chmod(0o755)
    env = os.environ | {
        "PATH": f"{shim.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONPATH": str(REPO),
        "DOCTOR_KB_DIR": str(REPO / "kb"),
        "DOCTOR_CACHE_DIR": str(tmp_path / "cache"),
    }
    return env


def complete(env: dict[str, str], words: str, cword: int) -> list[str]:
    result = subprocess.run(
        ["doctor"],
        env=env
        | {"_DOCTOR_COMPLETE": "complete_bash", "COMP_WORDS": words}
        | {"COMP_CWORD": str(cword)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.split()


def test_env_protocol_completes_subcommands_and_options(doctor_shim: dict[str, str]) -> None:
    assert set(complete(doctor_shim, "doctor ", 1)) >= SUBCOMMANDS
    assert complete(doctor_shim, "doctor sc", 1) == ["scan"]
    assert "--format" in complete(doctor_shim, "doctor scan --fo", 2)
    formats = complete(doctor_shim, "doctor scan --format ", 3)
    assert set(formats) == {"text", "json", "github", "sarif", "junit", "markdown"}
    assert {"validate", "build"} <= set(complete(doctor_shim, "doctor kb ", 2))


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completion_script_completes_in_bash(doctor_shim: dict[str, str]) -> None:
    """The script `doctor --install-completion` installs, sourced into a real bash."""
    script = subprocess.run(
        ["doctor", "--show-completion", "bash"],
        env=doctor_shim,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "_doctor_completion" in script and "complete " in script
    probe = (
        f"{script}\n"
        "COMP_WORDS=(doctor check-); COMP_CWORD=1; _doctor_completion doctor\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", probe],
        env=doctor_shim,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["check-env"]
