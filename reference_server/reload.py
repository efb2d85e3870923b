"""Which files changed? A stat-polling watcher (no dependency, works everywhere)."""

from __future__ import annotations

import fnmatch
import os
import time
from collections.abc import Iterator
from pathlib import Path

from reference_server.settings import DEFAULT_RELOAD_EXCLUDES, DEFAULT_RELOAD_INCLUDES, Settings

Signature = tuple[int, int, int]
SETTLE = 0.02
MAX_SETTLE = 1.0


class StatWatcher:
    """Compares (mtime_ns, size, inode) of the watched files between two scans."""

    def __init__(self, settings: Settings) -> None:
        dirs = settings.reload_dirs or (str(Path.cwd()),)
        self.dirs = [Path(d).resolve() for d in dirs]
        self.includes = DEFAULT_RELOAD_INCLUDES + settings.reload_includes
        # An include that names a default exclude (e.g. ".env") wins over it.
        self.excludes = (
            tuple(p for p in DEFAULT_RELOAD_EXCLUDES if p not in settings.reload_includes)
            + settings.reload_excludes
        )
        self.snapshot = self.scan()

    def _excluded(self, path: Path, base: Path) -> bool:
        rel = path.relative_to(base).as_posix()
        return any(
            fnmatch.fnmatch(path.name, pat) or fnmatch.fnmatch(rel, pat) for pat in self.excludes
        )

    def _included(self, path: Path, base: Path) -> bool:
        rel = path.relative_to(base).as_posix()
        return any(
            fnmatch.fnmatch(path.name, pat) or fnmatch.fnmatch(rel, pat) for pat in self.includes
        )

    def _walk(self, base: Path) -> Iterator[Path]:
        stack = [base]
        while stack:
            current = stack.pop()
            try:
                entries = list(os.scandir(current))
            except OSError:
                continue
            for entry in entries:
                path = Path(entry.path)
                if self._excluded(path, base):
                    continue
                try:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(path)
                    elif entry.is_file() and self._included(path, base):
                        yield path
                except OSError:
                    continue

    def scan(self) -> dict[str, Signature]:
        found: dict[str, Signature] = {}
        for base in self.dirs:
            for path in self._walk(base):
                try:
                    st = path.stat()
                except OSError:
                    continue
                found[str(path)] = (st.st_mtime_ns, st.st_size, st.st_ino)
        return found

    def changes(self) -> list[str]:
        """Paths added, removed or modified since the previous call.

        Once something changed, wait until two scans SETTLE seconds apart agree (at
        most MAX_SETTLE), so a file caught between truncate and write is not
        imported empty and one save does not trigger two reloads.
        """
        current = self.scan()
        if current == self.snapshot:
            return []
        deadline = time.monotonic() + MAX_SETTLE
        while time.monotonic() < deadline:
            time.sleep(SETTLE)
            again = self.scan()
            if again == current:
                break
            current = again
        changed = [p for p, sig in current.items() if self.snapshot.get(p) != sig]
        changed.extend(p for p in self.snapshot if p not in current)
        self.snapshot = current
        return sorted(changed)
