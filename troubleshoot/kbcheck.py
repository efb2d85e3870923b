"""Check the loaded entries against each other, their evidence and ``fixes/``.

What one entry file cannot show alone: ``related`` ids exist, the repro folder
exists, a boundary marked verified has release runs behind it, and a fix naming
its scenario was seen working where it is offered.
"""

from __future__ import annotations

from troubleshoot.config import Settings
from troubleshoot.errors import Problem
from troubleshoot.evidence import EvidenceRecord
from troubleshoot.schema import Entry


def cross_check(
    entries: list[Entry], evidence: dict[str, tuple[EvidenceRecord, ...]], settings: Settings
) -> list[Problem]:
    ids = {e.id for e in entries}
    problems: list[Problem] = []
    for entry in entries:
        file = str(settings.entries_dir / f"{entry.id}.toml")
        for index, rel in enumerate(entry.related):
            if rel not in ids:
                problems.append(Problem(file, f"related[{index}]", f"no entry with id {rel!r}"))
        if entry.repro is not None and not (settings.fixes_dir / entry.repro.folder).is_dir():
            where = settings.fixes_dir / entry.repro.folder
            problems.append(Problem(file, "repro.folder", f"folder {where} does not exist"))
        problems.extend(_boundary_problems(entry, evidence.get(entry.id, ()), file))
        problems.extend(_fix_problems(entry, evidence.get(entry.id, ()), file))
    for entry_id in evidence:
        if entry_id not in ids:
            path = str(settings.evidence_dir / f"{entry_id}.json")
            problems.append(Problem(path, "entry", f"no entry with id {entry_id!r}"))
    return problems


def _boundary_problems(
    entry: Entry, records: tuple[EvidenceRecord, ...], file: str
) -> list[Problem]:
    """A boundary marked verified must have release runs behind it: one inside the
    range that reproduces, and one at ``fixed_in`` that shows it fixed."""
    from packaging.specifiers import SpecifierSet

    problems = []
    for index, aff in enumerate(entry.affected):
        if entry.unverifiable:
            break
        seen = _runs_of(aff.package, records)
        if aff.status != "verified":
            if entry.kind in ("version-bug", "security"):
                problems.append(
                    Problem(
                        file,
                        f"affected[{index}].status",
                        f"a {entry.kind} boundary needs evidence: run `doctor bisect` / "
                        "`doctor verify` and mark it 'verified', or give the entry an "
                        "`unverifiable` reason",
                    )
                )
            continue
        inside = SpecifierSet(aff.specifier)
        if not any(o == "reproduces" and inside.contains(v, prereleases=True) for v, o in seen):
            problems.append(
                Problem(
                    file,
                    f"affected[{index}].status",
                    f"is 'verified' but no evidence shows a release in {aff.specifier} "
                    "reproducing it",
                )
            )
        # fixed_in is a release of the entry's package: checked on that package's rows
        if (
            entry.fixed_in
            and _same_package(aff.package, entry.package)
            and (entry.fixed_in, "fixed") not in seen
        ):
            problems.append(
                Problem(
                    file,
                    f"affected[{index}].status",
                    f"is 'verified' but no evidence shows {entry.fixed_in} fixed",
                )
            )
    return problems


def _same_package(a: str, b: str) -> bool:
    from troubleshoot.versions import canonicalize_name

    return canonicalize_name(a) == canonicalize_name(b)


def _runs_of(package: str, records: tuple[EvidenceRecord, ...]) -> set[tuple[str, str]]:
    """(version of ``package``, outcome) of the uvicorn runs. For uvicorn, the release
    run; for another distribution (h11, websockets, ...), the release a scenario named
    ``<package>-<version>`` pinned beside uvicorn (``@scenario("h11-0.14.0",
    extras={...: ["h11==0.14.0"]})``)."""
    import re

    from troubleshoot.versions import canonicalize_name

    runs = [r for r in records if r.server == "uvicorn"]
    name = canonicalize_name(package)
    if name == "uvicorn":
        return {(r.version, r.outcome) for r in runs}
    pinned = re.compile(re.escape(name) + r"-(\d+(?:\.\d+)*)")
    found: set[tuple[str, str]] = set()
    for r in runs:
        match = pinned.fullmatch(r.scenario.lower())
        if match:
            found.add((match[1], r.outcome))
    return found


def _version_of(package: str, record: EvidenceRecord) -> str | None:
    """The release of ``package`` a uvicorn run used: the uvicorn release, or for
    another distribution the one its scenario name pins (``...-h11-0.14.0``)."""
    import re

    from troubleshoot.versions import canonicalize_name

    name = canonicalize_name(package)
    if name == "uvicorn":
        return record.version
    match = re.search(r"(?:^|-)" + re.escape(name) + r"-(\d+(?:\.\d+)*)$", record.scenario.lower())
    return match[1] if match else None


def _fix_problems(entry: Entry, records: tuple[EvidenceRecord, ...], file: str) -> list[Problem]:
    """A fix that names its scenario must have been seen working where it is offered:
    on a release in the fix's own ``versions``, else on an affected release."""
    from troubleshoot.versions import contains

    problems = []
    for index, fix in enumerate(entry.fixes):
        if fix.verified_by is None:
            continue
        ranges = [fix.versions] if fix.versions else [a.specifier for a in entry.affected]
        shown = [
            r
            for r in records
            if r.server == "uvicorn"
            and r.scenario == fix.verified_by
            and r.outcome == "fixed"
            and (
                not ranges
                or any(contains(spec, _version_of(entry.package, r) or "") for spec in ranges)
            )
        ]
        if not shown:
            package = entry.package
            where = (
                f"{package} {fix.versions} (the fix's versions)"
                if fix.versions
                else f"an affected {package} release"
            )
            problems.append(
                Problem(
                    file,
                    f"fixes[{index}].verified_by",
                    f"no evidence of scenario {fix.verified_by!r} coming out 'fixed' on "
                    f"{where} (run `doctor verify`)",
                )
            )
    return problems
