"""Whether the files of an installed distribution are the ones its installer wrote.

Every wheel install (pip, uv, installer) writes ``<name>-<version>.dist-info/RECORD``:
one CSV row per installed file with its hash (``sha256=<urlsafe base64, no
padding>``) and size. Comparing those rows with the files on disk tells a sound
install from one whose files belong to two releases: an upgrade interrupted
half-way, a ``--user`` install whose files were partly overwritten, a package
folder copied over another, a truncated file. Such an install fails in ways no
single release can (``cannot import name 'Server' from 'uvicorn.main'``).

The checks never import the distribution: they read its RECORD and hash files.

- :func:`check_record` checks one ``.dist-info`` folder;
- :func:`check_site_packages` checks every distribution of a name found in one
  site-packages folder (two ``.dist-info`` folders of one name are themselves a
  sign of a mixed install);
- :func:`check_installed` checks the distribution an interpreter with these
  ``sys.path`` entries would use (the first folder, in order, that holds one).

Each returns :class:`RecordCheck` values; nothing raises for a broken install, and
an install that cannot be checked (no RECORD: an egg, a distro package, an
editable checkout) says why in ``RecordCheck.unverifiable``.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from packaging.utils import canonicalize_name

Problem = Literal["missing", "hash-mismatch", "size-mismatch", "unrecorded"]

# Files an interpreter writes next to the installed ones: never in RECORD, never a sign.
_IGNORED_PARTS = frozenset({"__pycache__"})


@dataclass(frozen=True)
class FileMismatch:
    """One file whose state on disk is not what RECORD says."""

    path: str  # relative to site-packages, '/'-separated as RECORD writes it
    problem: Problem
    expected: str | None = None  # RECORD's value ("sha256=...", or a size in bytes)
    actual: str | None = None  # what is on disk, in the same form (None: missing)


@dataclass(frozen=True)
class RecordCheck:
    """The result of comparing one installed distribution with its RECORD."""

    name: str  # canonical (PEP 503) name
    version: str
    dist_info: Path
    site_packages: Path
    checked: int  # files whose hash was compared
    mismatches: tuple[FileMismatch, ...] = ()
    # further .dist-info folders of the same name in the same site-packages
    other_dist_infos: tuple[Path, ...] = ()
    unverifiable: str | None = None  # why nothing could be compared

    @property
    def consistent(self) -> bool:
        """Every recorded file present and unchanged, nothing unrecorded, one dist-info."""
        return self.unverifiable is None and not self.mismatches and not self.other_dist_infos

    def by_problem(self, problem: Problem) -> tuple[FileMismatch, ...]:
        return tuple(m for m in self.mismatches if m.problem == problem)


def check_installed(name: str = "uvicorn", path: Iterable[str] | None = None) -> RecordCheck | None:
    """Check the distribution ``name`` that an interpreter with ``path`` as its
    ``sys.path`` (default: this one's) would use: the first entry that holds a
    ``.dist-info`` of that name. ``None`` when no entry holds one."""
    for entry in sys.path if path is None else path:
        folder = Path(entry or ".")
        if not folder.is_dir():
            continue
        checks = check_site_packages(folder, name)
        if checks:
            return checks[0]
    return None


def check_site_packages(site_packages: Path, name: str = "uvicorn") -> list[RecordCheck]:
    """Check every ``.dist-info`` of ``name`` in one site-packages folder, newest
    modification first (the one an installer wrote last). Each result lists the
    other folders in ``other_dist_infos``."""
    found = find_dist_infos(site_packages, name)
    results = []
    for dist_info in found:
        check = check_record(dist_info)
        others = tuple(d for d in found if d != dist_info)
        results.append(_with_others(check, others))
    return results


def find_dist_infos(site_packages: Path, name: str) -> list[Path]:
    """The ``<name>-<version>.dist-info`` folders of ``name`` in ``site_packages``."""
    wanted = canonicalize_name(name)
    try:
        entries = list(site_packages.iterdir())
    except OSError:
        return []
    found = [
        p for p in entries if p.suffix == ".dist-info" and p.is_dir() and _dist_name(p) == wanted
    ]
    return sorted(found, key=lambda p: (-_mtime(p), p.name))


def check_record(dist_info: Path) -> RecordCheck:
    """Compare the files a ``.dist-info`` folder's RECORD lists with the disk.

    Reports recorded files that are missing or whose hash differs, and ``.py``
    files inside the distribution's top-level package folders that RECORD does
    not list (left there by another release)."""
    site_packages = dist_info.parent
    name = _dist_name(dist_info)
    version = _dist_version(dist_info)
    record = dist_info / "RECORD"
    try:
        text = record.read_text(encoding="utf-8")
    except FileNotFoundError:
        reason = "no RECORD file: not installed from a wheel by pip, uv or installer"
        return RecordCheck(name, version, dist_info, site_packages, 0, unverifiable=reason)
    except (OSError, UnicodeDecodeError) as exc:
        return RecordCheck(
            name, version, dist_info, site_packages, 0, unverifiable=f"RECORD unreadable: {exc}"
        )
    rows = _rows(text)
    mismatches: list[FileMismatch] = []
    recorded: set[str] = set()
    checked = 0
    for rel, digest, size in rows:
        target = _inside(site_packages, rel)
        if target is None:
            continue  # a script or data file outside site-packages (../../bin/uvicorn)
        recorded.add(_norm(rel))
        if not digest:
            continue  # RECORD itself, or files recorded without a hash
        checked += 1
        try:
            data = target.read_bytes()
        except FileNotFoundError:
            mismatches.append(FileMismatch(rel, "missing", digest, None))
            continue
        except OSError as exc:
            mismatches.append(FileMismatch(rel, "missing", digest, f"unreadable: {exc}"))
            continue
        actual = _digest(digest, data)
        if actual is None:
            if size and str(len(data)) != size:
                mismatches.append(FileMismatch(rel, "size-mismatch", size, str(len(data))))
        elif actual != digest:
            mismatches.append(FileMismatch(rel, "hash-mismatch", digest, actual))
    mismatches.extend(_unrecorded(site_packages, dist_info, recorded))
    return RecordCheck(name, version, dist_info, site_packages, checked, tuple(mismatches))


def _rows(text: str) -> list[tuple[str, str, str]]:
    out = []
    for row in csv.reader(io.StringIO(text)):
        if not row or not row[0]:
            continue
        padded = [*row, "", ""]
        out.append((padded[0], padded[1], padded[2]))
    return out


def _digest(recorded: str, data: bytes) -> str | None:
    """``data``'s hash in RECORD's form, with RECORD's algorithm; None if unknown."""
    algorithm, sep, _ = recorded.partition("=")
    if not sep or algorithm not in hashlib.algorithms_available:
        return None
    raw = hashlib.new(algorithm, data).digest()
    return f"{algorithm}={base64.urlsafe_b64encode(raw).rstrip(b'=').decode('ascii')}"


def _inside(site_packages: Path, rel: str) -> Path | None:
    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.is_absolute() or ".." in pure.parts:
        return None
    return site_packages.joinpath(*pure.parts)


def _norm(rel: str) -> str:
    return str(PurePosixPath(rel.replace("\\", "/")))


def _unrecorded(site_packages: Path, dist_info: Path, recorded: set[str]) -> list[FileMismatch]:
    """``.py`` files under the distribution's own top-level folders that RECORD lacks."""
    tops = {
        PurePosixPath(r).parts[0]
        for r in recorded
        if len(PurePosixPath(r).parts) > 1 and PurePosixPath(r).parts[0] != dist_info.name
    }
    out = []
    for top in sorted(tops):
        folder = site_packages / top
        if not folder.is_dir() or folder.suffix in (".dist-info", ".data"):
            continue
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(site_packages)
            if _IGNORED_PARTS.intersection(rel.parts):
                continue
            key = rel.as_posix()
            if key not in recorded:
                out.append(FileMismatch(key, "unrecorded", None, _file_digest(path)))
    return out


def _file_digest(path: Path) -> str | None:
    try:
        return _digest("sha256=", path.read_bytes())
    except OSError:
        return None


def _dist_name(dist_info: Path) -> str:
    stem = dist_info.name[: -len(".dist-info")] if dist_info.name.endswith(".dist-info") else ""
    return canonicalize_name(stem.rsplit("-", 1)[0]) if "-" in stem else canonicalize_name(stem)


def _dist_version(dist_info: Path) -> str:
    """Version from METADATA's headers, else from the folder name."""
    try:
        text = (dist_info / "METADATA").read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        if not line.strip():
            break
        key, sep, value = line.partition(":")
        if sep and key.strip().lower() == "version":
            return value.strip()
    stem = dist_info.name[: -len(".dist-info")]
    return stem.rsplit("-", 1)[1] if "-" in stem else ""


def _mtime(path: Path) -> float:
    try:
        return (path / "RECORD").stat().st_mtime
    except OSError:
        return 0.0


def _with_others(check: RecordCheck, others: tuple[Path, ...]) -> RecordCheck:
    from dataclasses import replace

    return replace(check, other_dist_infos=others)
