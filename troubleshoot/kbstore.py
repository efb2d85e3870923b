"""Load, validate and compile the knowledge base; read the compiled database.

Sources are ``kb/entries/*.toml`` and ``kb/evidence/*.json``. They compile into
one SQLite file (plain tables plus an FTS5 index, readable by Datasette; see
``docs/kb-database.md``). The CLI opens the compiled file with the standard
``sqlite3`` module and rebuilds it only when the sources' content hash changes;
a build writes a temporary file and renames it over the old one, so a failed
build leaves the last good database in place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from troubleshoot import __version__
from troubleshoot.config import Settings
from troubleshoot.errors import EntryInvalid, KBError, Problem
from troubleshoot.evidence import EvidenceRecord, load_evidence, sort_key
from troubleshoot.schema import Entry, Signature, entry_from_dict, parse_entry, signature_from_dict

# Bump when the table layout changes: an old cache is then rebuilt.
DB_FORMAT = 6


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    evidence: dict[str, tuple[EvidenceRecord, ...]] = field(default_factory=dict)

    def get(self, entry_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == entry_id), None)


# Frames alone (a cut traceback) make a likely match only through a frame this telling.
FRAME_LEAD = 0.45
# Signature weights measured over the corpus (bench/fit_weights.py), replacing the
# curated ones, which are their priors.
WEIGHTS_FILE = "measured-weights.json"


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
    problems.extend(_cross_check(entries, evidence, settings))
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


def _cross_check(
    entries: list[Entry], evidence: dict[str, tuple[EvidenceRecord, ...]], settings: Settings
) -> list[Problem]:
    ids = {e.id for e in entries}
    problems: list[Problem] = []
    for entry in entries:
        file = str(settings.entries_dir / f"{entry.id}.toml")
        for index, rel in enumerate(entry.related):
            if rel not in ids:
                problems.append(Problem(file, f"related[{index}]", f"no entry with id {rel!r}"))
        if entry.repro is not None and not (settings.fixes_dir / entry.repro.folder).is_dir():
            where = settings.fixes_dir / entry.repro.folder
            problems.append(Problem(file, "repro.folder", f"folder {where} does not exist"))
        problems.extend(_boundary_problems(entry, evidence.get(entry.id, ()), file))
        problems.extend(_fix_problems(entry, evidence.get(entry.id, ()), file))
    for entry_id in evidence:
        if entry_id not in ids:
            path = str(settings.evidence_dir / f"{entry_id}.json")
            problems.append(Problem(path, "entry", f"no entry with id {entry_id!r}"))
    return problems


def _boundary_problems(
    entry: Entry, records: tuple[EvidenceRecord, ...], file: str
) -> list[Problem]:
    """A boundary marked verified must have release runs behind it: one inside the
    range that reproduces, and one at ``fixed_in`` that shows it fixed."""
    from packaging.specifiers import SpecifierSet

    problems = []
    for index, aff in enumerate(entry.affected):
        if entry.unverifiable:
            break
        seen = _runs_of(aff.package, records)
        if aff.status != "verified":
            if entry.kind in ("version-bug", "security"):
                problems.append(
                    Problem(
                        file,
                        f"affected[{index}].status",
                        f"a {entry.kind} boundary needs evidence: run `doctor bisect` / "
                        "`doctor verify` and mark it 'verified', or give the entry an "
                        "`unverifiable` reason",
                    )
                )
            continue
        inside = SpecifierSet(aff.specifier)
        if not any(o == "reproduces" and inside.contains(v, prereleases=True) for v, o in seen):
            problems.append(
                Problem(
                    file,
                    f"affected[{index}].status",
                    f"is 'verified' but no evidence shows a release in {aff.specifier} "
                    "reproducing it",
                )
            )
        # fixed_in is a release of the entry's package: checked on that package's rows
        if (
            entry.fixed_in
            and _same_package(aff.package, entry.package)
            and (entry.fixed_in, "fixed") not in seen
        ):
            problems.append(
                Problem(
                    file,
                    f"affected[{index}].status",
                    f"is 'verified' but no evidence shows {entry.fixed_in} fixed",
                )
            )
    return problems


def _same_package(a: str, b: str) -> bool:
    from troubleshoot.versions import canonicalize_name

    return canonicalize_name(a) == canonicalize_name(b)


def _runs_of(package: str, records: tuple[EvidenceRecord, ...]) -> set[tuple[str, str]]:
    """(version of ``package``, outcome) of the uvicorn runs. For uvicorn, the release
    run; for another distribution (h11, websockets, ...), the release a scenario named
    ``<package>-<version>`` pinned beside uvicorn (``@scenario("h11-0.14.0",
    extras={...: ["h11==0.14.0"]})``)."""
    import re

    from troubleshoot.versions import canonicalize_name

    runs = [r for r in records if r.server == "uvicorn"]
    name = canonicalize_name(package)
    if name == "uvicorn":
        return {(r.version, r.outcome) for r in runs}
    pinned = re.compile(re.escape(name) + r"-(\d+(?:\.\d+)*)")
    found: set[tuple[str, str]] = set()
    for r in runs:
        match = pinned.fullmatch(r.scenario.lower())
        if match:
            found.add((match[1], r.outcome))
    return found


def _version_of(package: str, record: EvidenceRecord) -> str | None:
    """The release of ``package`` a uvicorn run used: the uvicorn release, or for
    another distribution the one its scenario name pins (``...-h11-0.14.0``)."""
    import re

    from troubleshoot.versions import canonicalize_name

    name = canonicalize_name(package)
    if name == "uvicorn":
        return record.version
    match = re.search(r"(?:^|-)" + re.escape(name) + r"-(\d+(?:\.\d+)*)$", record.scenario.lower())
    return match[1] if match else None


def _fix_problems(entry: Entry, records: tuple[EvidenceRecord, ...], file: str) -> list[Problem]:
    """A fix that names its scenario must have been seen working where it is offered:
    on a release in the fix's own ``versions``, else on an affected release."""
    from troubleshoot.versions import contains

    problems = []
    for index, fix in enumerate(entry.fixes):
        if fix.verified_by is None:
            continue
        ranges = [fix.versions] if fix.versions else [a.specifier for a in entry.affected]
        shown = [
            r
            for r in records
            if r.server == "uvicorn"
            and r.scenario == fix.verified_by
            and r.outcome == "fixed"
            and (
                not ranges
                or any(contains(spec, _version_of(entry.package, r) or "") for spec in ranges)
            )
        ]
        if not shown:
            package = entry.package
            where = (
                f"{package} {fix.versions} (the fix's versions)"
                if fix.versions
                else f"an affected {package} release"
            )
            problems.append(
                Problem(
                    file,
                    f"fixes[{index}].verified_by",
                    f"no evidence of scenario {fix.verified_by!r} coming out 'fixed' on "
                    f"{where} (run `doctor verify`)",
                )
            )
    return problems


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


