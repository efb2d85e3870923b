"""Does a paste come from a frozen program (PyInstaller and the like)?

A frozen program's modules live in an archive: their traceback frames carry
archive-relative paths (``uvicorn\\main.py``, ``logging/config.py``) and no
source line, since there is no source file to read. PyInstaller's bootloader
adds ``[PID] Failed to execute script ...`` after an unhandled exception, and
its one-file builds unpack into a ``_MEI<digits>`` folder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from troubleshoot.parse.model import Frame

_BOOTLOADER = re.compile(r"^\[\d+\] Failed to execute script\b", re.MULTILINE)
_MEI_DIR = re.compile(r"[\\/]_MEI\d+[\\/]")
# pkg/module.py or pkg\sub\module.py: relative, at least one folder, no drive.
_ARCHIVE_PATH = re.compile(r"[A-Za-z_]\w*(?:[\\/][A-Za-z_]\w*)+\.pyc?")
# One relative frame can be a script run from its parent folder (python app/main.py
# on Python < 3.9); two library frames without source cannot.
MIN_ARCHIVE_FRAMES = 2


def is_frozen(frames: Iterable[Frame], text: str) -> bool:
    archived = 0
    for frame in frames:
        if _MEI_DIR.search(frame.file):
            return True
        if frame.source is None and _ARCHIVE_PATH.fullmatch(frame.file):
            archived += 1
            if archived >= MIN_ARCHIVE_FRAMES:
                return True
    return "Failed to execute script" in text and _BOOTLOADER.search(text) is not None
