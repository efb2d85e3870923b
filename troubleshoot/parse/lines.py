"""Recognisers for the single lines a CPython traceback is made of.

Each function looks at one line (already free of prefixes) and answers what it
is; none of them keeps state. Patterns are anchored and backtrack-free.
"""

from __future__ import annotations

import re
from typing import Literal

Chain = Literal["cause", "context"]

# "^C" is the terminal's echo of Ctrl-C, printed right before KeyboardInterrupt's traceback
_HEADER = re.compile(
    r"\s*(?:\^C)?(?:Exception Group )?Traceback \((?:most recent call last|innermost last)\):?$"
)
_FRAME = re.compile(
    r"\s*(?:> ?)?File \"(?P<file>[^\"]*)\", line (?P<line>\d{1,9})(?:, in (?P<func>\S+))?$"
)
_EXCEPTION = re.compile(r"(?P<type>(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)(?::(?: ?(?P<msg>.*)))?$")
_PROCESS = re.compile(r"Process (?P<name>[\w.-]{1,100}):$")
_REPEATED = re.compile(r"\s*\[Previous line repeated \d+ more times?\]$")
_CHAINS: dict[str, Chain] = {
    "During handling of the above exception, another exception occurred:": "context",
    "The above exception was the direct cause of the following exception:": "cause",
}

# Class-name endings that make a bare ``Name: text`` line an exception even outside a
# traceback (where prose like "Note: ..." must not count).
_STRICT_SUFFIXES = (
    "Error",
    "Exception",
    "Exit",
    "Interrupt",
    "Group",
    "Iteration",
    "Disconnect",
    "Disconnected",
    "Cancelled",
    "Timeout",
    "Failure",
)
_QUALIFIED_SUFFIXES = ("error", "timeout", "Warning")
_NOT_TYPES = frozenset({"Error", "Failure", "Timeout"})


def is_header(line: str) -> bool:
    """``Traceback (most recent call last):`` (also the exception-group variant)."""
    return "Traceback (" in line and _HEADER.match(line) is not None


def parse_frame(line: str) -> tuple[str, int, str] | None:
    """(file, line, function) of a ``File "...", line N, in func`` line."""
    if "File " not in line:
        return None
    m = _FRAME.match(line)
    if m is None:
        return None
    return m.group("file"), int(m.group("line")), m.group("func") or ""


def chain_kind(line: str) -> Chain | None:
    """How the exception before this separator line relates to the one after it."""
    return _CHAINS.get(line.strip()) if line[:1] in "DT " else None


def process_name(line: str) -> str | None:
    """``SpawnProcess-1`` from multiprocessing's ``Process SpawnProcess-1:``."""
    if not line.startswith("Process "):
        return None
    m = _PROCESS.match(line)
    return m.group("name") if m else None


def is_repeat_note(line: str) -> bool:
    return "Previous line" in line and _REPEATED.match(line) is not None


def is_marker(line: str) -> bool:
    """3.11+ position markers (``^^^^``, ``~~~^~~``) and SyntaxError carets."""
    stripped = line.strip()
    return bool(stripped) and not stripped.strip("^~")


def is_truncation(line: str) -> bool:
    """``... (truncated) ...``, ``< truncated lines 343-487 >`` and similar cut marks."""
    if "truncated" not in line:
        return False
    stripped = line.strip()
    return "(truncated)" in stripped or (len(stripped) < 80 and stripped[:1] in ".<[(")


def is_cut_line(line: str) -> bool:
    """A line that is only a cut mark (nothing else to read on it)."""
    return not strip_truncation(line).strip(" .") or line.strip()[:1] in "<[("


def strip_truncation(line: str) -> str:
    """The line without an inline ``... (truncated) ...`` mark."""
    return line.replace("... (truncated) ...", "").replace("(truncated)", "").rstrip()


def looks_like_type(name: str, *, strict: bool) -> bool:
    """Whether ``name`` is plausibly an exception class.

    ``strict`` is for lines outside any traceback, where ordinary text must not be
    taken for an exception; inside a traceback any class-like name is accepted.
    """
    last = name.rpartition(".")[2]
    if not last:
        return False
    if strict:
        if last in _NOT_TYPES:
            return False
        if last[0].isupper() and last.endswith(_STRICT_SUFFIXES):
            return True
        return "." in name and last.endswith(_QUALIFIED_SUFFIXES)
    return last[0].isupper() or "." in name


def parse_exception(line: str, *, strict: bool) -> tuple[str, str] | None:
    """(type, first message line) of a ``Type: message`` line, or None."""
    if not line or line[0].isspace():
        return None
    m = _EXCEPTION.match(line)
    if m is None:
        return None
    exc_type = m.group("type")
    if not looks_like_type(exc_type, strict=strict):
        return None
    return exc_type, (m.group("msg") or "").strip()