_COLUMNS: dict[str, dict[str, type]] = {
    "affected": {
        "entry_id": str,
        "position": int,
        "package": str,
        "specifier": str,
        "marker": str,
        "note": str,
        "status": str,
    },
    "signatures": {
        "entry_id": str,
        "sig_id": str,
        "kind": str,
        "weight": float,
        "required": int,
        "exc_type": str,
        "message": str,
        "pattern": str,
        "module": str,
        "function": str,
        "versions": str,
        "data": str,  # the whole signature as JSON: what the matcher reads
    },
    "signature_keys": {"key": str, "entry_id": str, "sig_id": str},
    "fixes": {
        "entry_id": str,
        "position": int,
        "type": str,
        "title": str,
        "body": str,
        "when_not": str,
        "versions": str,
        "verified_by": str,
        "unverified": str,
    },
    "upstream_refs": {"entry_id": str, "kind": str, "position": int, "ref": str, "repo": str},
    "advisories": {
        "entry_id": str,
        "position": int,
        "advisory_id": str,
        "aliases": str,  # space separated
        "severity": str,
        "url": str,
        "claims": str,
        "note": str,
    },
    "advisory_ids": {"name": str, "entry_id": str, "advisory_id": str},
    "evidence": {
        "entry_id": str,
        "server": str,
        "version": str,
        "python": str,
        "platform": str,
        "outcome": str,
        "date": str,
        "scenario": str,
        "excerpt": str,
    },
}


