"""The policy every report follows: severity threshold, ignores, exit status.

Shared by ``doctor check-env`` and ``doctor scan``. Ignores come from
``--ignore ID=REASON`` and ``[tool.doctor] ignore`` in pyproject.toml; an ignore
whose ``expires`` date has come stops applying and is reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, TypedDict, cast

from troubleshoot.errors import InputError
from troubleshoot.report.model import Finding, Ignore, Ignored, Report, Rule
from troubleshoot.schema import SEVERITIES, SEVERITY_RANK, Entry
from troubleshoot.vocab import Severity


class Policy(TypedDict):
    """What a report is judged by, as ``check`` and ``scan`` take it (``**policy``)."""

    ignores: list[Ignore]
    fail_on: Severity
    today: date
    site_url: str | None


DEFAULT_FAIL_ON: Severity = "medium"
NOTHING_CHECKED = 4  # the exit status of a check that could not see what it checks


def exit_code(report: Report) -> int:
    """0 clean, 1 a finding at or above --fail-on, 4 nothing could be checked
    (2, bad input, is raised as an InputError before there is a report)."""
    if report.blind is not None:
        return NOTHING_CHECKED
    return 1 if report.failed else 0


def rule_for(entry: Entry, site_url: str | None = None) -> Rule:
    """The rule a report lists for ``entry``; ``site_url`` is where the fix pages live."""
    fix = entry.fixes[0] if entry.fixes else None
    page = f"{site_url}fixes/{entry.id}/" if site_url else None
    return Rule(
        entry.id,
        entry.title,
        entry.severity,
        entry.kind,
        entry.summary,
        issue_url(entry),
        page,
        fix.title if fix else "",
        fix.body if fix else "",
    )


def issue_url(entry: Entry) -> str | None:
    issues = entry.upstream.issues
    return f"https://github.com/{entry.upstream.repo}/issues/{issues[0]}" if issues else None


def at_or_above(severity: Severity, threshold: Severity) -> bool:
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]


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
