"""``doctor check-env``: which known-broken versions does the project really reach?

:func:`check` is the service: KB entries, a :class:`~troubleshoot.sources.Snapshot`
and a :class:`~troubleshoot.reach.Project` in, a
:class:`~troubleshoot.report.model.Report` out, no I/O. The version decision is
:func:`troubleshoot.versions.verdict`, the reach decision
:func:`troubleshoot.reach.reach`.

- An entry a release fixes (``fixed_in`` and an affected range) whose range
  holds the version is a **finding** when the project reaches it (its conditions
  hold or cannot be ruled out); it fails the run at or above ``fail_on``.
  Affected but ruled out, it is listed as **unreached** and never fails.
- Entries no release fixes (misuse, environment, ...) are not a question of
  the version: the report counts them in ``setup_entries`` (``doctor scan``
  checks code for them).
- A package whose version cannot be decided (not pinned, editable, a marker
  that cannot be evaluated) is **unevaluated**, with the reason.
- With no uvicorn version in any source the check saw nothing it checks: the
  report is **blind** (exit status 4), whatever else it holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from packaging.utils import canonicalize_name

from troubleshoot.reach import Project, reach
from troubleshoot.report.model import (
    AdvisoryRef,
    Finding,
    Ignore,
    Location,
    Reach,
    Report,
    Unevaluated,
)
from troubleshoot.report.policy import (
    DEFAULT_FAIL_ON,
    apply_ignores,
    at_or_above,
    issue_url,
    rule_for,
)
from troubleshoot.schema import Entry
from troubleshoot.sources.interface import Package, Snapshot
from troubleshoot.versions import Affectedness, fixes_for, verdict
from troubleshoot.vocab import Severity


def check(
    entries: Iterable[Entry],
    snapshot: Snapshot,
    *,
    project: Project | None = None,
    ignores: Sequence[Ignore] = (),
    fail_on: Severity = DEFAULT_FAIL_ON,
    today: date,
    site_url: str | None = None,
) -> Report:
    """Evaluate every entry against ``snapshot``; apply ``ignores`` as of ``today``."""
    project = _with_snapshot(project or Project(), snapshot)
    entries = sorted(entries, key=lambda e: e.id)
    checks = [e for e in entries if e.is_version_check]
    findings: list[Finding] = []
    unreached: list[Finding] = []
    unevaluated: dict[tuple[str, str, Location | None], list[str]] = {}
    for entry in checks:
        for outcome in _evaluate(entry, snapshot, project, fail_on):
            if isinstance(outcome, Unevaluated):
                key = (outcome.subject, outcome.reason, outcome.location)
                unevaluated.setdefault(key, []).append(entry.id)
            elif outcome.reach is not None and outcome.reach.status == "not-reached":
                unreached.append(outcome)
            else:
                findings.append(outcome)
    findings += _install_findings(entries, snapshot, fail_on)
    kept, ignored, expired = apply_ignores(findings, ignores, today)
    known = {e.id for e in entries}
    warnings = tuple(
        f"ignore for {ig.entry_id!r} ({ig.origin}) names no KB entry"
        for ig in ignores
        if ig.entry_id not in known
    )
    return Report(
        command="check-env",
        fail_on=fail_on,
        rules=tuple(
            rule_for(e, site_url) for e in entries if e.is_version_check or e.id == INCONSISTENT
        ),
        findings=tuple(kept),
        unreached=tuple(unreached),
        setup_entries=tuple(
            e.id for e in entries if not e.is_version_check and e.id != INCONSISTENT
        ),
        ignored=tuple(ignored),
        expired_ignores=tuple(dict.fromkeys(expired)),
        unevaluated=tuple(
            Unevaluated(subject, reason, location, tuple(ids))
            for (subject, reason, location), ids in unevaluated.items()
        ),
        warnings=warnings,
        sources=snapshot.sources,
        context=dict(snapshot.markers),
        blind=blind_reason(snapshot),
        launches=project.read,
    )


# The one check of an installed environment that is not about a version: its files.
INCONSISTENT = "inconsistent-install"


def _install_findings(
    entries: Sequence[Entry], snapshot: Snapshot, fail_on: Severity
) -> list[Finding]:
    """uvicorn's files on disk against its RECORD, for each installed environment read."""
    entry = next((e for e in entries if e.id == INCONSISTENT), None)
    if entry is None:
        return []
    out = []
    for check in snapshot.installs:
        if check.consistent:
            continue
        problems = [f"{m.path} ({m.problem})" for m in check.mismatches[:5]]
        more = len(check.mismatches) - len(problems)
        problems += [f"{more} more"] if more > 0 else []
        problems += [f"another {d.name}" for d in check.other_dist_infos]
        if check.unverifiable:
            problems.append(check.unverifiable)
        record = check.dist_info / "RECORD"
        out.append(
            Finding(
                entry_id=entry.id,
                severity=entry.severity,
                title=entry.title,
                message=(
                    f"uvicorn {check.version} in {check.site_packages} does not match its "
                    f"RECORD: {', '.join(problems)}."
                ),
                fix=entry.fixes[0].title if entry.fixes else "see the entry",
                location=Location(str(record)),
                failing=at_or_above(entry.severity, fail_on),
                kind=entry.kind,
                url=issue_url(entry),
                package="uvicorn",
                version=check.version,
                reach=Reach("reached", f"the installed files themselves ({check.site_packages})"),
            )
        )
    return out


