"""`doctor` on a terminal: paste, Ctrl-D, answer the questions that separate candidates."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pexpect
import pytest

# No paths that give the platform away, so the platform question stays open.
PASTE = """\
Traceback (most recent call last):
  File "serve.py", line 8, in <module>
    uvicorn.run(app, workers=2)
AttributeError: Can't pickle local object 'make.<locals>.app'
"""


def _spawn(env_extra: dict[str, str], paste: str = PASTE) -> pexpect.spawn:
    env = {**os.environ, **env_extra, "COLUMNS": "120", "TERM": "dumb", "NO_COLOR": "1"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "troubleshoot"],
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(50, 120),
    )
    child.logfile_read = io.StringIO()  # everything the session printed: see _said
    child.expect("paste what your terminal showed")
    for line in paste.splitlines():
        child.sendline(line)
    child.sendeof()
    return child


def _said(child: pexpect.spawn) -> str:
    """All the session printed, whitespace runs as one space."""
    log = child.logfile_read
    return " ".join(log.getvalue().split()) if isinstance(log, io.StringIO) else ""


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
        # One candidate left, and its verdict depends on the version: asked.
        child.expect(r"Which uvicorn version")
        child.sendline("0.10.3")
        child.expect("Alpha: pickle error with workers")
        child.expect(r"1 known failure: alpha-pickle — affected \(0.10.3\) — pass an import string")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    said = _said(child)
    assert "Beta: pickle error" not in said
    assert "verdict: affected — uvicorn 0.10.3 is in >=0.10.1,<0.10.6" in said


def test_guided_session_keeps_asking_while_several_fit(kb_env: dict[str, str]) -> None:
    """Each "don't know" skips its question and the rest are still asked; what the
    paste shows (``uvicorn.run(app, workers=2)``) is never asked."""
    child = _spawn(kb_env)
    try:
        child.expect(r"--reload")
        child.sendline("y")  # alpha does not care about reload: both still fit
        child.expect(r"Which operating system")
        child.sendline("?")  # don't know: skipped, not asked again
        child.expect(r"Which uvicorn version")
        child.sendline("dunno")
        child.expect("2 known failures fit this paste")
        child.expect("Beta: pickle error with reload on Windows")
        child.expect("2 known failures fit: alpha-pickle — version unknown")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert "more than one worker" not in _said(child)
    assert "application object itself" not in _said(child)


@pytest.mark.parametrize("dont_know", ["", "?", "dunno", "don't know"])
def test_dont_know_is_an_answer(kb_env: dict[str, str], dont_know: str) -> None:
    child = _spawn(kb_env)
    try:
        child.expect(r"--reload")
        child.sendline(dont_know)
        child.expect(r"Which operating system")  # the next question, not the same again
        child.sendline(dont_know)
        child.expect(r"Which uvicorn version")
        child.sendline(dont_know)
        child.expect("known failures fit: ")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert "Please answer" not in _said(child)
    assert "not a version number" not in _said(child)


def test_what_the_paste_shows_is_not_asked(kb_env: dict[str, str]) -> None:
    """A reloader's log lines say --reload was used: that question is not asked."""
    paste = "INFO:     Started reloader process [4242] using WatchFiles\n" + PASTE
    child = _spawn(kb_env, paste)
    try:
        child.expect(r"Which operating system")
        child.sendline("win32")
        child.expect(r"Which uvicorn version")
        child.sendline("")
        child.expect("known failures? fit|known failure: ")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "--reload (or reload=True)?" not in _said(child)
    assert child.exitstatus == 0


def test_no_tty_prints_help(kb_env: dict[str, str]) -> None:
    from tests.conftest import run_doctor

    result = run_doctor(env=kb_env)
    assert result.returncode == 0
    assert "paste-traceback" in result.stdout


def _platform_kb(tmp_path: Path) -> dict[str, str]:
    from tests.conftest import ENTRY_B, write_kb

    linux = (
        ENTRY_B.replace('id = "beta-pickle-reload"', 'id = "linux-pickle"')
        .replace('platform = "win32"', 'platform = "linux"')
        .replace("Beta: pickle error with reload on Windows", "Linux flavour")
    )
    windows = ENTRY_B.replace('id = "beta-pickle-reload"', 'id = "windows-pickle"').replace(
        "Beta: pickle error with reload on Windows", "Windows flavour"
    )
    kb = write_kb(tmp_path, {"linux-pickle": linux, "windows-pickle": windows})
    return {"DOCTOR_KB_DIR": str(kb), "DOCTOR_CACHE_DIR": str(tmp_path / "cache")}


