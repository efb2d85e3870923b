"""`doctor kb stats`: how much of the KB is verified, and how fresh the evidence is."""

from __future__ import annotations

from collections import Counter
from typing import Any

from packaging.version import InvalidVersion, Version

from troubleshoot.kbload import KnowledgeBase
from troubleshoot.schema import TESTABLE_FIX_TYPES, VERSIONED_KINDS


def _newest(kb: KnowledgeBase) -> str | None:
    versions = []
    for records in kb.evidence.values():
        for r in records:
            if r.server == "uvicorn":
                try:
                    versions.append(Version(r.version))
                except InvalidVersion:
                    continue
    return str(max(versions)) if versions else None


def kb_stats(kb: KnowledgeBase, newest: str | None = None) -> dict[str, Any]:
    newest = newest or _newest(kb)
    versioned = [e for e in kb.entries if e.kind in VERSIONED_KINDS]
    verified = [
        e for e in versioned if e.affected and all(a.status == "verified" for a in e.affected)
    ]
    freshness = []
    missing = []
    for entry in kb.entries:
        records = kb.evidence.get(entry.id, ())
        freshness.append(
            {
                "id": entry.id,
                "records": len(records),
                "last_run": max((r.date for r in records), default=None),
            }
        )
        ran_newest = any(r.server == "uvicorn" and r.version == newest for r in records)
        if not ran_newest and not entry.unverifiable:
            missing.append(entry.id)
    testable = [(e.id, f) for e in kb.entries for f in e.fixes if f.type in TESTABLE_FIX_TYPES]
    return {
        "fixes": {
            "testable": len(testable),
            "tested": sum(1 for _, f in testable if f.verified_by),
            "not_run": sorted(f"{i}: {f.title}" for i, f in testable if f.unverified),
        },
        "entries": len(kb.entries),
        "by_kind": dict(sorted(Counter(e.kind for e in kb.entries).items())),
        "versioned": len(versioned),
        "verified": len(verified),
        "unverifiable": sorted(e.id for e in kb.entries if e.unverifiable),
        "newest": newest,
        "freshness": freshness,
        "missing_newest": missing,
    }
