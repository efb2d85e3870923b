"""PEP 440 containment for the simple cases the KB uses, without importing packaging.

``packaging.specifiers`` costs ~15 ms to import (large verbose regexes), a tenth
of the CLI's start-up. KB ranges are comparisons (``>=0.5.0,<0.8.1``) on final
releases, optionally ``.postN``: this module answers those directly and returns
None for anything else (pre-releases, wildcards, ``~=``, ``===``, local
versions), so the caller falls back to packaging. A property test checks it
against packaging.
"""

from __future__ import annotations

import functools
import re

_VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)(?:[.-]?post[.-]?(\d+))?$", re.IGNORECASE)
_CLAUSE = re.compile(r"^(==|!=|<=|>=|<|>)\s*(.+)$")
Key = tuple[tuple[int, ...], int]  # (release without trailing zeros, post or -1)


@functools.lru_cache(maxsize=4096)  # the same releases and bounds come up again and again
def _key(version: str) -> Key | None:
    found = _VERSION.match(version.strip())
    if not found:
        return None
    release = [int(part) for part in found.group(1).split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    return tuple(release), int(found.group(2)) if found.group(2) is not None else -1


def _clause(op: str, v: Key, bound: Key) -> bool:
    if op == "==":
        return v == bound
    if op == "!=":
        return v != bound
    if op == ">=":
        return v >= bound
    if op == "<=":
        return v <= bound
    if op == "<":
        return v < bound
    # ">": post-releases of the bound itself do not count (PEP 440), unless the bound is one.
    return v > bound and not (v[0] == bound[0] and bound[1] == -1)


def fast_contains(specifier: str, version: str) -> bool | None:
    """True/False for simple specifiers and versions; None when packaging must decide."""
    v = _key(version)
    if v is None:
        return None
    for raw in specifier.split(","):
        clause = raw.strip()
        if not clause:
            continue
        found = _CLAUSE.match(clause)
        if not found or "*" in found.group(2):
            return None
        bound = _key(found.group(2))
        if bound is None:
            return None
        if not _clause(found.group(1), v, bound):
            return False
    return True
