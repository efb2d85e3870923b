"""Find where a scenario's outcome changes across uvicorn releases.

The search is anchored on what is claimed (one release inside each of the
entry's stated ``affected`` ranges), the oldest release the scenario covers,
the newest one and a coarse sample (about ``SAMPLES`` evenly spaced releases).
Between two probed releases whose result differs, a binary
search (outcome assumed monotonic between them) finds the adjacent pair where
it changes; the same is done for a change of *kind* within one outcome (a
release that prints a warning but still crashes). The neighbours of every edge
are then run too, to confirm it. Ranges between two probes with the same result
are assumed uniform: that is the limit of any bisection, and the report says
which releases were actually run.

A ``not-applicable`` result (the release lacks the option or component the
scenario needs) is a step too: the edge between it and a decisive result is
where the scenario starts (or stops) applying, and is narrowed the same way.
Harness errors never are.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from packaging.specifiers import SpecifierSet

from troubleshoot.harness.runner import Result

DECISIVE = ("reproduces", "fixed")
STEPS = (*DECISIVE, "not-applicable")  # results an edge can sit between
SAMPLES = 12
Probe = Callable[[str], Result]


@dataclass(frozen=True)
class Change:
    before: Result  # last release with the old result
    after: Result  # first release with the new one

    def describe(self) -> str:
        b, a = self.before.verdict, self.after.verdict
        return (
            f"{self.before.version} -> {self.after.version}: "
            f"{b.outcome} ({b.kind}) -> {a.outcome} ({a.kind})"
        )


@dataclass
class BisectReport:
    scenario: str
    releases: tuple[str, ...]
    probes: dict[str, Result] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)

    def ordered(self) -> list[Result]:
        return [self.probes[v] for v in self.releases if v in self.probes]

    def broken_ranges(self) -> list[str]:
        """``>=first,<first_fixed`` for each run of ``reproduces`` (ends open if unfixed)."""
        ranges: list[str] = []
        start: str | None = None
        for result in self.ordered():
            outcome = result.verdict.outcome
            if outcome == "reproduces" and start is None:
                start = result.version
            elif outcome == "fixed" and start is not None:
                ranges.append(f">={start},<{result.version}")
                start = None
        if start is not None:
            ranges.append(f">={start}")
        return ranges

    @property
    def fixed_in(self) -> str | None:
        ranges = self.broken_ranges()
        if not ranges or "<" not in ranges[-1]:
            return None
        return ranges[-1].split("<")[1]


def _key(result: Result) -> tuple[str, str]:
    return (result.verdict.outcome, result.verdict.kind)


class _Search:
    def __init__(self, releases: Sequence[str], probe: Probe, budget: int) -> None:
        self.releases = list(releases)
        self.probe_fn = probe
        self.budget = budget
        self.results: dict[str, Result] = {}

    def at(self, index: int) -> Result | None:
        version = self.releases[index]
        if version not in self.results:
            if len(self.results) >= self.budget:
                return None
            self.results[version] = self.probe_fn(version)
        return self.results[version]

    def step_near(self, lo: int, hi: int) -> int | None:
        """A probe with a step result strictly between lo and hi, from the middle out."""
        mid = (lo + hi) // 2
        for offset in range(hi - lo):
            for index in (mid + offset, mid - offset):
                if lo < index < hi:
                    result = self.at(index)
                    if result is None:
                        return None
                    if result.verdict.outcome in STEPS:
                        return index
        return None

    def narrow(self, lo: int, hi: int) -> None:
        """Binary search between two probes with different results."""
        low_key = _key(self.results[self.releases[lo]])
        while hi - lo > 1:
            mid = self.step_near(lo, hi)
            if mid is None:
                return
            result = self.results[self.releases[mid]]
            if _key(result) == low_key:
                lo = mid
            else:
                hi = mid  # other changes in (mid, hi) are found by the next pass

    def differing_gaps(self) -> list[tuple[int, int]]:
        probed = [
            i
            for i, v in enumerate(self.releases)
            if v in self.results and self.results[v].verdict.outcome in STEPS
        ]
        return [
            (a, b)
            for a, b in itertools.pairwise(probed)
            if b - a > 1
            and _is_edge(self.results[self.releases[a]], self.results[self.releases[b]])
        ]


def _is_edge(a: Result, b: Result) -> bool:
    """Different results, at least one of them decisive (two kinds of not-applicable
    are not an edge worth a search)."""
    decisive = a.verdict.outcome in DECISIVE or b.verdict.outcome in DECISIVE
    return decisive and _key(a) != _key(b)


def bisect(
    scenario: str,
    releases: Sequence[str],
    probe: Probe,
    *,
    claimed: Sequence[str] = (),
    budget: int = 60,
) -> BisectReport:
    """Probe ``releases`` (oldest first) to map where the scenario's result changes."""
    search = _Search(releases, probe, budget)
    # a coarse sample too, so a stretch the claims do not mention is still likely seen
    stride = max(1, len(releases) // SAMPLES)
    anchors = {0, len(releases) - 1, *range(0, len(releases), stride)}
    for spec in claimed:
        inside = [i for i, v in enumerate(releases) if SpecifierSet(spec).contains(v)]
        if inside:
            anchors.add(inside[len(inside) // 2])
    for index in sorted(anchors, reverse=True):
        search.at(index)
    for _ in range(len(releases)):
        gaps = search.differing_gaps()
        if not gaps or len(search.results) >= budget:
            break
        before = len(search.results)
        for lo, hi in gaps:
            search.narrow(lo, hi)
        if len(search.results) == before:
            break  # nothing decisive left to probe in the gaps
    report = BisectReport(scenario, tuple(releases), search.results)
    _confirm_edges(search, report)
    return report


def _confirm_edges(search: _Search, report: BisectReport) -> None:
    """Run the neighbours of every change, then list the changes between adjacent probes."""
    ordered = [i for i, v in enumerate(search.releases) if v in search.results]
    for a, b in itertools.pairwise(ordered):
        ra, rb = search.results[search.releases[a]], search.results[search.releases[b]]
        if b - a == 1 and _key(ra) != _key(rb):
            for index in (a - 1, b + 1):
                if 0 <= index < len(search.releases):
                    search.at(index)
    report.probes = search.results
    results = report.ordered()
    steps = [r for r in results if r.verdict.outcome in STEPS]
    index_of = {v: i for i, v in enumerate(search.releases)}
    for before, after in itertools.pairwise(steps):
        if not _is_edge(before, after):
            continue
        if index_of[after.version] - index_of[before.version] == 1:
            report.changes.append(Change(before, after))
        else:
            report.unconfirmed.append(
                f"between {before.version} and {after.version} (not narrowed: budget or "
                "no runnable release in between)"
            )
