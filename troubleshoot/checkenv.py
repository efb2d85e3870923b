"""``doctor check-env``: which KB entries does an environment's package set hit?

:func:`check` is the service: KB entries + a :class:`~troubleshoot.sources.Snapshot`
in, a :class:`~troubleshoot.formats.interface.Report` out, no I/O. The version
decision itself is :func:`troubleshoot.versions.verdict`.

- An entry with a fixed release (kind ``version-bug`` or ``regression`` and a
  ``fixed_in``) whose affected range holds the version is a **finding**; it
  fails the run when its severity is at or above ``fail_on``.
- Any other entry (misuse, docs-only, environment, wontfix, or a bug with no
  fix released) that applies to the installed version is **advice**: shown,
  never failing.
- A package the entries concern whose version cannot be decided (not pinned,
  editable, a marker that cannot be evaluated) is **unevaluated**, with the
  reason. It does not fail the run.

Ignores (``--ignore ID=REASON`` and ``[tool.doctor] ignore`` in pyproject.toml)
move a finding or advice to ``ignored``. An ignore whose ``expires`` date has
come stops applying and is listed in ``expired_ignores``. The ignore helpers
here are generic over :class:`Finding` so ``doctor scan`` can reuse them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, cast

from packaging.utils import canonicalize_name

from troubleshoot.errors import InputError
from troubleshoot.formats.interface import (
    Finding,
    Ignore,
    Ignored,
    Location,
    Report,
    Rule,
    Unevaluated,
)
from troubleshoot.schema import SEVERITIES, SEVERITY_RANK, Entry
from troubleshoot.sources.interface import Package, Snapshot
from troubleshoot.versions import Verdict, fixes_for, verdict
from troubleshoot.vocab import Severity

DEFAULT_FAIL_ON: Severity = "medium"


def check(
    entries: Iterable[Entry],
    snapshot: Snapshot,
    *,
    ignores: Sequence[Ignore] = (),
    fail_on: Severity = DEFAULT_FAIL_ON,
    today: date,
) -> Report:
    """Evaluate every entry against ``snapshot``; apply ``ignores`` as of ``today``."""
    entries = sorted(entries, key=lambda e: e.id)
    findings: list[Finding] = []
    advice: list[Finding] = []
    unevaluated: dict[tuple[str, str, Location | None], list[str]] = {}
    for entry in entries:
        for outcome in _evaluate(entry, snapshot, fail_on):
            if isinstance(outcome, Unevaluated):
                key = (outcome.subject, outcome.reason, outcome.location)
                unevaluated.setdefault(key, []).append(entry.id)
            elif entry.has_fixed_release:
                findings.append(outcome)
            else:
                advice.append(outcome)
    kept_findings, ignored_findings, expired = apply_ignores(findings, ignores, today)
    kept_advice, ignored_advice, expired_advice = apply_ignores(advice, ignores, today)
    known = {e.id for e in entries}
    warnings = tuple(
        f"ignore for {ig.entry_id!r} ({ig.origin}) names no KB entry"
        for ig in ignores
        if ig.entry_id not in known
    )
    return Report(
        command="check-env",
        fail_on=fail_on,
        rules=tuple(rule_for(e) for e in entries),
        findings=tuple(kept_findings),
        advice=tuple(kept_advice),
        ignored=tuple(ignored_findings + ignored_advice),
        expired_ignores=tuple(dict.fromkeys(expired + expired_advice)),
        unevaluated=tuple(
            Unevaluated(subject, reason, location, tuple(ids))
            for (subject, reason, location), ids in unevaluated.items()
        ),
        warnings=warnings,
        sources=snapshot.sources,
        context=dict(snapshot.markers),
    )


def exit_code(report: Report) -> int:
    """0 clean, 1 a finding at or above --fail-on (2, bad input, is raised as DoctorError)."""
    return 1 if report.failed else 0


def rule_for(entry: Entry) -> Rule:
    return Rule(entry.id, entry.title, entry.severity, entry.kind, entry.summary, issue_url(entry))


def issue_url(entry: Entry) -> str | None:
    issues = entry.upstream.issues
    return f"https://github.com/{entry.upstream.repo}/issues/{issues[0]}" if issues else None


def _evaluate(entry: Entry, snapshot: Snapshot, fail_on: Severity) -> list[Finding | Unevaluated]:
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
        if result.status == "affected" or (result.status == "unknown" and _applies_always(entry)):
            out.append(_finding(entry, record, result, fail_on))
        elif result.status == "unknown":
            where = _location(record.origin, record.line)
            out.append(Unevaluated(f"{package} {record.version}", result.reason, where))
    return out


def _applies_always(entry: Entry) -> bool:
    """An advice entry stating no affected range concerns every version of its package."""
    return not entry.affected and not entry.has_fixed_release


def _finding(entry: Entry, record: Package, result: Verdict, fail_on: Severity) -> Finding:
    fixes = fixes_for(entry, record.version) or list(entry.fixes)
    fix = fixes[0].title if fixes else "see the entry"
    where = f" ({record.origin}:{record.line})" if record.line else ""
    if entry.has_fixed_release:
        message = (
            f"{record.name} {record.version}{where} is affected by {entry.id}: {entry.title}. "
            f"Fixed in {entry.fixed_in}."
        )
    else:
        why = result.reason if result.status == "affected" else "applies to every version"
        message = (
            f"{record.name} {record.version}{where}: {entry.title} "
            f"({entry.kind}; no release fixes it; {why})."
        )
    return Finding(
        entry_id=entry.id,
        severity=entry.severity,
        title=entry.title,
        message=message,
        fix=fix,
        location=_location(record.origin, record.line),
        failing=entry.has_fixed_release and at_or_above(entry.severity, fail_on),
        kind=entry.kind,
        url=issue_url(entry),
        package=record.name,
        version=record.version,
        fixed_in=entry.fixed_in if entry.has_fixed_release else None,
    )


def _location(origin: str, line: int | None) -> Location | None:
    return Location(origin, line) if line is not None else None


def at_or_above(severity: Severity, threshold: Severity) -> bool:
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]


# --- ignores -------------------------------------------------------------------------------


def apply_ignores(
    findings: Sequence[Finding], ignores: Sequence[Ignore], today: date
) -> tuple[list[Finding], list[Ignored], list[Ignore]]:
    """Split ``findings`` into (kept, ignored) and list the expired ignores.

    An expired ignore no longer applies; every one is returned so it can be
    reported loudly, whether or not it still matches a finding.
    """
    active: dict[str, Ignore] = {}
    expired: list[Ignore] = []
    for ig in ignores:
        if ig.active(today):
            active.setdefault(ig.entry_id, ig)
        else:
            expired.append(ig)
    kept: list[Finding] = []
    ignored: list[Ignored] = []
    for finding in findings:
        if (match := active.get(finding.entry_id)) is not None:
            ignored.append(Ignored(replace(finding, failing=False), match))
        else:
            kept.append(finding)
    return kept, ignored, expired


def parse_ignore_option(value: str) -> Ignore:
    """``--ignore ID=REASON``: the reason is required (say why it is safe)."""
    entry_id, sep, reason = value.partition("=")
    entry_id, reason = entry_id.strip(), reason.strip()
    if not entry_id:
        raise InputError(f"--ignore {value!r}: give the entry id, as --ignore 'ID=REASON'")
    if not sep or not reason:
        raise InputError(
            f"--ignore {entry_id}: a reason is required, as --ignore '{entry_id}=why it is safe'"
        )
    return Ignore(entry_id, reason, None, "--ignore")


@dataclass(frozen=True)
class ToolConfig:
    """``[tool.doctor]`` of the user's pyproject.toml (the parts check-env reads)."""

    ignores: tuple[Ignore, ...] = ()
    fail_on: Severity | None = None
    path: str | None = None


