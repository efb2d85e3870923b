"""Which lock-file source reads a file: told by its name, else by its content.

The factory lives apart from the base class (``lockfile``) so that each format
module imports the base and this module imports the formats: no cycle.
"""

from __future__ import annotations

from pathlib import Path

from troubleshoot.errors import EnvSourceError
from troubleshoot.sources.interface import EnvSource
from troubleshoot.sources.lockfile import parse_toml, read_text
from troubleshoot.sources.poetry_lock import PoetryLockSource
from troubleshoot.sources.pylock import PylockSource, is_pylock_name
from troubleshoot.sources.uv_lock import UvLockSource


def lock_source(path: str | Path) -> EnvSource:
    """The source for a lock file, its type told by its name, else by its content."""
    name = Path(path).name
    if name == "uv.lock":
        return UvLockSource(path)
    if name == "poetry.lock":
        return PoetryLockSource(path)
    if is_pylock_name(name):
        return PylockSource(path)
    text = read_text(str(path))
    try:
        data = parse_toml(text, str(path))
    except EnvSourceError as exc:
        if name.endswith(".txt"):
            hint = "requirements files go to -r, not --lock"
            raise EnvSourceError(f"{exc.message} ({hint})") from exc
        raise
    if "lock-version" in data and "packages" in data:
        return PylockSource(path)
    metadata = data.get("metadata")
    if isinstance(metadata, dict) and ("content-hash" in metadata or "lock-version" in metadata):
        return PoetryLockSource(path)
    if isinstance(data.get("version"), int) and "package" in data:
        return UvLockSource(path)
    raise EnvSourceError(
        f"{path}: cannot tell which lock format this is "
        "(expected uv.lock, poetry.lock or pylock.toml content)"
    )
