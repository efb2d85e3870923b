"""Read the knowledge-base sources into a :class:`KnowledgeBase`.

Sources are ``kb/entries/*.toml`` (validated by :mod:`troubleshoot.schema`),
``kb/evidence/*.json`` and the measured signature weights
(``kb/measured-weights.json``); :mod:`troubleshoot.kbcheck` checks them against
each other. Compiling is :mod:`troubleshoot.kbcompile`'s job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from troubleshoot.config import Settings
from troubleshoot.errors import EntryInvalid, KBError, Problem
from troubleshoot.evidence import EvidenceRecord, load_evidence
from troubleshoot.kbcheck import cross_check
from troubleshoot.schema import Entry, parse_entry


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    evidence: dict[str, tuple[EvidenceRecord, ...]] = field(default_factory=dict)

    def get(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)


# Signature weights measured over the corpus (bench/fit_weights.py), replacing the
# curated ones, which are their priors.
WEIGHTS_FILE = "measured-weights.json"


def load_kb(settings: Settings, *, measured: bool = True) -> KnowledgeBase:
    """Parse and validate every source; raise EntryInvalid listing all problems.
    ``measured``: use the measured signature weights (the curated ones otherwise)."""
    problems: list[Problem] = []
    entries: list[Entry] = []
    for path in sorted(settings.entries_dir.glob("*.toml")):
        try:
            entries.append(_load_entry(path))
        except EntryInvalid as exc:
            problems.extend(exc.problems)
    weights_path = settings.kb_dir / WEIGHTS_FILE
    if measured and weights_path.is_file():
        entries, stale = _measured(entries, weights_path)
        problems.extend(stale)
    evidence: dict[str, tuple[EvidenceRecord, ...]] = {}
    if settings.evidence_dir.is_dir():
        for path in sorted(settings.evidence_dir.glob("*.json")):
            try:
                entry_id, records = load_evidence(path)
            except EntryInvalid as exc:
                problems.extend(exc.problems)
                continue
            evidence[entry_id] = records
    problems.extend(cross_check(entries, evidence, settings))
    if problems:
        raise EntryInvalid(problems)
    if not entries:
        raise KBError(f"no entries in {settings.entries_dir}")
    return KnowledgeBase(tuple(entries), evidence)


def _measured(entries: list[Entry], path: Path) -> tuple[list[Entry], list[Problem]]:
    """``entries`` with their measured weights; a problem for each stale record."""
    from dataclasses import replace

    name = path.name
    try:
        weights = json.loads(path.read_text(encoding="utf-8"))["weights"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return entries, [Problem(name, "", f"cannot read the measured weights: {exc}")]
    problems: list[Problem] = []
    out = []
    seen = set()
    for entry in entries:
        sigs = []
        for sig in entry.signatures:
            key = f"{entry.id}/{sig.id}"
            record = weights.get(key)
            if sig.kind == "code" or record is None:
                if sig.kind != "code":
                    problems.append(Problem(name, key, _STALE.format("has no measured weight")))
                sigs.append(sig)
                continue
            seen.add(key)
            if record.get("prior") != sig.weight:
                problems.append(Problem(name, key, _STALE.format("was measured for another prior")))
            sigs.append(replace(sig, weight=float(record["weight"])))
        out.append(replace(entry, signatures=tuple(sigs)))
    for key in sorted(set(weights) - seen):
        problems.append(Problem(name, key, _STALE.format("names no signature of the KB")))
    return out, problems


_STALE = "{}: the weights are stale; run `python bench/fit_weights.py`"


def _load_entry(path: Path) -> Entry:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise EntryInvalid([Problem(str(path), "", f"cannot read: {exc}")]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise EntryInvalid([Problem(str(path), "", f"invalid TOML: {exc}")]) from exc
    return parse_entry(data, str(path), path.stem)