_IGNORE_KEYS = {"id", "reason", "expires"}


def load_tool_config(path: str | Path) -> ToolConfig:
    """Read ``[tool.doctor]``; a malformed table is an InputError naming file:line."""
    from troubleshoot.sources.lockfile import parse_toml, read_text

    file = str(path)
    text = read_text(file, InputError)
    data = parse_toml(text, file, InputError)
    tool = data.get("tool", {}).get("doctor") if isinstance(data.get("tool"), dict) else None
    if tool is None:
        return ToolConfig(path=file)
    where = _Where(file, text)
    if not isinstance(tool, dict):
        raise InputError(f"{where.of('[tool.doctor]')}: tool.doctor must be a table")
    fail_on = tool.get("fail-on")
    if fail_on is not None and fail_on not in SEVERITIES:
        raise InputError(
            f"{where.of('fail-on')}: tool.doctor.fail-on must be one of "
            f"{', '.join(SEVERITIES)}; got {fail_on!r}"
        )
    raw = tool.get("ignore", [])
    if not isinstance(raw, list):
        raise InputError(f"{where.of('ignore')}: tool.doctor.ignore must be an array of tables")
    ignores = tuple(_config_ignore(item, index, where) for index, item in enumerate(raw))
    return ToolConfig(ignores, cast(Severity | None, fail_on), file)


def _config_ignore(item: Any, index: int, where: _Where) -> Ignore:
    field = f"tool.doctor.ignore[{index}]"
    entry_id = item.get("id") if isinstance(item, dict) else None
    at = where.of(f"{entry_id}") if isinstance(entry_id, str) else where.of("ignore")
    if not isinstance(item, dict):
        raise InputError(f"{at}: {field} must be a table like {{id = ..., reason = ...}}")
    if unknown := sorted(set(item) - _IGNORE_KEYS):
        raise InputError(f"{at}: {field}: unknown key {unknown[0]!r} (known: expires, id, reason)")
    if not isinstance(entry_id, str) or not entry_id:
        raise InputError(f"{at}: {field}.id is required (the KB entry id)")
    reason = item.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise InputError(f"{at}: {field}.reason is required (say why ignoring is safe)")
    return Ignore(entry_id, reason.strip(), _expiry(item.get("expires"), f"{at}: {field}"), at)


def _expiry(value: Any, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError(f"{where}.expires must be a date like 2027-01-01, got {value!r}")


class _Where:
    """Best-effort line numbers in a pyproject.toml (tomllib keeps no positions)."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines = text.splitlines()

    def of(self, needle: str) -> str:
        pattern = re.compile(rf"""(["']){re.escape(needle)}\1|^\s*{re.escape(needle)}\s*=""")
        for number, line in enumerate(self.lines, start=1):
            if needle in line and (pattern.search(line) or needle.startswith("[")):
                return f"{self.file}:{number}"
        return self.file


def severity_choice(value: str) -> Severity:
    if value not in SEVERITIES:
        raise InputError(f"--fail-on must be one of {', '.join(SEVERITIES)}; got {value!r}")
    return cast(Severity, value)
