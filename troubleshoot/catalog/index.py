"""Find catalog messages inside a line in time linear in the line, not in the catalog.

Each specific message (each specific line of a multi-line one) is a *unit*, filed
under its rarest *anchor*: a literal word of its template whose edges are literal
too, so the word is a whole token of every rendering. A line is split into tokens
once; only the units filed under one of its tokens are candidates, a candidate is
dropped unless every other anchored word of it is among the line's tokens, and only
the survivors run their RE2 pattern.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import re2

from troubleshoot.catalog import template as tpl
from troubleshoot.catalog.model import Found, Message

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_TOKEN = re.compile(r"[A-Za-z0-9_]+")
# Words that most log lines carry whatever they say: never an anchor if avoidable.
_COMMON_IN_LOGS = frozenset(
    {
        "INFO",
        "ERROR",
        "WARNING",
        "WARN",
        "DEBUG",
        "CRITICAL",
        "TRACE",
        "Traceback",
        "File",
        "line",
        "in",
        "uvicorn",
        "error",
        "HTTP",
        "GET",
        "POST",
        "the",
        "to",
        "a",
        "is",
        "of",
        "and",
        "not",
    }
)


class _Match(Protocol):
    def start(self, group: int = 0) -> int: ...
    def end(self, group: int = 0) -> int: ...


class _Pattern(Protocol):
    def finditer(self, text: str) -> Iterable[_Match]: ...


@dataclass
class _Unit:
    message: Message
    part: int
    pattern: str
    words: frozenset[str]  # the anchored words: all are tokens of any rendering
    compiled: _Pattern | None = field(default=None, repr=False)

    def regex(self) -> _Pattern:
        if self.compiled is None:
            self.compiled = re2.compile(self.pattern, _OPTIONS)
        return self.compiled


def _units(message: Message) -> list[_Unit]:
    if not message.specific:
        return []
    pieces = tpl.segments(message.parts)
    units = []
    for index, piece in enumerate(pieces):
        if len(pieces) > 1 and not tpl.is_specific(piece):
            continue
        bounded = frozenset(w for w, closed in tpl.words(piece) if closed and not w.isdigit())
        if not bounded:  # every word touches a hole: its words are still likely tokens
            bounded = frozenset(w for w, _ in tpl.words(piece) if not w.isdigit())
        if bounded:
            units.append(
                _Unit(message, index if len(pieces) > 1 else 0, tpl.pattern(piece), bounded)
            )
    return units


class Index:
    """Messages filed under their rarest anchor word."""

    def __init__(self, messages: Sequence[Message]) -> None:
        units = [unit for message in messages for unit in _units(message)]
        frequency = Counter(word for unit in units for word in unit.words)
        self._by_word: dict[str, list[_Unit]] = {}
        for unit in units:
            anchor = min(
                unit.words,
                key=lambda w: (w in _COMMON_IN_LOGS, frequency[w], -len(w), w),
            )
            self._by_word.setdefault(anchor, []).append(unit)
        self._anchors = frozenset(self._by_word)
        self.size = len(units)

    def find(self, line: str) -> list[Found]:
        """Every indexed message whose rendering occurs in ``line``, leftmost first."""
        tokens = set(_TOKEN.findall(line))
        hits = tokens & self._anchors
        if not hits:
            return []
        found: list[Found] = []
        for word in hits:
            for unit in self._by_word[word]:
                if not unit.words <= tokens:
                    continue
                for match in unit.regex().finditer(line):
                    if match.end() > match.start():
                        found.append(Found(unit.message, match.start(), match.end(), unit.part))
        found.sort(key=lambda f: (f.start, f.start - f.end, f.message.id, f.part))
        return found
