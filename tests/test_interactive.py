"""`doctor` on a terminal: paste, Ctrl-D, answer the questions that separate candidates."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

from tests.test_cli_paste import PASTE


def _spawn(env_extra: dict[str, str]) -> pexpect.spawn:
    env = {**os.environ, **env_extra, "COLUMNS": "120", "TERM": "dumb", "NO_COLOR": "1"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "troubleshoot"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 120),
    )
    child.expect("paste what your terminal showed")
    for line in PASTE.splitlines():
        child.sendline(line)
    child.sendeof()
    return child


@pytest.fixture
def kb_env(mini_kb: Path) -> dict[str, str]:
    return {
        "DOCTOR_KB_DIR": os.environ["DOCTOR_KB_DIR"],
        "DOCTOR_CACHE_DIR": os.environ["DOCTOR_CACHE_DIR"],
    }


def test_guided_session_asks_what_separates_and_narrows(kb_env: dict[str, str]) -> None:
    child = _spawn(kb_env)
    try:
        child.expect("Several known failures fit")
        # The first separating condition in the vocabulary order is `reload`:
        # beta requires it, so "no" leaves alpha alone and ends the questions.
        child.expect(r"--reload")
        child.sendline("n")
        child.expect("Alpha: pickle error with workers")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert "Beta: pickle error" not in (child.before or "")


def test_guided_session_keeps_asking_while_several_fit(kb_env: dict[str, str]) -> None:
    child = _spawn(kb_env)
    try:
        child.expect(r"--reload")
        child.sendline("y")  # alpha does not care about reload: both still fit
        child.expect(r"more than one worker")
        child.sendline("n")
        child.expect("Beta: pickle error with reload on Windows")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def test_no_tty_prints_help(kb_env: dict[str, str]) -> None:
    from tests.conftest import run_doctor

    result = run_doctor(env=kb_env)
    assert result.returncode == 0
    assert "paste-traceback" in result.stdout
