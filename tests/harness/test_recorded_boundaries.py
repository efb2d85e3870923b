"""Every outcome change recorded in kb/evidence is re-observed on real releases.

For each entry and scenario, the recorded uvicorn runs are put in release order;
wherever two neighbouring runs differ (reproduces vs fixed), both releases are
run again and must give the recorded outcome. So a boundary the KB states cannot
rot: it is re-executed on every CI run (the release venvs are cached).
The seed entries' boundaries, with their kinds, are in test_releases.py.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest

from tests.conftest import REPO
from tests.harness.conftest import FIXES
from tests.harness.test_releases import BOUNDARIES, skip_if_no_interpreter
from troubleshoot.evidence import _sort_version
from troubleshoot.harness.runner import load_repro, run_repro
from troubleshoot.harness.servers import ServerSpec

pytestmark = pytest.mark.pypi

DECIDED = ("reproduces", "fixed")
COVERED = {(e, s, v) for e, s, v, _, _ in BOUNDARIES}


def _boundaries() -> list[tuple[str, str, str, str]]:
    cases: set[tuple[str, str, str, str]] = set()
    for path in sorted((REPO / "kb" / "evidence").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        by_scenario: dict[str, list[dict[str, str]]] = {}
        for rec in data["records"]:
            if rec["server"] == "uvicorn" and rec["outcome"] in DECIDED:
                by_scenario.setdefault(rec.get("scenario", "default"), []).append(rec)
        for scenario, records in by_scenario.items():
            records.sort(key=lambda r: _sort_version(r["version"]))
            for before, after in itertools.pairwise(records):
                if before["outcome"] != after["outcome"]:
                    for rec in (before, after):
                        case = (data["entry"], scenario, rec["version"], rec["outcome"])
                        if case[:3] not in COVERED:
                            cases.add(case)
    return sorted(cases)


CASES = _boundaries()


@pytest.mark.parametrize(
    ("entry", "scenario", "version", "outcome"),
    CASES,
    ids=[f"{e}:{s}@{v}" for e, s, v, _ in CASES],
)
def test_recorded_boundary_still_holds(
    entry: str, scenario: str, version: str, outcome: str
) -> None:
    [result] = run_repro(load_repro(FIXES, entry), ServerSpec("uvicorn", version), only=scenario)
    skip_if_no_interpreter(result.verdict.reason)
    assert result.verdict.outcome == outcome, result.verdict


# Scenarios named `<package>-<version>` pin that release of another distribution
# beside uvicorn (h11, httptools, websockets): an entry's range over that package
# is the outcome change between neighbouring pins on one uvicorn release.
PINNED = re.compile(r"^([a-z][a-z0-9]*(?:-[a-z][a-z0-9]*)*)-(\d+(?:\.\d+)+)$")


def _pinned_boundaries() -> list[tuple[str, str, str, str]]:
    cases: set[tuple[str, str, str, str]] = set()
    for path in sorted((REPO / "kb" / "evidence").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        families: dict[tuple[str, str], list[tuple[tuple[int, ...], dict[str, str]]]] = {}
        for rec in data["records"]:
            match = PINNED.match(rec.get("scenario", ""))
            if rec["server"] == "uvicorn" and rec["outcome"] in DECIDED and match:
                key = (match[1], rec["version"])
                families.setdefault(key, []).append((_sort_version(match[2]), rec))
        for (_, version), pins in families.items():
            pins.sort(key=lambda pair: pair[0])
            for (_, before), (_, after) in itertools.pairwise(pins):
                if before["outcome"] != after["outcome"]:
                    for rec in (before, after):
                        cases.add((data["entry"], rec["scenario"], version, rec["outcome"]))
    return sorted(cases)


PINNED_CASES = _pinned_boundaries()


@pytest.mark.parametrize(
    ("entry", "scenario", "version", "outcome"),
    PINNED_CASES,
    ids=[f"{e}:{s}@{v}" for e, s, v, _ in PINNED_CASES],
)
def test_recorded_pinned_package_boundary_still_holds(
    entry: str, scenario: str, version: str, outcome: str
) -> None:
    [result] = run_repro(load_repro(FIXES, entry), ServerSpec("uvicorn", version), only=scenario)
    skip_if_no_interpreter(result.verdict.reason)
    assert result.verdict.outcome == outcome, result.verdict
