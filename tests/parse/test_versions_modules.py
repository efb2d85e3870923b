"""Versions, Python version, platform, and frame modules."""

from __future__ import annotations

import pytest
from helpers import parse_sample

from troubleshoot.parse import parse_paste
from troubleshoot.parse.modules import module_for


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("    load_entry_point('uvicorn==0.7.0', 'console_scripts', 'uvicorn')()", "0.7.0"),
        ("/v/lib/python3.8/site-packages/uvicorn-0.10.1.dist-info/RECORD", "0.10.1"),
        (
            '  File "/v/lib/python3.8/site-packages/uvicorn-0.11.3-py3.8.egg/uvicorn/main.py"',
            "0.11.3",
        ),
        ("Running uvicorn 0.30.1 with CPython 3.11.4 on Linux", "0.30.1"),
        ("uvicorn==0.13.4", "0.13.4"),
        ("fastapi==0.65.2 uvicorn==0.13.4 starlette==0.14.2", "0.13.4"),
        ("$ uvicorn main:app --reload  # --version uvicorn=0.10.1", "0.10.1"),
        ("uvicorn version: 0.29.0", "0.29.0"),
    ],
)
def test_uvicorn_version_sources(line: str, expected: str) -> None:
    assert parse_paste(line + "\n").versions.get("uvicorn") == expected


@pytest.mark.parametrize(
    "line",
    [
        "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)",
        "INFO:     Started server process [31388]",
        '  File "/v/lib/python3.8/site-packages/uvicorn/main.py", line 256, in main',
        "    if workers==2.0: pass",
        "uvicorn main:app --port 8000 --workers 2",
        "host=127.0.0.1 port=8000",
    ],
)
def test_no_version_from_unrelated_numbers(line: str) -> None:
    assert "uvicorn" not in parse_paste(line + "\n").versions


def test_pip_freeze_and_pip_show() -> None:
    parsed = parse_sample("versions_misc.txt")
    assert parsed.versions == {
        "uvicorn": "0.30.1",
        "anyio": "4.4.0",
        "fastapi": "0.111.0",
        "starlette": "0.37.2",
        "typing-extensions": "4.12.2",
    }
    assert (parsed.python_version, parsed.platform) == ("3.11", "linux")
    shown = parse_paste(
        "Name: Uvicorn\nVersion: 0.15.0\nSummary: The lightning-fast ASGI server.\n"
    )
    assert shown.versions == {"uvicorn": "0.15.0"}


def test_conflicting_versions_keep_the_first_and_say_so() -> None:
    parsed = parse_paste("uvicorn==0.13.4\nuvicorn==0.14.0\n")
    assert parsed.versions == {"uvicorn": "0.13.4"}
    assert any("0.14.0" in note for note in parsed.notes)


@pytest.mark.parametrize(
    ("text", "python"),
    [
        ('File "/usr/lib/python3.7/multiprocessing/process.py", line 1', "3.7"),
        ('File "C:\\Python37\\lib\\asyncio\\base_events.py", line 1', "3.7"),
        ('File "C:\\Users\\a\\AppData\\Local\\Programs\\Python\\Python311\\Lib\\x.py"', "3.11"),
        ("/srv/.venv/lib/python3.11/site-packages/uvicorn/config.py", "3.11"),
        ("Running uvicorn 0.30.1 with CPython 3.12.2 on Darwin", "3.12"),
        ("uvicorn-0.11.3-py3.8.egg/uvicorn/main.py", "3.8"),
        ("INFO:     Started server process [3]", None),
    ],
)
def test_python_version(text: str, python: str | None) -> None:
    assert parse_paste(text + "\n").python_version == python


@pytest.mark.parametrize(
    ("text", "platform"),
    [
        ('File "C:\\Users\\x\\venv\\lib\\site-packages\\uvicorn\\main.py", line 1', "win32"),
        ('File "\\\\fileserver\\share\\app\\main.py", line 1', "win32"),
        ('File "/Users/x/proj/.venv/lib/python3.9/site-packages/a.py", line 1', "darwin"),
        ('File "/Library/Frameworks/Python.framework/Versions/3.9/lib/python3.9/x.py"', "darwin"),
        ('File "/opt/homebrew/lib/python3.12/site-packages/a.py", line 1', "darwin"),
        ('File "/usr/lib/python3.7/multiprocessing/process.py", line 1', "linux"),
        ('File "/home/x/app/main.py", line 1', "linux"),
        ('File "/root/app/main.py", line 1', "linux"),
        ('File "/app/main.py", line 1', "linux"),
        ("Running uvicorn 0.30.1 with CPython 3.12.2 on Windows", "win32"),
        ('File "/tmp/x/main.py", line 1', None),
        ('File "main.py", line 1', None),
        # disagreeing evidence: no guess
        ('File "/home/x/a.py", line 1\nFile "C:\\x\\b.py", line 2', None),
    ],
)
def test_platform(text: str, platform: str | None) -> None:
    assert parse_paste(text + "\n").platform == platform


@pytest.mark.parametrize(
    ("path", "module"),
    [
        (
            "/v/lib/python3.7/site-packages/uvicorn/supervisors/statreload.py",
            "uvicorn.supervisors.statreload",
        ),
        ("/v/lib/python3.7/site-packages/uvicorn/__init__.py", "uvicorn"),
        ("/usr/lib/python3/dist-packages/uvicorn/server.py", "uvicorn.server"),
        ("/usr/lib/python3.7/multiprocessing/process.py", "multiprocessing.process"),
        ("/usr/lib/python3.13t/asyncio/runners.py", "asyncio.runners"),
        ("<frozen importlib._bootstrap>", "importlib._bootstrap"),
        ("<frozen runpy>", "runpy"),
        ("C:\\Users\\x\\venv\\Lib\\site-packages\\uvicorn\\main.py", "uvicorn.main"),
        ("C:\\Python37\\lib\\asyncio\\base_events.py", "asyncio.base_events"),
        (
            "C:\\Users\\t\\scoop\\apps\\python37\\3.7.7\\lib\\multiprocessing\\spawn.py",
            "multiprocessing.spawn",
        ),
        ("/v/site-packages/uvicorn-0.11.3-py3.8.egg/uvicorn/main.py", "uvicorn.main"),
        ("uvloop/loop.pyx", "uvloop.loop"),
        ("./uvicorn/main.py", "uvicorn.main"),
        ("app/main.py", "app.main"),
        ("/home/x/app/main.py", None),
        ("/srv/tls-demo/.venv/bin/uvicorn", None),
        ("<stdin>", None),
        ("<string>", None),
        ("/v/site-packages/my-pkg/x.py", None),
    ],
)
def test_module_for(path: str, module: str | None) -> None:
    assert module_for(path) == module


def test_pip_show_of_two_packages_with_the_same_version() -> None:
    """Distinct-line scanning must not drop the second `Version:` line."""
    from troubleshoot.parse import parse_paste

    text = "Name: uvicorn\nVersion: 0.30.1\nSummary: x\nName: fastapi\nVersion: 0.30.1\n"
    assert parse_paste(text).versions == {"uvicorn": "0.30.1", "fastapi": "0.30.1"}
