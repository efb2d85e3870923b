"""repro / verify / bisect as services: what the CLI commands call (no rendering here)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.version import Version

from troubleshoot.config import Settings
from troubleshoot.errors import EntryInvalid, HarnessError
from troubleshoot.evidence import record_evidence
from troubleshoot.harness.bisect import BisectReport, bisect
from troubleshoot.harness.releases import load_releases
from troubleshoot.harness.runner import LoadedRepro, Result, load_repro, run_repro
from troubleshoot.harness.servers import ServerSpec
from troubleshoot.schema import Entry, parse_entry

Reporter = Callable[[str], None]


def _quiet(_: str) -> None:
    return None


def load_entry(settings: Settings, entry_id: str) -> Entry | None:
    """The entry's TOML, parsed and validated alone (other entries may be mid-edit)."""
    path = settings.entries_dir / f"{entry_id}.toml"
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise HarnessError(f"{path}: {exc}") from exc
    try:
        return parse_entry(data, str(path), entry_id)
    except EntryInvalid as exc:
        raise HarnessError(exc.message) from exc


def repro_for(settings: Settings, entry_id: str) -> LoadedRepro:
    entry = load_entry(settings, entry_id)
    folder = entry.repro.folder if entry is not None and entry.repro is not None else entry_id
    return load_repro(settings.fixes_dir, entry_id, folder)


def all_repro_ids(settings: Settings) -> list[str]:
    return sorted(
        p.parent.name for p in settings.fixes_dir.glob("*/scenario.py") if p.parent.is_dir()
    )


def repro(
    settings: Settings,
    entry_id: str,
    spec: ServerSpec,
    *,
    keep: bool = False,
    only: str | None = None,
    report: Reporter = _quiet,
) -> list[Result]:
    """Run the entry's repro once; nothing is recorded."""
    return run_repro(repro_for(settings, entry_id), spec, only=only, keep=keep, report=report)


def default_versions(entry: Entry | None, releases: Sequence[str]) -> list[str]:
    """The newest release, plus each stated boundary: first broken, last broken, fixed_in."""
    chosen = {releases[-1]}
    if entry is None:
        return sorted(chosen, key=Version)
    bounds: list[str] = [entry.fixed_in] if entry.fixed_in else []
    for affected in entry.affected:
        for raw in affected.specifier.split(","):
            clause = raw.strip()
            if clause.startswith(">="):
                bounds.append(clause[2:])
            elif clause.startswith("<") and not clause.startswith("<="):
                bounds.append(clause[1:])
    index = {v: i for i, v in enumerate(releases)}
    for bound in bounds:
        if bound in index:
            chosen.add(bound)
            if index[bound] > 0:
                chosen.add(releases[index[bound] - 1])  # the last release before the bound
    return sorted(chosen, key=Version)


@dataclass(frozen=True)
class VerifyRun:
    entry_id: str
    results: tuple[Result, ...]
    evidence_file: Path


def verify(
    settings: Settings,
    entry_id: str,
    versions: Sequence[str] | None,
    *,
    report: Reporter = _quiet,
) -> VerifyRun:
    """Run against the reference server and each release; record every result."""
    entry = load_entry(settings, entry_id)
    repro_ = repro_for(settings, entry_id)
    if versions is None:
        versions = default_versions(entry, load_releases().versions)
    results = run_repro(repro_, ServerSpec("reference"), report=report)
    for version in versions:
        results += run_repro(repro_, ServerSpec("uvicorn", version), report=report)
    path = record_evidence(settings.evidence_dir, entry_id, [r.evidence() for r in results])
    return VerifyRun(entry_id, tuple(results), path)


def bisect_entry(
    settings: Settings,
    entry_id: str,
    *,
    budget: int = 60,
    record: bool = True,
    report: Reporter = _quiet,
) -> list[BisectReport]:
    """Bisect each scenario over uvicorn's releases; record every run as evidence."""
    entry = load_entry(settings, entry_id)
    repro_ = repro_for(settings, entry_id)
    listing = load_releases()
    report(f"{len(listing.versions)} uvicorn releases from {listing.source}")
    covered = [
        v
        for v in listing.versions
        if not str(repro_.releases) or repro_.releases.contains(v, prereleases=True)
    ]
    claimed = [a.specifier for a in entry.affected] if entry is not None else []
    reports = []
    for scen in repro_.scenarios:

        def probe(version: str, name: str = scen.name) -> Result:
            return run_repro(repro_, ServerSpec("uvicorn", version), only=name, report=report)[0]

        reports.append(bisect(scen.name, covered, probe, claimed=claimed, budget=budget))
    if record:
        records = [r.evidence() for rep in reports for r in rep.probes.values()]
        if records:
            record_evidence(settings.evidence_dir, entry_id, records)
    return reports
