"""Text quoted from input, made safe to show: in a terminal, a CI log, XML, Markdown.

Version strings from lock files, file names from a scanned tree, reasons from a
pyproject.toml reach every output format. Left raw, an ESC sequence retitles the
terminal or clears the screen, a newline starts a line the GitHub Actions runner obeys
(``::add-mask::``, ``::stop-commands::``), a C1 control (U+009B is a one-byte CSI) or a
bidi override hides what is printed, and a control character makes XML ill-formed.
:func:`shown` writes every such character as a visible escape (``\\x1b``, ``\\n``,
``\\u202e``); the report models apply it to every field that holds input, once, so
each format gets safe text.
"""

from __future__ import annotations

import re

# C0 controls (tab and newline too: one value is one line), DEL, C1 controls, the bidi
# embeddings, overrides, isolates and marks, the Unicode line/paragraph separators,
# and what XML 1.0 cannot hold (surrogates, U+FFFE, U+FFFF).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(found: re.Match[str]) -> str:
    char = found.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """``text`` with every control, bidi or XML-invalid character written visibly."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def shown_or_none(text: str | None) -> str | None:
    return None if text is None else shown(text)
