"""Evidence: what running a repro against a server actually showed.

Written by the repro tooling (``doctor verify`` / ``doctor bisect``), never by
hand, into ``kb/evidence/<entry-id>.json``::

    {"entry": "<id>", "records": [{"server": "uvicorn", "version": "0.7.2",
      "python": "3.8.18", "platform": "linux-x86_64", "outcome": "reproduces",
      "date": "2026-11-21", "scenario": "default", "excerpt": "..."}]}

One record per (server, version, python, platform, scenario); a newer run
replaces the older record with the same key.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from troubleshoot.errors import EntryInvalid, Problem

if TYPE_CHECKING:
    from troubleshoot.schema import Fix

Outcome = Literal["reproduces", "fixed", "not-applicable", "error"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)


@dataclass(frozen=True)
class EvidenceRecord:
    server: str  # "uvicorn" or "reference"
    version: str  # release, or the reference server's version
    python: str
    platform: str
    outcome: Outcome
    date: str  # ISO date of the run
    scenario: str = "default"
    excerpt: str = ""

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        return (self.server, self.version, self.python, self.platform, self.scenario)


_FIELDS = {"server", "version", "python", "platform", "outcome", "date", "scenario", "excerpt"}
_REQUIRED = _FIELDS - {"scenario", "excerpt"}


def load_evidence(path: Path) -> tuple[str, tuple[EvidenceRecord, ...]]:
    """Read one evidence file; raise EntryInvalid naming the record and field at fault."""
    name = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise EntryInvalid([Problem(name, "", f"cannot read: {exc}")]) from exc
    except json.JSONDecodeError as exc:
        raise EntryInvalid(
            [Problem(name, "", f"line {exc.lineno}: invalid JSON: {exc.msg}")]
        ) from exc
    problems: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("entry"), str):
        raise EntryInvalid([Problem(name, "entry", "must be an object with an 'entry' id")])
    raw = data.get("records")
    if not isinstance(raw, list):
        raise EntryInvalid([Problem(name, "records", "must be an array")])
    records: list[EvidenceRecord] = []
    for index, rec in enumerate(raw):
        here = f"records[{index}]"
        if not isinstance(rec, dict):
            problems.append(Problem(name, here, "must be an object"))
            continue
        problems += [Problem(name, f"{here}.{k}", "unknown field") for k in rec if k not in _FIELDS]
        problems += [Problem(name, f"{here}.{k}", "is required") for k in _REQUIRED - rec.keys()]
        bad = [k for k in _FIELDS & rec.keys() if not isinstance(rec[k], str)]
        problems += [Problem(name, f"{here}.{k}", "must be a string") for k in bad]
        if rec.get("outcome") not in OUTCOMES:
            problems.append(
                Problem(name, f"{here}.outcome", f"must be one of {', '.join(OUTCOMES)}")
            )
        if not problems:
            records.append(EvidenceRecord(**rec))
    if problems:
        raise EntryInvalid(problems)
    return data["entry"], tuple(records)


def record_evidence(evidence_dir: Path, entry_id: str, new: list[EvidenceRecord]) -> Path:
    """Merge ``new`` into the entry's evidence file atomically (same key: newest wins)."""
    path = evidence_dir / f"{entry_id}.json"
    existing = load_evidence(path)[1] if path.exists() else ()
    merged: dict[tuple[str, ...], EvidenceRecord] = {r.key: r for r in existing}
    merged.update({r.key: r for r in new})
    ordered = sorted(merged.values(), key=sort_key)
    payload: dict[str, Any] = {"entry": entry_id, "records": [asdict(r) for r in ordered]}
    evidence_dir.mkdir(parents=True, exist_ok=True)
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=evidence_dir, prefix=f".{entry_id}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=2, sort_keys=False)
        fh.write("\n")
    Path(tmp).replace(path)
    return path


def sort_key(record: EvidenceRecord) -> tuple[str, tuple[int, ...], str, str]:
    """Evidence order: by server, then release order, then Python and scenario."""
    return (record.server, _sort_version(record.version), record.python, record.scenario)


def _sort_version(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.replace("-", ".").split("."):
        parts.append(int(piece) if piece.isdigit() else -1)
    return tuple(parts)


def fix_check(fix: Fix, records: Iterable[EvidenceRecord]) -> str | None:
    """One line on whether a fix option was tested: the releases where its repro
    scenario came out ``fixed``, or why it cannot be run here."""
    if fix.verified_by:
        shown = [
            r
            for r in records
            if r.server == "uvicorn" and r.scenario == fix.verified_by and r.outcome == "fixed"
        ]
        if not shown:
            return f"Tested by the repro scenario {fix.verified_by} (no recorded run yet)."
        versions = sorted({r.version for r in shown}, key=_sort_version)
        last = max(r.date for r in shown)
        return (
            f"Tested: the repro applies it (scenario {fix.verified_by}) and the failure is "
            f"gone on uvicorn {', '.join(versions)} (last run {last})."
        )
    if fix.unverified:
        return f"Not run here: {fix.unverified}"
    return None
