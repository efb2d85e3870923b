"""``--format sarif``: SARIF 2.1.0, one rule per KB entry checked.

Results: failing findings are ``error``, findings below ``--fail-on`` are
``warning``, advice is ``note``; ignored findings are kept with an external,
accepted suppression carrying the reason (GitHub code scanning shows them as
dismissed). File locations are made relative to the working directory when
they lie under it, so code scanning can link them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from troubleshoot import __version__
from troubleshoot.formats.interface import Finding, Format, Location, Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/Kludex/uvicorn"


def _uri(path: str) -> tuple[str, bool]:
    """(uri, relative?) for an artifact path."""
    p = Path(path)
    try:
        rel = p.resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return (p.resolve().as_uri() if p.is_absolute() else p.as_posix()), False
    return rel.as_posix(), True


def _location(location: Location) -> dict[str, Any]:
    uri, relative = _uri(location.path)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = "%SRCROOT%"
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if location.line is not None:
        region: dict[str, Any] = {"startLine": location.line}
        if location.column is not None:
            region["startColumn"] = location.column
        physical["region"] = region
    return {"physicalLocation": physical}


def _result(finding: Finding, index: int, level: str, reason: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.entry_id,
        "ruleIndex": index,
        "level": level,
        "message": {"text": f"{finding.message} Fix: {finding.fix}"},
        "partialFingerprints": {
            "doctorFinding/v1": f"{finding.entry_id}:{finding.package or ''}:"
            f"{finding.version or ''}:{finding.location or ''}"
        },
        "properties": {"severity": finding.severity, "kind": finding.kind},
    }
    if finding.location is not None:
        result["locations"] = [_location(finding.location)]
    for key in ("package", "version", "fixed_in"):
        if (value := getattr(finding, key)) is not None:
            result["properties"][key] = value
    if reason is not None:
        result["suppressions"] = [
            {"kind": "external", "status": "accepted", "justification": reason}
        ]
    return result


class SarifFormat(Format):
    name = "sarif"

    def render(self, report: Report) -> str:
        index = {rule.id: i for i, rule in enumerate(report.rules)}
        rules = []
        for rule in report.rules:
            descriptor: dict[str, Any] = {
                "id": rule.id,
                "name": "".join(part.capitalize() for part in rule.id.split("-")),
                "shortDescription": {"text": rule.title},
                "fullDescription": {"text": rule.summary or rule.title},
                "defaultConfiguration": {"level": "warning"},
                "properties": {"tags": [rule.kind], "severity": rule.severity},
            }
            if rule.url:
                descriptor["helpUri"] = rule.url
            rules.append(descriptor)
        results = [
            _result(f, index[f.entry_id], "error" if f.failing else "warning", None)
            for f in report.findings
        ]
        results += [_result(f, index[f.entry_id], "note", None) for f in report.advice]
        results += [
            _result(
                i.finding,
                index[i.finding.entry_id],
                "note" if i.finding.fixed_in is None else "warning",
                i.ignore.reason,
            )
            for i in report.ignored
        ]
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "uvicorn-doctor",
                    "version": __version__,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "results": results,
            "invocations": [
                {
                    "executionSuccessful": True,
                    "toolExecutionNotifications": [
                        {"level": "warning", "message": {"text": text}}
                        for text in _notifications(report)
                    ],
                }
            ],
            # Relative artifact URIs resolve against the directory the check ran in.
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
            "properties": {"command": report.command, "sources": list(report.sources)},
        }
        sarif = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
        return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"


def _notifications(report: Report) -> list[str]:
    notes = [
        f"ignore for {ig.entry_id} ({ig.origin}) expired on "
        f"{ig.expires.isoformat() if ig.expires else '?'} and no longer applies"
        for ig in report.expired_ignores
    ]
    notes += [f"{u.subject}: not evaluated ({u.reason})" for u in report.unevaluated]
    return notes + list(report.warnings)


FORMAT = SarifFormat
