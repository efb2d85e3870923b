"""``--format json``: one object, described by ``docs/schemas/check-env.schema.json``.

``schema_version`` changes only when a field is removed or changes meaning;
new fields may appear at any time.
"""

from __future__ import annotations

import json
from typing import Any

from troubleshoot import __version__
from troubleshoot.formats.interface import Format
from troubleshoot.report.model import Finding, Ignore, Location, Report

SCHEMA_VERSION = 2  # 2: advice removed (setup_entries, unreached)


def location_dict(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"path": location.path, "line": location.line, "column": location.column}


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "id": finding.entry_id,
        "severity": finding.severity,
        "title": finding.title,
        "message": finding.message,
        "fix": finding.fix,
        "location": location_dict(finding.location),
        "failing": finding.failing,
        "kind": finding.kind,
        "url": finding.url,
        "package": finding.package,
        "version": finding.version,
        "fixed_in": finding.fixed_in,
        "reach": (
            {"status": finding.reach.status, "evidence": finding.reach.evidence}
            if finding.reach is not None
            else None
        ),
        "advisories": [
            {
                "id": a.id,
                "aliases": list(a.aliases),
                "severity": a.severity,
                "url": a.url,
                "claims": a.claims,
                "reproduced": a.reproduced,
            }
            for a in finding.advisories
        ],
    }


def ignore_dict(ignore: Ignore) -> dict[str, Any]:
    return {
        "id": ignore.entry_id,
        "reason": ignore.reason,
        "expires": ignore.expires.isoformat() if ignore.expires else None,
        "origin": ignore.origin,
    }


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "uvicorn-doctor", "version": __version__, "command": report.command},
        "fail_on": report.fail_on,
        "failed": report.failed,
        "nothing_checked": report.blind,
        "summary": {
            "entries_checked": len(report.rules),
            "findings": len(report.findings),
            "failing": len(report.failing),
            "unreached": len(report.unreached),
            "setup_entries": len(report.setup_entries),
            "ignored": len(report.ignored),
            "expired_ignores": len(report.expired_ignores),
            "unevaluated": len(report.unevaluated),
        },
        "sources": list(report.sources),
        "context": dict(report.context),
        "findings": [finding_dict(f) for f in report.findings],
        "unreached": [finding_dict(f) for f in report.unreached],
        "setup_entries": list(report.setup_entries),
        "launches_read": list(report.launches),
        "ignored": [
            {"finding": finding_dict(i.finding), "ignore": ignore_dict(i.ignore)}
            for i in report.ignored
        ],
        "expired_ignores": [ignore_dict(i) for i in report.expired_ignores],
        "unevaluated": [
            {
                "subject": u.subject,
                "reason": u.reason,
                "location": location_dict(u.location),
                "entries": list(u.entries),
            }
            for u in report.unevaluated
        ],
        "warnings": list(report.warnings),
        "checked": [r.id for r in report.rules],
    }


class JsonFormat(Format):
    name = "json"

    def render(self, report: Report) -> str:
        return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"


FORMAT = JsonFormat