def test_platform_is_asked_when_the_paste_does_not_tell(tmp_path: Path) -> None:
    paste = (
        'Traceback (most recent call last):\n  File "serve.py", line 3, in <module>\n'
        "AttributeError: Can't pickle local object 'make.<locals>.app'\n"
    )
    child = _spawn(_platform_kb(tmp_path), paste)
    try:
        child.expect(r"Which operating system")
        child.sendline("beos")
        child.expect("Please answer linux, darwin or win32")
        child.sendline("win32")
        child.expect("Windows flavour")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def test_platform_read_from_windows_paths_is_not_asked(tmp_path: Path) -> None:
    paste = (
        "Traceback (most recent call last):\n"
        '  File "C:\\\\Users\\\\dev\\\\app\\\\serve.py", line 3, in <module>\n'
        "AttributeError: Can't pickle local object 'make.<locals>.app'\n"
    )
    child = _spawn(_platform_kb(tmp_path), paste)
    try:
        child.expect("Windows flavour")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "Which operating system" not in (child.before or "")
    assert child.exitstatus == 0


def test_version_answer_drops_entries_that_release_is_not_affected_by(tmp_path: Path) -> None:
    from tests.conftest import ENTRY_A, write_kb

    # Two entries that differ only in the releases they affect.
    old = ENTRY_A.replace("Alpha: pickle error with workers", "Old releases")
    new = (
        ENTRY_A.replace('id = "alpha-pickle"', 'id = "new-pickle"')
        .replace('specifier = ">=0.10.1,<0.10.6"', 'specifier = ">=0.30"')
        .replace("Alpha: pickle error with workers", "New releases")
    )
    kb = write_kb(tmp_path, {"alpha-pickle": old, "new-pickle": new})
    env = {"DOCTOR_KB_DIR": str(kb), "DOCTOR_CACHE_DIR": str(tmp_path / "cache")}
    child = _spawn(env)
    try:
        child.expect(r"Which uvicorn version")
        child.sendline("zero point ten")
        child.expect("is not a version number")
        child.sendline("0.31.0")
        child.expect("New releases")
        child.expect(pexpect.EOF)
        after = child.before or ""
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    assert "Old releases" not in after
    # The kept entry is judged for the version given.
    flat = " ".join(after.split())
    assert "verdict: affected — uvicorn 0.31.0 is in >=0.30 (version from your answer)" in flat
    assert flat.endswith("1 known failure: new-pickle — affected (0.31.0) — pass an import string")
    assert flat.count("Which uvicorn version") == 0  # asked once, before this output


def test_a_likely_match_is_confirmed_by_the_one_fact_it_needs(tmp_path: Path) -> None:
    """Issue 11: a generic message with nothing of uvicorn in the paste is only likely;
    the guided mode asks whether it came from uvicorn, and "yes" makes it the match."""
    from tests.conftest import REPO

    env = {"DOCTOR_KB_DIR": str(REPO / "kb"), "DOCTOR_CACHE_DIR": str(tmp_path / "cache")}
    for answer, status, shown in (("y", 0, "Find and stop the process"), ("n", 1, "Likely")):
        child = _spawn(env, "OSError: [Errno 98] Address already in use\n")
        try:
            child.expect("This looks like address-already-in-use")
            child.expect(r"come from a uvicorn server")
            child.sendline(answer)
            child.expect(shown)
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
        assert child.exitstatus == status


@pytest.mark.parametrize(
    ("line", "facts"),
    [
        ("INFO:     Started reloader process [1] using WatchFiles", {"reload": True}),
        ("WARNING:  WatchFiles detected changes in 'main.py'. Reloading...", {"reload": True}),
        ("$ uvicorn main:app --reload --port 8000", {"reload": True}),
        ("uvicorn main:app --workers 4", {"workers": True}),
        ("uvicorn main:app --workers 1", {}),
        ("INFO:     Uvicorn running on https://0.0.0.0:443", {"ssl": True}),
        (
            '    uvicorn.run("main:app", workers=2)',
            {"workers": True, "programmatic": True, "app_object": False},
        ),
        (
            "    uvicorn.run(app, reload=True)",
            {"reload": True, "programmatic": True, "app_object": True},
        ),
        ("INFO:     Application startup complete.", {}),
    ],
)
def test_paste_facts_are_what_the_paste_shows(line: str, facts: dict[str, bool]) -> None:
    from troubleshoot.diagnose import parse_paste
    from troubleshoot.match import paste_facts

    assert paste_facts(parse_paste(line + "\n")) == facts
