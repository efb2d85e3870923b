"""Compile a :class:`~troubleshoot.kbload.KnowledgeBase` into the SQLite file.

Plain tables plus an FTS5 index, readable by Datasette (``docs/kb-database.md``),
written with sqlite-utils into a temporary file renamed over the old one, so a
failed build leaves the last good database in place. Reading it is
:mod:`troubleshoot.kbstore`'s job.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from troubleshoot import __version__
from troubleshoot.evidence import EvidenceRecord
from troubleshoot.kbload import KnowledgeBase
from troubleshoot.schema import Advisory, Affected, Fix, Signature, bare_type, db_columns

# Bump when the table layout changes (a field added to Fix or EvidenceRecord adds a
# column): an old cache is then rebuilt.
DB_FORMAT = 7  # 7: affected.needs in the entry data
# Frames alone (a cut traceback) make a likely match only through a frame this telling.
FRAME_LEAD = 0.45


def build_db(kb: KnowledgeBase, path: Path, digest: str, stamp: str = "") -> None:
    """Compile ``kb`` into ``path`` atomically (temp file + rename)."""
    import tempfile

    import sqlite_utils  # slow to import: only builds pay for it

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".kb-", suffix=".db.tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        db = sqlite_utils.Database(tmp)
        _fill(db, kb, digest, stamp)
        db.close()
        tmp.replace(path)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise


def _text_columns(cls: type) -> dict[str, type]:
    """A text column per field of the dataclass ``cls``, in field order."""
    return {f.name: str for f in fields(cls)}


_COLUMN_TYPES: dict[str, type] = {"float": float, "bool": int, "int": int}


def _schema_columns(cls: type) -> dict[str, type]:
    """The columns the KB schema declares for ``cls`` (:func:`troubleshoot.schema.db_columns`),
    typed by their fields' annotations (arrays are stored space separated)."""
    return {c: _COLUMN_TYPES.get(bare_type(f), str) for c, f in db_columns(cls).items()}


_COLUMNS: dict[str, dict[str, type]] = {
    "affected": {"entry_id": str, "position": int, **_schema_columns(Affected)},
    "signatures": {
        "entry_id": str,
        **_schema_columns(Signature),
        "data": str,  # the whole signature as JSON: what the matcher reads
    },
    "signature_keys": {"key": str, "entry_id": str, "sig_id": str},
    "fixes": {"entry_id": str, "position": int, **_text_columns(Fix)},
    "upstream_refs": {"entry_id": str, "kind": str, "position": int, "ref": str, "repo": str},
    "advisories": {"entry_id": str, "position": int, **_schema_columns(Advisory)},
    "advisory_ids": {"name": str, "entry_id": str, "advisory_id": str},
    "evidence": {"entry_id": str, **_text_columns(EvidenceRecord)},
}


# The entries table, its columns in order; the other tables' are in _COLUMNS. A
# column named after a field stores that field (see _row).
_ENTRY_COLUMNS = (
    "id",
    "title",
    "package",
    "kind",
    "severity",
    "tags",
    "summary",
    "mechanism",
    "prevention",
    "error",
    "fixed_in",
    "unverifiable",
    "canonical_issue",
    "signature_text",
    "advisory_text",
    "data",
)
_FTS_COLUMNS = ["title", "summary", "mechanism", "error", "tags", "signature_text", "advisory_text"]


def _fill(db: Any, kb: KnowledgeBase, digest: str, stamp: str) -> None:
    rows = _rows(kb)
    db["entries"].insert_all(rows["entries"], pk="id")
    db["entries"].enable_fts(_FTS_COLUMNS, create_triggers=False)
    for name, columns in _COLUMNS.items():
        table = db[name]
        # Explicit columns, so a table with no rows still has its documented shape.
        table.create(columns)
        if rows[name]:
            table.insert_all(rows[name])
        table.create_index(["entry_id"])
    db["signature_keys"].create_index(["key"])
    db["advisory_ids"].create_index(["name"])
    db["meta"].insert_all(
        [
            {"key": "source_hash", "value": digest},
            {"key": "source_stamp", "value": stamp},
            {"key": "db_format", "value": str(DB_FORMAT)},
            {"key": "built_by", "value": f"uvicorn-doctor {__version__}"},
        ],
        pk="key",
    )


