"""``doctor scan``: KB entries + files in, a :class:`Report` out.

Every ``code`` signature of every entry runs its detector over the facts read
from the files. A signature with ``versions`` only applies to those uvicorn
releases: with no uvicorn version known (not installed, no
``--uvicorn-version``) its hits are listed as not evaluated, never guessed.
Findings fail the run at or above ``--fail-on``; inline
``# doctor: ignore[ID] reason`` comments and the ignores shared with check-env
(``--ignore``, ``[tool.doctor] ignore``) move them to ``ignored``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from troubleshoot.report.model import (
    Finding,
    Ignore,
    Ignored,
    Location,
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
from troubleshoot.scan.detectors import DETECTORS, CodeHit, Scope
from troubleshoot.scan.files import ReadResult, read_all
from troubleshoot.scan.model import FileFacts
from troubleshoot.schema import Entry, Signature
from troubleshoot.versions import contains, fixes_for
from troubleshoot.vocab import Severity


@dataclass(frozen=True)
class _Pending:
    """A hit whose signature needs a uvicorn version nobody gave."""

    entry: Entry
    signature: Signature
    hit: CodeHit


def code_entries(entries: Iterable[Entry]) -> list[Entry]:
    """Entries that declare at least one detector scan knows."""
    return sorted(
        (
            e
            for e in entries
            if any(s.kind == "code" and s.detector in DETECTORS for s in e.signatures)
        ),
        key=lambda e: e.id,
    )


def scan(
    paths: Sequence[Path],
    entries: Iterable[Entry],
    *,
    uvicorn_version: str | None,
    ignores: Sequence[Ignore] = (),
    fail_on: Severity = DEFAULT_FAIL_ON,
    today: date,
    site_url: str | None = None,
) -> Report:
    """Read ``paths`` (files or folders) and evaluate the entries' detectors."""
    read = read_all(paths)
    return evaluate(
        read,
        entries,
        uvicorn_version=uvicorn_version,
        ignores=ignores,
        fail_on=fail_on,
        today=today,
        sources=tuple(str(p) for p in paths),
        site_url=site_url,
    )


def evaluate(
    read: ReadResult,
    entries: Iterable[Entry],
    *,
    uvicorn_version: str | None,
    ignores: Sequence[Ignore],
    fail_on: Severity,
    today: date,
    sources: tuple[str, ...] = (),
    site_url: str | None = None,
) -> Report:
    active = code_entries(entries)
    scope = Scope(read.facts)
    findings: dict[tuple[str, Location], Finding] = {}
    pending: dict[tuple[str, Location], _Pending] = {}
    for entry in active:
        for sig in entry.signatures:
            if sig.kind != "code" or sig.detector not in DETECTORS:
                continue
            for hit in DETECTORS[sig.detector](sig.args, scope):
                key = (entry.id, _location(hit))
                if key in findings:
                    continue
                if sig.versions is not None and uvicorn_version is None:
                    pending.setdefault(key, _Pending(entry, sig, hit))
                elif sig.versions is None or contains(sig.versions, uvicorn_version or ""):
                    findings[key] = _finding(entry, hit, uvicorn_version, fail_on)
                    pending.pop(key, None)
    by_path = {f.path: f for f in read.facts}
    kept, inline = _inline_ignores(list(findings.values()), by_path)
    kept, ignored, expired = apply_ignores(kept, ignores, today)
    unevaluated = [_unevaluated(p) for key, p in pending.items() if key not in findings]
    unevaluated += [
        Unevaluated(s.path, s.reason, Location(s.path, s.line) if s.line else None)
        for s in read.skipped
    ]
    known = {e.id for e in active}
    warnings = [
        f"ignore for {ig.entry_id!r} ({ig.origin}) names no entry scan checks"
        for ig in ignores
        if ig.entry_id not in known
    ]
    warnings += [
        f"{ig.origin}: inline ignore names {ig.entry_id!r}, which scan does not check"
        for ig in _inline_unknown(read.facts, known)
    ]
    context = {"uvicorn_version": uvicorn_version or "unknown", "files_read": str(read.files)}
    return Report(
        command="scan",
        fail_on=fail_on,
        rules=tuple(rule_for(e, site_url) for e in active),
        findings=tuple(sorted(kept, key=_order)),
        ignored=tuple(inline + ignored),
        expired_ignores=tuple(dict.fromkeys(expired)),
        unevaluated=tuple(unevaluated),
        warnings=tuple(warnings),
        sources=sources,
        context=context,
    )


def _location(hit: CodeHit) -> Location:
    return Location(hit.span.path, hit.span.line, hit.span.column)


def _order(finding: Finding) -> tuple[str, int, int, str]:
    loc = finding.location
    return (loc.path, loc.line or 0, loc.column or 0, finding.entry_id) if loc else ("", 0, 0, "")


def _finding(entry: Entry, hit: CodeHit, version: str | None, fail_on: Severity) -> Finding:
    """A finding whose message starts with file:line:column, like check-env's says where."""
    options = fixes_for(entry, version) or list(entry.fixes)
    why = f": {hit.why}" if hit.why else ""
    return Finding(
        entry_id=entry.id,
        severity=entry.severity,
        title=entry.title,
        message=f"{_location(hit)}: `{hit.what}`{why}. {entry.title}.",
        fix=options[0].title if options else "see the entry",
        location=_location(hit),
        failing=at_or_above(entry.severity, fail_on),
        kind=entry.kind,
        url=issue_url(entry),
        snippet=hit.what,
    )


def _unevaluated(pending: _Pending) -> Unevaluated:
    return Unevaluated(
        subject=f"`{pending.hit.what}`",
        reason=(
            f"applies to uvicorn{pending.signature.versions} only, and the uvicorn version "
            "is unknown (install uvicorn here or pass --uvicorn-version)"
        ),
        location=_location(pending.hit),
        entries=(pending.entry.id,),
    )


def _inline_ignores(
    findings: list[Finding], files: dict[str, FileFacts]
) -> tuple[list[Finding], list[Ignored]]:
    kept: list[Finding] = []
    ignored: list[Ignored] = []
    for finding in findings:
        loc = finding.location
        facts = files.get(loc.path) if loc else None
        match = None
        if facts is not None and loc is not None and loc.line is not None:
            match = _inline_match(facts, finding.entry_id, loc.line)
        if match is None:
            kept.append(finding)
        else:
            ignored.append(Ignored(replace(finding, failing=False), match))
    return kept, ignored


def _inline_match(facts: FileFacts, entry_id: str, line: int) -> Ignore | None:
    """An ignore comment on the finding's line, or on any line of its statement."""
    spans = [lc.span for lc in facts.launches if lc.span.line == line]
    lines = {line}
    for span in spans:
        lines.update(span.lines)
    for number in sorted(lines):
        for ignored_id, reason in facts.ignores.get(number, ()):
            if ignored_id == entry_id:
                text = reason or "no reason given"
                return Ignore(entry_id, text, None, f"{facts.path}:{number}")
    return None


def _inline_unknown(files: Sequence[FileFacts], known: set[str]) -> list[Ignore]:
    return [
        Ignore(entry_id, reason, None, f"{facts.path}:{line}")
        for facts in files
        for line, pairs in facts.ignores.items()
        for entry_id, reason in pairs
        if entry_id not in known
    ]
