"""``--format sarif``: SARIF 2.1.0, one rule per KB entry checked.

Results: failing findings are ``error``, findings below ``--fail-on`` are
``warning``, findings the project does not reach are ``note``; ignored findings
are kept with an external, accepted suppression carrying the reason (GitHub code
scanning shows them as dismissed). A check that saw nothing (exit 4) is an
unsuccessful invocation with the reason. File locations are made relative to the
working directory when they lie under it, so code scanning can link them.

Each rule carries ``help`` (text and Markdown: the summary and the first fix),
as GitHub requires; ``helpUri`` is the entry's own fix page when
``DOCTOR_SITE_URL`` is set, else its canonical upstream issue.
``partialFingerprints`` name what was flagged without its line or version, so an
alert survives a moved line and a version bump; the same thing flagged again in one
file (two identical launch lines) gets ``:2``, ``:3``, in the order reported, the way
CodeQL numbers repeats in ``primaryLocationLineHash``, since code scanning merges
results whose fingerprints are equal.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from troubleshoot import __version__
from troubleshoot.formats.interface import Format, advisory_text, reach_sentence
from troubleshoot.report.model import Finding, Location, Report, Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT = "doctorFinding/v2"  # the partialFingerprints key
# The tool's own page: the published fix pages when known, else the KB's subject.
FALLBACK_INFORMATION_URI = "https://github.com/Kludex/uvicorn"


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


def fingerprint(finding: Finding) -> str:
    """What was flagged, without line, column or version: entry, package, file, snippet."""
    path = _uri(finding.location.path)[0] if finding.location else ""
    key = "\0".join((finding.entry_id, finding.package or "", path, finding.snippet or ""))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _result(finding: Finding, index: int, level: str, reason: str | None) -> dict[str, Any]:
    advisory = f"Advisory: {advisory_text(finding)}." if finding.advisories else ""
    parts = (finding.message, advisory, reach_sentence(finding), f"Fix: {finding.fix}")
    text = " ".join(part for part in parts if part)
    result: dict[str, Any] = {
        "ruleId": finding.entry_id,
        "ruleIndex": index,
        "level": level,
        "message": {"text": text},
        "partialFingerprints": {FINGERPRINT: fingerprint(finding)},
        "properties": {"severity": finding.severity, "kind": finding.kind},
    }
    if finding.reach is not None:
        result["properties"]["reach"] = finding.reach.status
    if finding.advisories:
        result["properties"]["advisories"] = [list(a.names) for a in finding.advisories]
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
        rules = [_rule(rule) for rule in report.rules]
        results = [
            _result(f, index[f.entry_id], "error" if f.failing else "warning", None)
            for f in report.findings
        ]
        results += [_result(f, index[f.entry_id], "note", None) for f in report.unreached]
        results += [
            _result(
                i.finding,
                index[i.finding.entry_id],
                "note" if i.finding.fixed_in is None else "warning",
                i.ignore.reason,
            )
            for i in report.ignored
        ]
        repeats: dict[str, int] = {}
        for result in results:
            fingerprints = result["partialFingerprints"]
            key = fingerprints[FINGERPRINT]
            repeats[key] = repeats.get(key, 0) + 1
            if repeats[key] > 1:
                fingerprints[FINGERPRINT] = f"{key}:{repeats[key]}"
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "uvicorn-doctor",
                    "version": __version__,
                    "informationUri": _information_uri(report),
                    "rules": rules,
                }
            },
            "results": results,
            "invocations": [
                {
                    "executionSuccessful": report.blind is None,
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


def _rule(rule: Rule) -> dict[str, Any]:
    summary = " ".join((rule.summary or rule.title).split())
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": summary},
        "help": {
            "text": f"{summary}\n\nFix: {rule.fix_title}" if rule.fix_title else summary,
            "markdown": "\n\n".join(
                part
                for part in (
                    (rule.summary or rule.title).strip(),
                    f"**Fix: {rule.fix_title}**" if rule.fix_title else "",
                    rule.fix_body.strip(),
                )
                if part
            ),
        },
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": [rule.kind], "severity": rule.severity},
    }
    if rule.page or rule.url:
        descriptor["helpUri"] = rule.page or rule.url
    return descriptor


def _information_uri(report: Report) -> str:
    page = next((r.page for r in report.rules if r.page), None)
    return page.rsplit("fixes/", 1)[0] if page else FALLBACK_INFORMATION_URI


def _notifications(report: Report) -> list[str]:
    notes = [f"nothing checked: {report.blind}"] if report.blind else []
    notes += [
        f"ignore for {ig.entry_id} ({ig.origin}) expired on "
        f"{ig.expires.isoformat() if ig.expires else '?'} and no longer applies"
        for ig in report.expired_ignores
    ]
    notes += [f"{u.subject}: not evaluated ({u.reason})" for u in report.unevaluated]
    return notes + list(report.warnings)


FORMAT = SarifFormat
