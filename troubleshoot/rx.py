"""The one regex engine for KB signatures: RE2, so matching is linear in the paste.

Python's ``re`` backtracks: a signature such as ``(a+)+$`` or a lazy ``[\\s\\S]*?``
between two alternations can take minutes on a long paste, and ``re`` has no time
limit. RE2 (``google-re2``) guarantees time linear in the text for every pattern it
accepts; it refuses look-arounds and back-references, which the schema replaces with
declarative guards (``unless``, ``unless_before``, ``with_text``, ``followed_by``,
``min_repeats``; see docs/kb-schema.md). ``kb validate`` rejects any pattern RE2
cannot compile, so no signature can bring backtracking back.
"""

from __future__ import annotations

import functools
from typing import Protocol

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors are raised (and reported by kb validate), not logged


class Match(Protocol):
    def start(self, group: int = 0) -> int: ...
    def end(self, group: int = 0) -> int: ...
    def group(self, group: int = 0) -> str: ...


class Pattern(Protocol):
    def search(self, text: str, pos: int = 0, endpos: int = ...) -> Match | None: ...


def problem(pattern: str) -> str | None:
    """Why RE2 refuses ``pattern`` (a sentence), or None when it compiles."""
    try:
        re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else exc
        hint = ""
        if "(?" in pattern and ("(?=" in pattern or "(?!" in pattern or "(?<" in pattern):
            hint = "; look-arounds are not allowed: use the signature's unless/with_text guards"
        elif "\\1" in pattern or "\\2" in pattern:
            hint = "; back-references are not allowed: use followed_by with {1}"
        elif "\\Z" in pattern:
            hint = "; write \\z for the end of the text"
        return f"not a linear-time (RE2) regular expression: {reason}{hint}"
    return None


@functools.lru_cache(maxsize=8192)
def compile(pattern: str, *, multiline: bool = False, ignore_case: bool = False) -> Pattern:
    """``pattern`` compiled by RE2 (cached); flags as inline ``(?m)`` / ``(?i)``."""
    flags = ("m" if multiline else "") + ("i" if ignore_case else "")
    source = f"(?{flags}){pattern}" if flags else pattern
    compiled: Pattern = re2.compile(source, _OPTIONS)
    return compiled


def escape(text: str) -> str:
    return str(re2.escape(text))
