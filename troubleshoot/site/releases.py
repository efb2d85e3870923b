"""The version verdicts the site shows, computed here at export time.

The browser decides nothing about versions: for every entry and every release
of its package (the release list of the offline message catalog,
``kb/catalog/<package>.json``), :func:`troubleshoot.versions.release_status`
is evaluated once and written as one letter per release. ``site.js`` only looks
the typed version up in that table, so the site answers what ``doctor list
--version`` and ``doctor show --version`` answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from troubleshoot.schema import Entry
from troubleshoot.versions import RELEASE_STATUSES, ReleaseStatus, canonicalize_name, release_status

# One letter per release status, in the order of RELEASE_STATUSES.
STATUS_CODES: dict[str, str] = {
    "affected": "a",
    "conditional": "c",
    "fixed": "f",
    "not-affected": "n",
    "any-version": "v",
}
assert tuple(STATUS_CODES) == RELEASE_STATUSES

Releases = Mapping[str, Sequence[str]]


def _catalog_releases(kb_dir: Path, packages: set[str]) -> dict[str, tuple[str, ...]]:
    from troubleshoot.catalog.lookup import load

    try:
        catalog = load(kb_dir)
    except FileNotFoundError:
        return {}
    return {p: r for p in sorted(packages) if (r := catalog.releases(p))}


def release_lists(kb_dir: Path, entries: Iterable[Entry]) -> dict[str, tuple[str, ...]]:
    """Package -> its releases (oldest first), for the packages of ``entries``.

    From the catalog of ``kb_dir``; a KB without a catalog (a test or private KB)
    gets the release lists of the catalog the tool ships with. A package with no
    release list is left out (its pages answer no version question).
    """
    packages = {canonicalize_name(e.package) for e in entries}
    found = _catalog_releases(kb_dir, packages)
    if missing := packages - set(found):
        from troubleshoot.config import _data_dir

        shipped = _data_dir("kb")  # the KB inside the checkout or the installed wheel
        if shipped.resolve() != kb_dir.resolve():
            found |= _catalog_releases(shipped, missing)
    return dict(sorted(found.items()))


def statuses(entry: Entry, releases: Releases) -> list[ReleaseStatus]:
    """``release_status`` of ``entry`` for each release of its package."""
    return [release_status(entry, r) for r in releases.get(canonicalize_name(entry.package), ())]


def encode(entry: Entry, releases: Releases) -> str:
    """The statuses as one letter per release (``STATUS_CODES``); "" without a release list."""
    return "".join(STATUS_CODES[s] for s in statuses(entry, releases))
