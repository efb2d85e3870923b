"""A frozen program is read from its frames (archive-relative, no source) and bootloader."""

from __future__ import annotations

from troubleshoot.parse import parse_paste

FROZEN_WINDOWS = """\
Traceback (most recent call last):
  File "main.py", line 115, in <module>
  File "uvicorn\\main.py", line 375, in run
  File "uvicorn\\config.py", line 205, in __init__
ValueError: Unable to configure formatter 'default'
"""

SCRIPT_FROM_PARENT = """\
Traceback (most recent call last):
  File "app/main.py", line 9, in <module>
    uvicorn.run(app)
  File "/srv/venv/lib/python3.8/site-packages/uvicorn/main.py", line 463, in run
    server.run()
ValueError: Unable to configure formatter 'default'
"""


def test_archive_relative_frames_without_source_are_frozen() -> None:
    parsed = parse_paste(FROZEN_WINDOWS)
    assert parsed.frozen
    assert parsed.facts == {"frozen": True}
    assert parsed.to_dict()["frozen"] is True


def test_bootloader_line_alone_is_enough() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "server.py", line 3, in <module>\n'
        "ModuleNotFoundError: No module named 'uvicorn.loops'\n"
        "[12345] Failed to execute script 'server' due to unhandled exception!\n"
    )
    assert parse_paste(text).frozen


def test_onefile_unpack_folder_is_frozen() -> None:
    text = (
        "Traceback (most recent call last):\n"
        '  File "C:\\\\Users\\\\me\\\\AppData\\\\Local\\\\Temp\\\\_MEI80122\\\\uvicorn\\\\main.py",'
        " line 1, in run\n"
        "RuntimeError: boom\n"
    )
    assert parse_paste(text).frozen


def test_a_script_run_from_its_parent_folder_is_not_frozen() -> None:
    parsed = parse_paste(SCRIPT_FROM_PARENT)
    assert not parsed.frozen
    assert "frozen" not in parsed.facts
    # One relative frame without its source line (a deleted file) is not enough either.
    one = (
        "Traceback (most recent call last):\n"
        '  File "app/main.py", line 9, in <module>\n'
        "OSError: x\n"
    )
    assert not parse_paste(one).frozen
