"""Sets of releases written as PEP 440 ranges, and back.

Given the sorted list of every release and the subset that holds a message, each run
of consecutive releases becomes one range: from the first release of the run to the
first later release that lacks the message (``>=0.11.2,<0.30.0``), open-ended when
the run reaches the newest release (``>=0.11.2``). A message that disappears and
comes back gets several disjoint ranges.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

# packaging is imported where it is used: reading the catalog (the matcher's wording
# evidence) must not pay its ~15 ms of start-up.


def sort_versions(versions: Collection[str]) -> list[str]:
    """Versions in PEP 440 order."""
    from packaging.version import Version

    return sorted(versions, key=Version)


def compact(present: Collection[str], releases: Sequence[str]) -> tuple[str, ...]:
    """The disjoint ranges covering exactly ``present`` among ``releases`` (sorted)."""
    wanted = set(present)
    unknown = wanted - set(releases)
    if unknown:
        raise ValueError(f"not among the releases: {sorted(unknown)}")
    ranges: list[str] = []
    start: str | None = None
    for release in releases:
        if release in wanted:
            if start is None:
                start = release
        elif start is not None:
            ranges.append(f">={start},<{release}")
            start = None
    if start is not None:
        ranges.append(f">={start}")
    return tuple(ranges)


def expand(ranges: Sequence[str], releases: Sequence[str]) -> list[str]:
    """The releases that the ranges contain (the inverse of ``compact``)."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    sets = [SpecifierSet(r) for r in ranges]
    return [r for r in releases if any(Version(r) in s for s in sets)]


def contains(ranges: Sequence[str], version: str) -> bool:
    """Whether ``version`` falls in one of the ranges."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    parsed = Version(version)
    return any(parsed in SpecifierSet(r, prereleases=True) for r in ranges)