def _with_snapshot(project: Project, snapshot: Snapshot) -> Project:
    """What the snapshot tells reach: the installed distributions, whether that list
    is the whole environment, and the target's platform (launches come from files)."""
    if project.installed is not None:
        return project
    platform = snapshot.markers.get("sys_platform")
    return replace(
        project,
        installed=snapshot.versions(),
        complete=snapshot.complete,
        platform=platform if platform in ("linux", "darwin", "win32") else None,
    )


def blind_reason(snapshot: Snapshot) -> str | None:
    """Why no uvicorn version was seen, or None when one was."""
    if snapshot.named("uvicorn"):
        return None
    sources = ", ".join(snapshot.sources) or "no source"
    unpinned = [u for u in snapshot.unevaluated if u.name == "uvicorn"]
    if unpinned:
        u = unpinned[0]
        where = f"{u.origin}:{u.line}" if u.line else u.origin
        return f"the uvicorn version cannot be decided ({where}: {u.reason})"
    return f"no uvicorn version in {sources}"


def _evaluate(
    entry: Entry, snapshot: Snapshot, project: Project, fail_on: Severity
) -> list[Finding | Unevaluated]:
    package = canonicalize_name(entry.package)
    records = snapshot.named(package)
    if not records:
        return [
            Unevaluated(u.name, u.reason, _location(u.origin, u.line))
            for u in snapshot.unevaluated
            if u.name == package
        ]
    base = snapshot.versions()
    out: list[Finding | Unevaluated] = []
    for record in records:
        result = verdict(entry, {**base, package: record.version}, snapshot.markers)
        if result.status == "affected":
            out.append(_finding(entry, record, result, project, fail_on))
        elif result.status == "unknown":
            where = _location(record.origin, record.line)
            out.append(Unevaluated(f"{package} {record.version}", result.reason, where))
    return out


def _finding(
    entry: Entry, record: Package, result: Affectedness, project: Project, fail_on: Severity
) -> Finding:
    fixes = fixes_for(entry, record.version) or list(entry.fixes)
    fix = fixes[0].title if fixes else "see the entry"
    where = f" ({record.origin}:{record.line})" if record.line else ""
    pairing = result.affected.needs if result.affected is not None else None
    reached = reach(entry, project, (pairing,) if pairing else ())
    fixed = f"Fixed in {entry.fixed_in}." if entry.fixed_in else f"With {pairing} beside it."
    message = (
        f"{record.name} {record.version}{where} is affected by {entry.id}: {entry.title}. {fixed}"
    )
    # A pin has its file and line; a version from an installed environment has none,
    # so the finding points where the project reaches it, else where it names uvicorn,
    # else where it starts uvicorn (code scanning needs a file for every result).
    location = (
        _location(record.origin, record.line)
        or reached.where
        or project.manifest
        or next((Location(x.span.path, x.span.line) for x in project.launches), None)
    )
    return Finding(
        entry_id=entry.id,
        severity=entry.severity,
        title=entry.title,
        message=message,
        fix=fix,
        location=location,
        failing=reached.status != "not-reached" and at_or_above(entry.severity, fail_on),
        kind=entry.kind,
        url=issue_url(entry),
        package=record.name,
        version=record.version,
        fixed_in=entry.fixed_in,
        reach=reached,
        advisories=advisories_of(entry),
    )


def advisories_of(entry: Entry) -> tuple[AdvisoryRef, ...]:
    """The published advisories the entry carries (security entries)."""
    reproduced = any(a.status == "verified" for a in entry.affected)
    return tuple(
        AdvisoryRef(a.id, a.aliases, a.severity, a.url or None, a.claims, reproduced)
        for a in entry.advisories
    )


def _location(origin: str, line: int | None) -> Location | None:
    return Location(origin, line) if line is not None else None
