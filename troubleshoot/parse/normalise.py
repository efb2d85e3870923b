"""Turn raw pasted text into clean lines: no ANSI escapes, no CR, no control bytes.

Everything here works on the whole text or on one line at a time, with regexes
that cannot backtrack, so the cost is linear in the size of the paste.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Longest line the parser looks at; the rest of a longer line is dropped (and noted),
# which bounds the work any per-line regex can do.
MAX_LINE_CHARS = 8192

# CSI (colours, cursor moves), OSC (titles, hyperlinks; ended by BEL or ST, or by the
# end of the line when a paste lost the terminator) and two-byte escapes.
_ANSI = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|[@-Z\\-_])"
    # the same as one-byte C1 controls: CSI (U+009B) and OSC (U+009D)
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x1b\x9c\n]*(?:\x07|\x9c|\x1b\\)?"
)
# SGR sequences whose ESC byte was lost on the way ("[32mINFO[0m:"), common in
# text copied from web pages and CI logs.
_BARE_SGR = re.compile(r"\[(?:\d{1,3};){0,4}\d{1,3}m")
# C0 controls except TAB and LF (CR is handled separately), DEL, the C1 controls
# (U+009B is a one-byte CSI, U+009D an OSC) and the bidi embeddings, overrides and
# isolates, which would reorder what the report quotes from the paste.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")


def clean_text(text: str) -> str:
    """Remove ANSI escapes and control bytes; make every line end with LF only."""
    if "\u2190[" in text:  # a Windows console without VT processing shows ESC as "←"
        text = text.replace("\u2190[", "\x1b[")
    if "\x1b" in text or "\x9b" in text or "\x9d" in text:
        text = _ANSI.sub("", text)
    if "m" in text and "[" in text:
        text = _BARE_SGR.sub("", text)
    text = _CONTROL.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\n" not in text:  # classic Mac line endings
            text = text.replace("\r", "\n")
    return text


def _last_overwrite(line: str) -> str:
    """What a terminal shows for a line with bare CRs: the last non-empty segment."""
    for segment in reversed(line.split("\r")):
        if segment.strip():
            return segment
    return ""


class LineSource:
    """Iterate the lines of cleaned text as ``(line_no, line)``, 1-based, without copying it.

    ``long_lines`` counts lines cut to :data:`MAX_LINE_CHARS`.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self.long_lines = 0

    def __iter__(self) -> Iterator[tuple[int, str]]:
        text = self._text
        size = len(text)
        start = 0
        line_no = 0
        while start < size:
            end = text.find("\n", start)
            if end < 0:
                end = size
            line_no += 1
            if end - start > MAX_LINE_CHARS:
                self.long_lines += 1
                line = text[start : start + MAX_LINE_CHARS]
            else:
                line = text[start:end]
            if "\r" in line:
                line = _last_overwrite(line)
            yield line_no, line
            start = end + 1


def count_lines(text: str) -> int:
    """Number of lines as an editor shows them (a final newline ends the last line)."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)
