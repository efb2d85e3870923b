"""Wording is version evidence: which uvicorn releases can have printed this paste.

uvicorn's messages change wording between releases (``Uvicorn running on http://...``
gained its scheme in 0.4.3, ``StatReload detected file change in`` became ``changes
in`` in 0.18.0). The message catalog (kb/catalog/, generated from every release's
sources) says which releases print each message, so a paste that shows no version
still narrows it: the releases that print every such line of the paste. An entry is
then judged over that set: affected by every release in it, by none, or by some.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from troubleshoot.pasteview import PasteView
from troubleshoot.versions import Affectedness, contains, verdict

if TYPE_CHECKING:
    from collections.abc import Mapping

    from troubleshoot.catalog.model import Found, Message
    from troubleshoot.schema import Entry
    from troubleshoot.versions import Status

# Distinct lines looked at (a long log repeats itself; the catalog lookup is per line).
MAX_LINES = 3000


@dataclass(frozen=True)
class Clue:
    line_no: int
    template: str
    releases: tuple[str, ...]  # PEP 440 ranges of the releases that print it


@dataclass(frozen=True)
class Wording:
    """The uvicorn releases consistent with every version-specific line of a paste."""

    clues: tuple[Clue, ...]
    releases: tuple[str, ...]  # the candidate releases, oldest first

    def span(self) -> str:
        first, last = self.releases[0], self.releases[-1]
        return first if first == last else f"{first} to {last}"

    def describe(self) -> str:
        clue = self.clues[0]
        more = f" and {len(self.clues) - 1} more line(s)" if len(self.clues) > 1 else ""
        return (
            f"the wording of line {clue.line_no} ({clue.template!r}, uvicorn "
            f"{', '.join(clue.releases)}){more} narrows the version to {self.span()}"
        )


@functools.lru_cache(maxsize=4)
def _uvicorn_catalog(kb_dir: Path) -> object | None:
    """The uvicorn messages of the catalog, or None when the KB has no catalog."""
    from troubleshoot.catalog.lookup import Catalog
    from troubleshoot.catalog.model import read_file

    path = kb_dir / "catalog" / "uvicorn.json"
    if not path.is_file():
        return None
    return Catalog([read_file(path)])


def _readings(found: list[Found]) -> list[list[Message]]:
    """Per place in a line, the messages that read the most of it there: a message
    that is a prefix of a longer one (``Started reloader process [{}]`` of ``...
    using {}``) is not a reading of its own; two templates of the same text (the
    wording of two releases) are both readings."""
    by_start: dict[int, list[Found]] = {}
    for hit in found:
        by_start.setdefault(hit.start, []).append(hit)
    out = []
    for hits in by_start.values():
        longest = max(h.end for h in hits)
        out.append([h.message for h in hits if h.end == longest])
    return out


# Only what uvicorn itself logs, warns or prints is its wording: the text of an
# exception it raises may be Python's own (``module {} has no attribute {}``,
# ``asyncio.run() cannot be called from a running event loop``).
_OWN_KINDS = frozenset({"log", "warn", "print", "exit"})


def _in(ranges: tuple[str, ...], version: str) -> bool:
    return any(contains(rng, version) for rng in ranges)


@functools.lru_cache(maxsize=1024)
def _printed_by(ranges: tuple[str, ...], every: tuple[str, ...]) -> frozenset[str]:
    """The releases among ``every`` that a message with these ranges is in."""
    return frozenset(r for r in every if _in(ranges, r))


def wording(view: PasteView, kb_dir: Path) -> Wording | None:
    """The releases the paste's version-specific lines allow, or None when no line
    narrows the version (or the lines contradict each other: two releases' output)."""
    from troubleshoot.catalog.lookup import Catalog

    found = _uvicorn_catalog(kb_dir)
    if not isinstance(found, Catalog):
        return None
    every = found.releases("uvicorn")
    candidates = set(every)
    clues: list[Clue] = []
    for index, line in enumerate(view.distinct_text.split("\n")[:MAX_LINES]):
        own = [hit for hit in found.find(line) if hit.message.kind in _OWN_KINDS]
        for readings in _readings(own):
            # the line is any one of the messages that read it whole: their releases
            inside = candidates & frozenset().union(
                *(_printed_by(m.releases, every) for m in readings)
            )
            if len(inside) == len(candidates):
                continue  # says nothing more about the version
            ranges = tuple(rng for m in readings for rng in m.releases)
            clues.append(Clue(view.first_line[index], readings[0].template, ranges))
            candidates = inside
    if not clues or not candidates:
        return None
    return Wording(tuple(clues), tuple(r for r in every if r in candidates))  # oldest first


def judged(entry: Entry, found: Wording, env: Mapping[str, str] | None) -> Affectedness:
    """The entry's verdict over every release the wording allows."""
    package = entry.package.lower()
    statuses = [verdict(entry, {package: r}, env).status for r in found.releases]
    affected = [r for r, s in zip(found.releases, statuses, strict=True) if s == "affected"]
    if len(affected) == len(statuses):
        return Affectedness("affected", package, None, f"{found.describe()}: all affected")
    if not affected:
        status: Status = "fixed" if all(s == "fixed" for s in statuses) else "not-affected"
        return Affectedness(status, package, None, f"{found.describe()}: none affected")
    share = f"{len(affected)} of those {len(statuses)} releases are affected"
    return Affectedness("unknown", package, None, f"{found.describe()}; {share}")
