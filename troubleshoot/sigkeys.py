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
_EDGE = "\0"  # marks a word boundary, ^ or $ inside a literal run (never a literal)
_MIN_KEY = 4


def words(text: str) -> set[str]:
    """The lower-cased words of ``text`` that can serve as keys."""
    return set(WORD.findall(text.lower()))


def _mandatory_runs(items: Iterable[tuple[object, object]]) -> list[str]:
    """Literal runs that every match of this sequence contains, whichever branch
    it takes: a group with alternatives, or an optional part, breaks the run and
    adds nothing (conservative: fewer literals, never a wrong one)."""
    runs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            runs.append("".join(current))
            current.clear()

    for op, arg in items:
        if op is _c.LITERAL:
            current.append(chr(arg))  # type: ignore[arg-type]
            continue
        if op is _c.AT and arg is not _c.AT_NON_BOUNDARY:
            current.append(_EDGE)  # \b, ^, $: the neighbouring word ends here
            continue
        flush()
        if op is _c.SUBPATTERN:
            body = list(arg[-1])  # type: ignore[index]
            if not any(inner_op is _c.BRANCH for inner_op, _ in body):
                runs.extend(_mandatory_runs(body))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:  # type: ignore[index]
            runs.extend(_mandatory_runs(arg[2]))  # type: ignore[index]
    flush()
    return runs


def _alternatives(pattern: str) -> list[list[tuple[object, object]]]:
    """The parsed alternatives of a whole pattern (none when it does not compile).

    A pattern that is one alternation at the top (``a|b|c``, or one group holding
    it) gives one item sequence per alternative; any other pattern gives one.
    """
    try:
        whole = list(_p.parse(pattern, 0))
    except re.error:
        return []
    seq = [item for item in whole if item[0] is not _c.AT]  # ^(a|b)$ is an alternation too
    if len(seq) == 1 and seq[0][0] is _c.SUBPATTERN:
        seq = list(seq[0][1][-1])
    if len(seq) == 1 and seq[0][0] is _c.BRANCH:
        return [list(alternative) for alternative in seq[0][1][1]]
    return [whole]


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


def word_sets(pattern: str, *, whole: bool = False) -> tuple[tuple[str, ...], ...]:
    """Per alternative of ``pattern``, the words any text it matches must contain.

    Empty when some alternative has no such word (the regex must then always run).
    """
    sets = []
    for alternative in _alternatives(pattern):
        runs = _mandatory_runs(alternative)
        found = sorted({w for run in runs for w in _inner_words(run, whole)})
        if not found:
            return ()
        sets.append(tuple(found))
    return tuple(sets)


def _pieces(runs: Iterable[str]) -> list[str]:
    return [piece for run in runs for piece in run.split(_EDGE) if len(piece) >= 3]


def _either_clauses(items: list[tuple[object, object]]) -> list[tuple[str, ...]]:
    """Clauses beyond the mandatory runs: a positive look-around's body must match
    too, and alternatives whose every branch holds a literal need one of them
    (``(?:NotImplementedError|too many file descriptors)``)."""
    clauses: list[tuple[str, ...]] = []
    for op, arg in items:
        if op is _c.ASSERT:
            body = list(arg[1])  # type: ignore[index]
            clauses += [(piece,) for piece in _pieces(_mandatory_runs(body))]
            clauses += _either_clauses(body)
        elif op is _c.SUBPATTERN:
            clauses += _either_clauses(list(arg[-1]))  # type: ignore[index]
        elif op is _c.BRANCH:
            options = []
            for branch in arg[1]:  # type: ignore[index]
                pieces = _pieces(_mandatory_runs(list(branch)))
                if not pieces:
                    break
                options.append(max(pieces, key=len))
            else:
                clauses.append(tuple(sorted(set(options))))
    return clauses


def literal_sets(pattern: str) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Per alternative of ``pattern``, the clauses every match satisfies: each
    clause lists literal strings (case as written) of which the match contains at
    least one. Empty when some alternative has no literal of 3+ characters."""
    sets = []
    for alternative in _alternatives(pattern):
        mandatory = sorted({(piece,) for piece in _pieces(_mandatory_runs(alternative))})
        clauses = tuple(mandatory + sorted(set(_either_clauses(alternative)) - set(mandatory)))
        if not clauses:
            return ()
        sets.append(clauses)
    return tuple(sets)


def regex_keys(pattern: str, *, whole: bool = False) -> set[str] | None:
    """Index keys for a regex: the longest word of each alternative, or None when
    some alternative has no word long enough to be worth indexing."""
    keys: set[str] = set()
    for alternative in word_sets(pattern, whole=whole):
        longest = sorted((w for w in alternative if len(w) >= _MIN_KEY), key=lambda w: (-len(w), w))
        if not longest:
            return None
        keys.add(longest[0])
    return keys or None
