"""Index keys for signatures, so matching looks at a few candidates, not the whole KB.

A signature's keys are words that any text it matches must contain. A paste
is split into the same kind of words; only signatures with a key among the
paste's words are tried. Keys come from the regular expression itself: the
literal characters that every match must contain (for an alternation, one
key per branch). A signature with no such literal is "unkeyed" and always tried.
"""

from __future__ import annotations

import re
import re._constants as _c  # type: ignore[import-not-found]
import re._parser as _p  # type: ignore[import-not-found]
from collections.abc import Iterable

WORD = re.compile(r"[a-z0-9_]{3,}")
_MIN_KEY = 4


def words(text: str) -> set[str]:
    """The lower-cased words of ``text`` that can serve as keys."""
    return set(WORD.findall(text.lower()))


def _literal_runs(items: Iterable[tuple[object, object]]) -> list[list[str]]:
    """Mandatory literal runs in a parsed sequence; [[...]] per alternative."""
    runs: list[str] = []
    current: list[str] = []
    branches: list[list[str]] = []

    def flush() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    for op, arg in items:
        if op is _c.LITERAL:
            current.append(chr(arg))  # type: ignore[arg-type]
            continue
        flush()
        if op is _c.SUBPATTERN:
            inner = _literal_runs(arg[-1])  # type: ignore[index]
            if len(inner) == 1:
                runs.extend(inner[0])
            else:
                branches.extend(inner)
        elif op is _c.BRANCH and not runs and not branches:
            for alternative in arg[1]:  # type: ignore[index]
                alt = _literal_runs(alternative)
                branches.append([w for group in alt for w in group])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:  # type: ignore[index]
            inner = _literal_runs(arg[2])  # type: ignore[index]
            if len(inner) == 1:
                runs.extend(inner[0])
    flush()
    if branches and not runs:
        return branches
    return [runs]


def _inner_words(run: str, whole: bool) -> list[str]:
    """Words of a literal run; a word touching the run's edge may continue in the
    text (``SSLCont`` + ``\\w+``), so it is only a key when ``whole`` says the
    pattern's literals are complete identifiers."""
    found = [(m.start(), m.end(), m.group()) for m in WORD.finditer(run.lower())]
    return [
        w
        for start, end, w in found
        if whole or (start > 0 and run[start - 1] != "_" and end < len(run))
    ]


def regex_keys(pattern: str, *, whole: bool = False) -> set[str] | None:
    """Keys for a regex: one per alternative, or None when it has no usable literal."""
    try:
        parsed = _p.parse(pattern, 0)
    except re.error:
        return None
    keys: set[str] = set()
    for alternative in _literal_runs(list(parsed)):
        candidates = sorted(
            (w for run in alternative for w in _inner_words(run, whole) if len(w) >= _MIN_KEY),
            key=lambda w: (-len(w), w),
        )
        if not candidates:
            return None
        keys.add(candidates[0])
    return keys or None
