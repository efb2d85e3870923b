"""What the signatures search, computed once per paste.

The parser's records (exceptions, log events) are one way to find a message; users
paste in so many formats that the matcher also looks for every message *anywhere in
a line*, whatever log format, decoration or container surrounds it. This module
builds that view: the paste's distinct lines, its words, the ``Type: message``
mentions found inside lines (an exception-group fragment, a line cut from its
traceback), and the evidence that uvicorn is involved at all, or that another
server printed the paste.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from troubleshoot.parse.model import Parsed
from troubleshoot.sigkeys import words

# "h11._util.LocalProtocolError: Too little data" anywhere in a line (after "| ",
# "(ServeReplica pid=1) ", a timestamp): a class-like name right before ": ".
_TYPE = re.compile(
    r"(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Interrupt|Exit|Warning|Group|Disconnect"
    r"|Timeout|Failure)"
)
_DELIMITERS = re.compile(r"[\s|(>:\]\"'`]")


def _mention(line: str) -> tuple[str, str] | None:
    """(type, message) of the first ``Type: message`` inside ``line``."""
    index = line.find(": ")
    for _ in range(5):
        if index < 0:
            return None
        head = line[max(0, index - 300) : index]
        token = _DELIMITERS.split(head)[-1]
        message = line[index + 2 :].strip()
        if token and message and _TYPE.fullmatch(token):
            return token, message
        index = line.find(": ", index + 2)
    return None


_UVICORN_FRAME = re.compile(r"(?:^|[/\\])uvicorn[/\\]|^uvicorn(?:\.|$)")
# Frames of other servers: without uvicorn in the paste, their errors are theirs.
_FOREIGN_FRAME = re.compile(
    r"(?:^|[/\\.])(?:werkzeug|hypercorn|daphne|waitress|tornado|sanic|granian|twisted|"
    r"cheroot|bjoern|aiohttp[/\\.]web|socketserver|http[/\\.]server|django[/\\.]core[/\\.]"
    r"servers|gunicorn[/\\.]workers[/\\.](?:sync|gthread|ggevent|geventlet))"
)
_FOREIGN_WORDS = frozenset({"werkzeug", "hypercorn", "daphne", "waitress", "granian"})
# Start-up lines of other servers and IPython's traceback format (log prefixes are
# already off: gunicorn's "[date] [pid] [INFO] " is gone from "Starting gunicorn").
_FOREIGN_LINES = re.compile(
    r"^ ?\* (?:Serving Flask app|Running on http)|^Starting gunicorn \d|^Cell In\[\d+\], line \d"
    r"|\[IPKernelApp\]|^Running on http\S+ \(CTRL \+ C to quit\)",
    re.M,
)


@dataclass(frozen=True)
class Mention:
    type: str
    message: str
    line_no: int


@dataclass(frozen=True)
class PasteView:
    """The paste as the signatures see it."""

    parsed: Parsed
    words: frozenset[str]
    folded_text: str  # the paste, lower-cased, for case-insensitive literal checks
    distinct_text: str  # each distinct line once, in order of first appearance
    first_line: tuple[int, ...]  # distinct line index -> 1-based line in the paste
    log_messages: tuple[tuple[str, int], ...]  # distinct messages, with their first line
    mentions: tuple[Mention, ...]
    involved: tuple[str, ...]  # why the paste shows uvicorn (empty: it does not)
    foreign: tuple[str, ...]  # other servers the paste shows

    @classmethod
    def of(cls, parsed: Parsed) -> PasteView:
        first: dict[str, int] = {}
        for number, line in enumerate(parsed.text.split("\n"), 1):
            first.setdefault(line, number)
        messages: dict[str, int] = {}
        for event in parsed.log_events:
            messages.setdefault(event.message, event.line_no)
        found_words = frozenset(paste_words(parsed))
        places = _frames(parsed)
        mentions = tuple(
            Mention(found[0], found[1], line_no)
            for line, line_no in first.items()
            if ": " in line
            for found in (_mention(line),)
            if found is not None
        )
        return cls(
            parsed,
            found_words,
            parsed.text.lower(),
            "\n".join(first),
            tuple(first.values()),
            tuple(messages.items()),
            mentions,
            _involvement(parsed, found_words, places),
            _foreign(parsed, found_words, places),
        )

    def line_no_at(self, offset: int) -> int:
        """The paste line of an offset into ``distinct_text``."""
        return self.first_line[self.distinct_text.count("\n", 0, offset)]


def paste_words(parsed: Parsed) -> set[str]:
    """Every word a signature could match on: the (capped) text, and the records,
    which the parser keeps even when the text had to be cut."""
    found = words(parsed.text)
    for exc in parsed.exceptions:
        found |= words(f"{exc.type} {exc.message}")
    for event in parsed.log_events:
        found |= words(event.message)
    return found


def _frames(parsed: Parsed) -> list[str]:
    """Each frame's dotted module and its file, for the frame checks below."""
    return [p for e in parsed.exceptions for f in e.frames for p in (f.module or f.file, f.file)]


def _involvement(parsed: Parsed, found_words: frozenset[str], places: list[str]) -> tuple[str, ...]:
    reasons = []
    if any(_UVICORN_FRAME.search(place) for place in places):
        reasons.append("a uvicorn frame in the traceback")
    if "uvicorn" in found_words:
        reasons.append("the word 'uvicorn' (a command, logger or package)")
    if parsed.uvicorn_log_lines:
        reasons.append(f"{parsed.uvicorn_log_lines} lines in uvicorn's log format")
    return tuple(reasons)


def _foreign(parsed: Parsed, found_words: frozenset[str], places: list[str]) -> tuple[str, ...]:
    found = {
        m.group(0).strip("/\\.")
        for place in places
        for m in (_FOREIGN_FRAME.search(place),)
        if m is not None
    }
    found |= found_words & _FOREIGN_WORDS
    if _FOREIGN_LINES.search(parsed.text):
        found.add("another server's start-up lines")
    return tuple(sorted(found))