def _rows(kb: KnowledgeBase) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, by table name."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in ("entries", *_COLUMNS)}
    for e in kb.entries:
        rows["entries"].append(
            _row(
                e,
                _ENTRY_COLUMNS,
                tags=" ".join(e.tags),
                canonical_issue=e.upstream.issues[0] if e.upstream.issues else None,
                signature_text="\n".join(
                    s.message or s.pattern or s.exc_type or s.module or "" for s in e.signatures
                ),
                advisory_text=" ".join(n for a in e.advisories for n in (a.id, *a.aliases)),
                data=json.dumps(e.to_dict(), sort_keys=True),
            )
        )
        for i, a in enumerate(e.affected):
            rows["affected"].append(_row(a, _COLUMNS["affected"], entry_id=e.id, position=i))
        for s in e.signatures:
            rows["signatures"].append(
                _row(s, _COLUMNS["signatures"], entry_id=e.id, data=json.dumps(asdict(s)))
            )
            rows["signature_keys"] += (
                {"key": key, "entry_id": e.id, "sig_id": s.id} for key in _signature_keys(s)
            )
        for i, f in enumerate(e.fixes):
            rows["fixes"].append(_row(f, _COLUMNS["fixes"], entry_id=e.id, position=i))
        for i, adv in enumerate(e.advisories):
            rows["advisories"].append(_row(adv, _COLUMNS["advisories"], entry_id=e.id, position=i))
            rows["advisory_ids"] += (
                {"name": name, "entry_id": e.id, "advisory_id": adv.id}
                for name in dict.fromkeys((adv.id, *adv.aliases))
            )
        up = e.upstream
        for kind, refs in (("issue", up.issues), ("pr", up.prs), ("commit", up.commits)):
            rows["upstream_refs"] += (
                {"entry_id": e.id, "kind": kind, "position": i, "ref": str(ref), "repo": up.repo}
                for i, ref in enumerate(refs)
            )
    for entry_id, records in kb.evidence.items():
        rows["evidence"] += (_row(r, _COLUMNS["evidence"], entry_id=entry_id) for r in records)
    return rows


def _row(item: object, names: Iterable[str], **given: Any) -> dict[str, Any]:
    """A row of the columns ``names``: the ``given`` values, and for every other
    column the ``item``'s field stored there (the schema's column names; arrays
    space separated, booleans 0/1)."""
    kind: type = type(item)
    stored = db_columns(kind)
    return {
        c: given[c] if c in given else _cell(getattr(item, stored[c].name if c in stored else c))
        for c in names
    }


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, tuple):
        return " ".join(map(str, value))
    return value


def _signature_keys(sig: Signature) -> set[str]:
    """Words a paste must contain for ``sig`` to fire; {"*"} when none can be derived.

    An exception signature needs its type *and* its message, so the message's
    words (rarer than a type name such as TypeError) key it when it has any.
    """
    from troubleshoot.sigkeys import regex_keys

    found: set[str] | None = None
    if sig.kind == "exception":
        found = (regex_keys(sig.message) if sig.message else None) or (
            regex_keys(sig.exc_type, whole=True) if sig.exc_type else None
        )
    elif sig.kind in ("log", "text") and sig.pattern:
        found = regex_keys(sig.pattern)
    elif sig.kind == "frame" and sig.module:
        # A telling frame makes a likely match of a cut traceback: keyed by its module's
        # words (or its function's). Other frames only add to what anchors a match.
        if sig.weight < FRAME_LEAD:
            return set()
        return (
            regex_keys(sig.module) or (regex_keys(sig.function) if sig.function else None)
        ) or set()
    else:
        # code signatures are for `doctor scan`: they never make an entry a candidate
        return set()
    return found if found is not None else {"*"}
