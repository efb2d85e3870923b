"""bisect on a synthetic release history: edges, kind changes, proposed range."""

from __future__ import annotations

from troubleshoot.harness.bisect import bisect
from troubleshoot.harness.runner import Result
from troubleshoot.harness.verdict import Verdict

RELEASES = [f"0.{i}.0" for i in range(40)]


def history(version: str) -> Verdict:
    minor = int(version.split(".")[1])
    if minor < 5:
        return Verdict("fixed", "serves", "")
    if minor < 12:
        return Verdict("reproduces", "pickle", "")
    if minor < 14:
        return Verdict("reproduces", "warning-then-pickle", "")
    return Verdict("fixed", "clean-error", "")


def probe_log(runs: list[str]):  # type: ignore[no-untyped-def]
    def probe(version: str) -> Result:
        runs.append(version)
        return Result("e", "s", "uvicorn", version, "3.8", "linux", history(version), 0.0)

    return probe


def test_finds_edges_and_kind_changes() -> None:
    runs: list[str] = []
    report = bisect("s", RELEASES, probe_log(runs), claimed=[">=0.10.0,<0.14.0"])
    assert [c.describe() for c in report.changes] == [
        "0.4.0 -> 0.5.0: fixed (serves) -> reproduces (pickle)",
        "0.11.0 -> 0.12.0: reproduces (pickle) -> reproduces (warning-then-pickle)",
        "0.13.0 -> 0.14.0: reproduces (warning-then-pickle) -> fixed (clean-error)",
    ]
    assert report.broken_ranges() == [">=0.5.0,<0.14.0"]
    assert report.fixed_in == "0.14.0"
    assert len(runs) == len(set(runs)) < len(RELEASES) * 3 // 4  # each release runs once
    # the neighbours of each edge were run to confirm it
    assert {"0.3.0", "0.6.0", "0.10.0", "0.13.0", "0.15.0"} <= set(runs)


def test_still_broken_has_no_fixed_release() -> None:
    def probe(version: str) -> Result:
        verdict = Verdict("reproduces", "crash", "")
        return Result("e", "s", "uvicorn", version, "3.11", "linux", verdict, 0.0)

    report = bisect("s", RELEASES, probe)
    assert report.broken_ranges() == [">=0.0.0"]
    assert report.fixed_in is None
    assert report.changes == []
