"""The compiled knowledge base: when to rebuild it, and read access to it.

The sources (``kb/entries``, ``kb/evidence``, the measured weights) are read by
:mod:`troubleshoot.kbload` and compiled by :mod:`troubleshoot.kbcompile` into one
SQLite file (``docs/kb-database.md``). This module opens that file with the
standard ``sqlite3`` module, rebuilds it only when the sources' content hash
changes, and is the boundary (:func:`cache_errors`) where what the file system
or SQLite refuses becomes one :class:`~troubleshoot.errors.KBError`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import fields
from pathlib import Path

from troubleshoot import __version__
from troubleshoot.config import Settings
from troubleshoot.errors import KBError
from troubleshoot.evidence import EvidenceRecord, sort_key
from troubleshoot.kbcompile import DB_FORMAT, build_db
from troubleshoot.kbload import WEIGHTS_FILE, load_kb
from troubleshoot.schema import Entry, Signature, entry_from_dict, signature_from_dict


def source_files(settings: Settings) -> list[Path]:
    files = sorted(settings.entries_dir.glob("*.toml"))
    if settings.evidence_dir.is_dir():
        files += sorted(settings.evidence_dir.glob("*.json"))
    if (settings.kb_dir / WEIGHTS_FILE).is_file():
        files.append(settings.kb_dir / WEIGHTS_FILE)
    return files


def source_hash(files: list[Path], root: Path) -> str:
    digest = hashlib.sha256(f"db-format={DB_FORMAT};doctor={__version__}".encode())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def ensure_db(settings: Settings, *, force: bool = False) -> Path:
    """Return a compiled DB that matches the sources, rebuilding it if needed.

    Freshness is decided by the sources' content hash. As git does, a cheaper
    stamp of (path, size, mtime) is checked first, so an unchanged KB of
    thousands of files is not re-read on every command.
    """
    files = source_files(settings)
    stamp = _stat_stamp(files, settings.kb_dir)
    stored = {} if force else _stored_meta(settings.db_path)
    if stored.get("source_stamp") == stamp:
        return settings.db_path
    digest = source_hash(files, settings.kb_dir)
    if stored.get("source_hash") == digest:
        _save_stamp(settings.db_path, stamp)
        return settings.db_path
    build_db(load_kb(settings), settings.db_path, digest, stamp)
    return settings.db_path


def _stat_stamp(files: list[Path], root: Path) -> str:
    digest = hashlib.sha256(f"db-format={DB_FORMAT};doctor={__version__}".encode())
    for path in files:
        st = path.stat()
        digest.update(
            f"{path.relative_to(root).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\0".encode()
        )
    return digest.hexdigest()


def _stored_meta(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        with _connect(path) as conn:
            return {str(k): str(v) for k, v in conn.execute("select key, value from meta")}
    except sqlite3.Error:
        return {}  # unreadable or foreign file: rebuild over it


def _save_stamp(path: Path, stamp: str) -> None:
    """Best effort: a read-only cache just costs a content hash next time."""
    with suppress(sqlite3.Error):
        conn = sqlite3.connect(path)
        try:
            with conn:
                conn.execute("update meta set value = ? where key = 'source_stamp'", (stamp,))
        finally:
            conn.close()


@contextlib.contextmanager
def cache_errors(db_path: Path) -> Iterator[None]:
    """The boundary to the compiled-KB cache: what the file system or SQLite refuses
    there becomes one KBError naming the path and the way out."""
    try:
        yield
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise KBError(
            f"cannot use the KB database at {db_path}: {reason} "
            "(set DOCTOR_CACHE_DIR to a writable folder)"
        ) from exc


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


class Store:
    """Read access to a compiled KB (stdlib sqlite3 only: fast to import)."""

    def __init__(self, path: Path, kb_dir: Path | None = None) -> None:
        self.path = path
        self.kb_dir = kb_dir  # the sources, for data read on demand (the message catalog)
        self.conn = _connect(path)
        # decoded signature rows by entry id: a guided session or a batch matches often
        self._signatures: dict[str, tuple[str, tuple[Signature, ...]]] = {}

    @classmethod
    def open(cls, settings: Settings) -> Store:
        with cache_errors(settings.db_path):
            return cls(ensure_db(settings), settings.kb_dir)

    def close(self) -> None:
        self.conn.close()

    def entry(self, entry_id: str) -> Entry | None:
        row = self.conn.execute("select data from entries where id = ?", (entry_id,)).fetchone()
        return entry_from_dict(json.loads(row["data"])) if row else None

    def entries(self, ids: list[str] | None = None) -> list[Entry]:
        if ids is None:
            rows = self.conn.execute("select data from entries order by id").fetchall()
        else:
            marks = ",".join("?" * len(ids))
            rows = self.conn.execute(
                f"select data from entries where id in ({marks}) order by id", ids
            ).fetchall()
        return [entry_from_dict(json.loads(r["data"])) for r in rows]

    def signatures(self, ids: list[str]) -> dict[str, tuple[str, tuple[Signature, ...]]]:
        """Entry id -> (package, the signatures the paste matcher reads), straight from
        the signature rows: scoring needs no full entry (those load for the matches)."""
        cached = self._signatures
        found: dict[str, tuple[str, list[Signature]]] = {}
        for chunk in _chunks(sorted(set(ids) - set(cached)), 500):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                "select e.package, s.entry_id, s.data "
                "from signatures s join entries e on e.id = s.entry_id "
                f"where s.entry_id in ({marks}) and s.kind != 'code' order by s.rowid",
                chunk,
            ).fetchall()
            for r in rows:
                sig = signature_from_dict(json.loads(r["data"]))
                found.setdefault(r["entry_id"], (r["package"], []))[1].append(sig)
        cached.update({i: (package, tuple(sigs)) for i, (package, sigs) in found.items()})
        return {i: cached[i] for i in sorted(ids) if i in cached}

    def ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("select id from entries order by id")]

    def candidates(self, words: set[str]) -> set[str]:
        """Entry ids with a signature keyed by one of ``words`` (or unkeyed)."""
        wanted = sorted(words | {"*"})
        found: set[str] = set()
        for chunk in _chunks(wanted, 500):
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.conn.execute(
                    f"select distinct entry_id from signature_keys where key in ({marks})", chunk
                )
            )
        return found

    def by_advisory(self, name: str) -> list[str]:
        """Ids of the entries covering the advisory ``name`` (its id or an alias,
        case-insensitive: ``cve-2020-7694`` finds PYSEC-2020-150's entry)."""
        rows = self.conn.execute(
            "select distinct entry_id from advisory_ids where upper(name) = upper(?) "
            "order by entry_id",
            (name.strip(),),
        ).fetchall()
        return [r[0] for r in rows]

    def evidence(self, entry_id: str) -> list[EvidenceRecord]:
        rows = self.conn.execute(
            f"select {_EVIDENCE_COLUMNS} from evidence where entry_id = ?",
            (entry_id,),
        ).fetchall()
        return sorted((EvidenceRecord(**dict(r)) for r in rows), key=sort_key)

    def search(self, query: str, limit: int = 20) -> list[tuple[str, str, float]]:
        """Full-text search: (id, title, rank) best first."""
        fts = _fts_query(query)
        if not fts:
            return []
        rows = self.conn.execute(
            "select entries.id, entries.title, entries_fts.rank from entries_fts "
            "join entries on entries.rowid = entries_fts.rowid "
            "where entries_fts match ? order by entries_fts.rank limit ?",
            (fts, limit),
        ).fetchall()
        return [(r[0], r[1], float(r[2])) for r in rows]


_EVIDENCE_COLUMNS = ", ".join(f.name for f in fields(EvidenceRecord))


def _fts_query(query: str) -> str:
    """Quote each term so user text never breaks FTS5 syntax; all terms must match."""
    import re

    terms = re.findall(r"\w+", query)
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
