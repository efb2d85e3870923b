"""Writing an export without ever destroying anything that is not ours.

An export directory carries a marker, ``.doctor-site.json``, listing every file
the export wrote with its SHA-256. A target is accepted only if it does not
exist, is empty, or is a previous export whose files are exactly those listed
and unmodified: anything the user added or edited there makes the export refuse.
The new site is written to a temporary directory next to the target and swapped
in with renames, so a failed export leaves the old site (or nothing) in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import suppress
from pathlib import Path

from troubleshoot.errors import ExportError

MARKER = ".doctor-site.json"
MARKER_FORMAT = 1
_SHOWN = 5


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _walk(root: Path) -> Iterator[tuple[Path, str]]:
    """Every entry under ``root`` as (path, "file" | "dir" | "link"); a folder that
    cannot be read is an ExportError (it would otherwise vanish with the old site)."""

    def unreadable(exc: OSError) -> None:
        raise ExportError(
            f"refusing to export into {root}: cannot read {exc.filename} "
            f"({exc.strerror}); nothing was written"
        )

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames.sort()
        for name in list(dirnames):
            path = Path(dirpath, name)
            yield path, "link" if path.is_symlink() else "dir"
        for name in sorted(filenames):
            path = Path(dirpath, name)
            yield path, "link" if path.is_symlink() else "file"


def _listing(paths: list[str]) -> str:
    more = f" and {len(paths) - _SHOWN} more" if len(paths) > _SHOWN else ""
    return ", ".join(paths[:_SHOWN]) + more


def _read_marker(out_dir: Path) -> dict[str, str]:
    problem = f"refusing to export into {out_dir}: its {MARKER} is unreadable"
    try:
        data = json.loads((out_dir / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(f"{problem} ({exc}); choose an empty or new directory") from exc
    if not isinstance(data, dict):
        data = {}
    files = data.get("files")
    if data.get("generator") != "uvicorn-doctor" or not isinstance(files, dict):
        raise ExportError(f"{problem} (not written by uvicorn-doctor); choose another directory")
    return {str(k): str(v) for k, v in files.items()}


def check_target(out_dir: Path) -> None:
    """Raise ExportError unless ``out_dir`` is new, empty, or an untouched previous export."""
    if out_dir.is_symlink():
        raise ExportError(f"refusing to export into {out_dir}: it is a symbolic link")
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise ExportError(f"refusing to export into {out_dir}: it exists and is not a directory")
    try:
        present = any(out_dir.iterdir())
    except OSError as exc:
        raise ExportError(f"cannot read {out_dir}: {exc}") from exc
    if not present:
        return
    if not (out_dir / MARKER).is_file():
        raise ExportError(
            f"refusing to export into {out_dir}: it is not empty and is not a previous "
            f"export (no {MARKER}); nothing was written. Choose a new or empty directory."
        )
    listed = _read_marker(out_dir)
    folders = {rel.rsplit("/", 1)[0] for rel in listed if "/" in rel}
    folders |= {f.rsplit("/", n)[0] for f in list(folders) for n in range(f.count("/") + 1)}
    extra, changed = [], []
    for path, kind in _walk(out_dir):
        rel = path.relative_to(out_dir).as_posix()
        if rel == MARKER:
            continue
        if kind == "dir":
            if rel not in folders:  # a folder of the user's, even an empty one
                extra.append(rel + "/")
        elif kind == "link" or rel not in listed:
            extra.append(rel)
        elif _digest(path.read_bytes()) != listed[rel]:
            changed.append(rel)
    # a user's folder is named by what it holds, or by itself when it holds nothing
    extra = [
        e for e in extra if not (e.endswith("/") and any(o.startswith(e) for o in extra if o != e))
    ]
    if extra or changed:
        parts = []
        if extra:
            parts.append(f"files the export did not write: {_listing(extra)}")
        if changed:
            parts.append(f"files changed since the export: {_listing(changed)}")
        raise ExportError(
            f"refusing to overwrite {out_dir}: it holds {'; '.join(parts)}. "
            "Move them away or export into another directory; nothing was written."
        )


def marker_text(files: Mapping[str, bytes], generator_version: str) -> str:
    manifest = {path: _digest(data) for path, data in files.items()}
    payload = {
        "format": MARKER_FORMAT,
        "generator": "uvicorn-doctor",
        "version": generator_version,
        "files": manifest,
    }
    return json.dumps(payload, sort_keys=True, indent=1) + "\n"


def _write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    made: set[str] = set()
    for rel in sorted(files):
        folder, _, _name = rel.rpartition("/")
        if folder and folder not in made:
            (root / folder).mkdir(parents=True, exist_ok=True)
            made.add(folder)
        (root / rel).write_bytes(files[rel])


def write_site(out_dir: Path, files: Mapping[str, bytes], generator_version: str) -> None:
    """Write ``files`` (relative POSIX path -> bytes) as the complete new ``out_dir``."""
    if MARKER in files:
        raise ExportError(f"{MARKER} is reserved for the export marker")
    check_target(out_dir)
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=parent))
    except OSError as exc:
        raise ExportError(f"cannot create a directory next to {out_dir}: {exc}") from exc
    try:
        _write_tree(staging, files)
        (staging / MARKER).write_text(marker_text(files, generator_version), encoding="utf-8")
        staging.chmod(0o755)  # mkdtemp makes it private; a site is meant to be read
        _swap(staging, out_dir)
    except OSError as exc:
        raise ExportError(f"cannot write the export to {out_dir}: {exc}") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _swap(staging: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
    old.rmdir()  # only the unique name is wanted
    out_dir.rename(old)
    try:
        staging.rename(out_dir)
    except OSError:
        with suppress(OSError):
            old.rename(out_dir)  # put the previous export back
        raise
    shutil.rmtree(old, ignore_errors=True)