def _fill(db: Any, kb: KnowledgeBase, digest: str, stamp: str) -> None:
    entries, affected, signatures, keys, fixes, refs, evidence = [], [], [], [], [], [], []
    advisories: list[dict[str, Any]] = []
    advisory_ids: list[dict[str, Any]] = []
    for e in kb.entries:
        entries.append(
            {
                "id": e.id,
                "title": e.title,
                "package": e.package,
                "kind": e.kind,
                "severity": e.severity,
                "tags": " ".join(e.tags),
                "summary": e.summary,
                "mechanism": e.mechanism,
                "prevention": e.prevention,
                "error": e.error,
                "fixed_in": e.fixed_in,
                "unverifiable": e.unverifiable,
                "canonical_issue": e.upstream.issues[0] if e.upstream.issues else None,
                "signature_text": "\n".join(
                    s.message or s.pattern or s.exc_type or s.module or "" for s in e.signatures
                ),
                "advisory_text": " ".join(n for a in e.advisories for n in (a.id, *a.aliases)),
                "data": json.dumps(e.to_dict(), sort_keys=True),
            }
        )
        for i, a in enumerate(e.affected):
            affected.append(
                {
                    "entry_id": e.id,
                    "position": i,
                    "package": a.package,
                    "specifier": a.specifier,
                    "marker": a.when,
                    "note": a.note,
                    "status": a.status,
                }
            )
        for s in e.signatures:
            signatures.append(
                {
                    "entry_id": e.id,
                    "sig_id": s.id,
                    "kind": s.kind,
                    "weight": s.weight,
                    "required": int(s.required),
                    "exc_type": s.exc_type,
                    "message": s.message,
                    "pattern": s.pattern,
                    "module": s.module,
                    "function": s.function,
                    "versions": s.versions,
                    "data": json.dumps(asdict(s)),
                }
            )
            for key in _signature_keys(s):
                keys.append({"key": key, "entry_id": e.id, "sig_id": s.id})
        for i, f in enumerate(e.fixes):
            fixes.append(
                {
                    "entry_id": e.id,
                    "position": i,
                    "type": f.type,
                    "title": f.title,
                    "body": f.body,
                    "when_not": f.when_not,
                    "versions": f.versions,
                    "verified_by": f.verified_by,
                    "unverified": f.unverified,
                }
            )
        for i, adv in enumerate(e.advisories):
            advisories.append(
                {
                    "entry_id": e.id,
                    "position": i,
                    "advisory_id": adv.id,
                    "aliases": " ".join(adv.aliases),
                    "severity": adv.severity,
                    "url": adv.url,
                    "claims": adv.claims,
                    "note": adv.note,
                }
            )
            for name in dict.fromkeys((adv.id, *adv.aliases)):
                advisory_ids.append({"name": name, "entry_id": e.id, "advisory_id": adv.id})
        for kind, values in (
            ("issue", e.upstream.issues),
            ("pr", e.upstream.prs),
            ("commit", e.upstream.commits),
        ):
            for i, ref in enumerate(values):
                refs.append(
                    {
                        "entry_id": e.id,
                        "kind": kind,
                        "position": i,
                        "ref": str(ref),
                        "repo": e.upstream.repo,
                    }
                )
    for entry_id, records in kb.evidence.items():
        for r in records:
            evidence.append(
                {
                    "entry_id": entry_id,
                    "server": r.server,
                    "version": r.version,
                    "python": r.python,
                    "platform": r.platform,
                    "outcome": r.outcome,
                    "date": r.date,
                    "scenario": r.scenario,
                    "excerpt": r.excerpt,
                }
            )
    db["entries"].insert_all(entries, pk="id")
    db["entries"].enable_fts(
        ["title", "summary", "mechanism", "error", "tags", "signature_text", "advisory_text"],
        create_triggers=False,
    )
    for name, rows in (
        ("affected", affected),
        ("signatures", signatures),
        ("signature_keys", keys),
        ("fixes", fixes),
        ("upstream_refs", refs),
        ("advisories", advisories),
        ("advisory_ids", advisory_ids),
        ("evidence", evidence),
    ):
        table = db[name]
        # Explicit columns, so a table with no rows still has its documented shape.
        table.create(_COLUMNS[name])
        if rows:
            table.insert_all(rows)
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
            "select server, version, python, platform, outcome, date, scenario, excerpt "
            "from evidence where entry_id = ?",
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


def _fts_query(query: str) -> str:
    """Quote each term so user text never breaks FTS5 syntax; all terms must match."""
    import re

    terms = re.findall(r"\w+", query)
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
