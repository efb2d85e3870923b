"""OSV records (https://ossf.github.io/osv-schema/) for version-bug and regression entries.

An affected range is a PEP 440 specifier; OSV wants ``ECOSYSTEM`` events. One
specifier set is one interval: the greatest lower bound becomes ``introduced``
(``"0"`` when there is none), the least upper bound ``fixed`` (exclusive, ``<``)
or ``last_affected`` (inclusive, ``<=``). ``~=`` and ``==X.*`` are intervals
too. ``>``, ``!=`` and ``===`` cannot be written as OSV events without knowing
the release list, so such a range is left out of ``affected`` and listed under
``database_specific.unconverted`` with the reason: a partial but never a wrong
range.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from troubleshoot.evidence import EvidenceRecord
from troubleshoot.render.links import issue_url, pr_url
from troubleshoot.schema import VERSIONED_KINDS, Affected, Entry

OSV_SCHEMA_VERSION = "1.6.0"
ID_PREFIX = "UVICORN-DOCTOR-"
EPOCH = "1970-01-01T00:00:00Z"


class Unconvertible(ValueError):
    """A specifier that has no exact OSV event form."""


@dataclass(frozen=True)
class _Bound:
    text: str  # as written in the KB, e.g. "0.10.1"
    version: Version
    inclusive: bool


def _bump(release: tuple[int, ...]) -> str:
    return ".".join(str(n) for n in (*release[:-1], release[-1] + 1))


def _bounds(op: str, text: str) -> tuple[_Bound | None, _Bound | None]:
    """(lower, upper) bounds of one specifier clause."""
    if op == "==" and text.endswith(".*"):
        prefix = text[:-2]
        release = Version(prefix).release
        return _Bound(prefix, Version(prefix), True), _Bound(
            _bump(release), Version(_bump(release)), False
        )
    if op in ("==", "==="):
        if op == "===":
            raise Unconvertible(f"'==={text}' is an arbitrary string match")
        return _Bound(text, Version(text), True), _Bound(text, Version(text), True)
    if op == ">=":
        return _Bound(text, Version(text), True), None
    if op == "<":
        return None, _Bound(text, Version(text), False)
    if op == "<=":
        return None, _Bound(text, Version(text), True)
    if op == "~=":
        release = Version(text).release
        upper = _bump(release[:-1])
        return _Bound(text, Version(text), True), _Bound(upper, Version(upper), False)
    if op == ">":
        raise Unconvertible(f"'>{text}' has an exclusive lower bound (OSV needs the next release)")
    raise Unconvertible(f"'{op}{text}' excludes a version from inside the range")


def _tighter_upper(a: _Bound | None, b: _Bound | None) -> _Bound | None:
    if a is None or b is None:
        return a or b
    if a.version != b.version:
        return a if a.version < b.version else b
    return a if not a.inclusive else b


def range_events(specifier: str) -> list[dict[str, str]]:
    """OSV ECOSYSTEM events for one PEP 440 specifier set; raise Unconvertible if none exist."""
    lower: _Bound | None = None
    upper: _Bound | None = None
    for clause in sorted(SpecifierSet(specifier), key=str):
        low, high = _bounds(clause.operator, clause.version)
        if low is not None and (lower is None or low.version > lower.version):
            lower = low
        upper = _tighter_upper(upper, high)
    if lower is not None and upper is not None:
        empty = lower.version > upper.version or (
            lower.version == upper.version and not upper.inclusive
        )
        if empty:
            raise Unconvertible(f"'{specifier}' matches no version")
    events = [{"introduced": lower.text if lower else "0"}]
    if upper is not None:
        events.append({"fixed" if not upper.inclusive else "last_affected": upper.text})
    return events


def _affected(item: Affected) -> dict[str, Any]:
    specific: dict[str, Any] = {"specifier": item.specifier, "status": item.status}
    if item.when:
        specific["marker"] = item.when
    if item.note:
        specific["note"] = item.note
    name = canonicalize_name(item.package)
    return {
        "package": {"ecosystem": "PyPI", "name": name, "purl": f"pkg:pypi/{name}"},
        "ranges": [{"type": "ECOSYSTEM", "events": range_events(item.specifier)}],
        "ecosystem_specific": specific,
    }


def is_exported(entry: Entry) -> bool:
    return entry.kind in VERSIONED_KINDS and bool(entry.affected)


def osv_record(
    entry: Entry, evidence: tuple[EvidenceRecord, ...], page_url: str, details: str
) -> dict[str, Any]:
    """The OSV record of one version-bug or regression entry."""
    affected: list[dict[str, Any]] = []
    unconverted: list[dict[str, str]] = []
    for item in entry.affected:
        try:
            affected.append(_affected(item))
        except Unconvertible as exc:
            unconverted.append({"specifier": item.specifier, "reason": str(exc)})
    up = entry.upstream
    references = [{"type": "REPORT", "url": issue_url(up.repo, n)} for n in up.issues]
    references += [{"type": "FIX", "url": pr_url(up.repo, n)} for n in up.prs]
    references += [
        {"type": "FIX", "url": f"https://github.com/{up.repo}/commit/{c}"} for c in up.commits
    ]
    references.append({"type": "WEB", "url": page_url})
    dates = sorted(r.date for r in evidence)
    specific: dict[str, Any] = {
        "kind": entry.kind,
        "severity": entry.severity,
        "tags": list(entry.tags),
    }
    if entry.fixed_in:
        specific["fixed_in"] = entry.fixed_in
    if unconverted:
        specific["unconverted"] = unconverted
    return {
        "schema_version": OSV_SCHEMA_VERSION,
        "id": ID_PREFIX + entry.id,
        "modified": f"{dates[-1]}T00:00:00Z" if dates else EPOCH,
        "summary": entry.title,
        "details": details,
        "affected": affected,
        "references": references,
        "database_specific": specific,
    }
