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


def _probe_with(outcome_of, runs: list[str]):  # type: ignore[no-untyped-def]
    def probe(version: str) -> Result:
        runs.append(version)
        return Result("e", "s", "uvicorn", version, "3.8", "linux", outcome_of(version), 0.0)

    return probe


def test_narrows_where_the_scenario_starts_to_apply() -> None:
    """Releases without the option are not-applicable; the first one that has it is found."""

    def outcome_of(version: str) -> Verdict:
        minor = int(version.split(".")[1])
        if minor < 23:
            return Verdict("not-applicable", "not-applicable", "no such option")
        return Verdict("fixed", "serves", "")

    runs: list[str] = []
    report = bisect("s", RELEASES, _probe_with(outcome_of, runs))
    assert [c.describe() for c in report.changes] == [
        "0.22.0 -> 0.23.0: not-applicable (not-applicable) -> fixed (serves)"
    ]
    assert report.unconfirmed == []
    assert report.broken_ranges() == []
    assert len(runs) < len(RELEASES) // 2


def test_a_not_applicable_stretch_between_broken_and_fixed_gives_both_edges() -> None:
    def outcome_of(version: str) -> Verdict:
        minor = int(version.split(".")[1])
        if minor < 10:
            return Verdict("reproduces", "crash", "")
        if minor < 17:
            return Verdict("not-applicable", "not-applicable", "option removed for a while")
        return Verdict("fixed", "serves", "")

    report = bisect("s", RELEASES, _probe_with(outcome_of, []))
    assert [c.describe() for c in report.changes] == [
        "0.9.0 -> 0.10.0: reproduces (crash) -> not-applicable (not-applicable)",
        "0.16.0 -> 0.17.0: not-applicable (not-applicable) -> fixed (serves)",
    ]
    assert report.broken_ranges() == [">=0.0.0,<0.17.0"]


def test_harness_errors_are_not_edges() -> None:
    def outcome_of(version: str) -> Verdict:
        minor = int(version.split(".")[1])
        if minor < 6:
            return Verdict("error", "install-failed", "no wheel")
        return Verdict("reproduces", "crash", "")

    report = bisect("s", RELEASES, _probe_with(outcome_of, []))
    assert report.changes == [] and report.unconfirmed == []
