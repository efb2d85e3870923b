"""What each page shows, collected from the KB store as plain frozen data.

No rendering here: the templates decide how it looks. Everything is sorted so
that the same KB always yields the same pages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from troubleshoot.conditions import CONDITIONS
from troubleshoot.config import COMMON_FIXES
from troubleshoot.evidence import EvidenceRecord, fix_check
from troubleshoot.kbstore import Store
from troubleshoot.schema import Entry

# Repro files bigger than this are listed but not shown inline.
MAX_INLINE_BYTES = 64 * 1024
_SKIP_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".venv", "node_modules"}

CONDITION_LABELS: dict[str, str] = {
    "reload": "started with --reload (reload=True)",
    "workers": "more than one worker (--workers N)",
    "ssl": "TLS files passed (--ssl-certfile / --ssl-keyfile)",
    "app_object": "the application object passed instead of an import string",
    "programmatic": "started from Python code (uvicorn.run(...))",
    "main_guard_missing": 'uvicorn.run(...) outside `if __name__ == "__main__":`',
    "debugger": "running under a debugger or IDE runner",
    "app_crashed": "the application had crashed before the reload",
    "platform": "operating system",
    "gunicorn": "run through gunicorn's UvicornWorker",
    "notebook": "inside Jupyter, IPython or another running event loop",
    "frozen": "frozen into an executable (PyInstaller, Nuitka)",
    "container": "in a container, WSL or a VM with mounted sources",
    "proxy": "behind a reverse proxy or load balancer",
    "websocket": "the failing request uses WebSockets",
}


@dataclass(frozen=True)
class ReproFile:
    path: str  # POSIX path inside the repro folder
    text: str | None  # None: binary or too large to show inline
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def lines(self) -> int:
        return len(self.text.splitlines()) if self.text is not None else 0


@dataclass(frozen=True)
class Condition:
    key: str
    label: str
    value: str  # "yes", "no", or the platform name


@dataclass(frozen=True)
class PageData:
    entry: Entry
    evidence: tuple[EvidenceRecord, ...]
    repro_files: tuple[ReproFile, ...]
    related: tuple[Entry, ...]
    conditions: tuple[Condition, ...]

    @property
    def slug(self) -> str:
        return self.entry.id

    @property
    def updated(self) -> str | None:
        """The newest evidence date: the only timestamp a page has."""
        return max((r.date for r in self.evidence), default=None)

    @property
    def fix_checks(self) -> tuple[str | None, ...]:
        """Per fix option: where its repro scenario showed it working, or why not run."""
        return tuple(fix_check(fix, self.evidence) for fix in self.entry.fixes)


def _walk(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith(".") or path.name in _SKIP_DIRS or path.is_symlink():
            continue
        if path.is_dir():
            yield from _walk(path)
        elif path.is_file():
            yield path


def repro_files(folder: Path) -> tuple[ReproFile, ...]:
    """Every file of a repro folder (sorted, hidden and cache files left out), then
    the shared files of ``fixes/_common`` it imports (the harness copies them into
    every run), so the published repro is complete."""
    if not folder.is_dir():
        return ()
    own = list(_walk(folder))
    common = folder.parent / COMMON_FIXES
    sources = " ".join(p.read_text("utf-8", "replace") for p in own if p.suffix == ".py")
    shared = [
        p
        for p in (_walk(common) if common.is_dir() else ())
        if re.search(rf"^\s*(?:from|import)\s+{p.stem}\b", sources, re.M)
        and not (folder / p.name).exists()
    ]
    files = []
    for path in [*own, *shared]:
        data = path.read_bytes()
        text: str | None
        try:
            text = data.decode("utf-8") if len(data) <= MAX_INLINE_BYTES else None
        except UnicodeDecodeError:
            text = None
        if text is not None and "\x00" in text:
            text = None
        name = path.name if path.parent == common else path.relative_to(folder).as_posix()
        files.append(ReproFile(name, text, data))
    return tuple(files)


def _conditions(entry: Entry) -> tuple[Condition, ...]:
    out = []
    for key in sorted(entry.conditions):
        value = entry.conditions[key]
        shown = value if isinstance(value, str) else ("yes" if value else "no")
        out.append(Condition(key, CONDITION_LABELS.get(key, CONDITIONS.get(key, key)), shown))
    return tuple(out)


def collect(store: Store, fixes_dir: Path) -> list[PageData]:
    """One PageData per entry, ordered by id."""
    entries = store.entries()
    by_id = {e.id: e for e in entries}
    # Related is symmetric on the site: if A names B, B's page links back to A.
    related: dict[str, set[str]] = {e.id: set(e.related) for e in entries}
    for e in entries:
        for other in e.related:
            related.setdefault(other, set()).add(e.id)
    pages = []
    for e in entries:
        rel = tuple(by_id[i] for i in sorted(related[e.id] - {e.id}) if i in by_id)
        files = repro_files(fixes_dir / e.repro.folder) if e.repro else ()
        evidence = tuple(store.evidence(e.id))
        pages.append(PageData(e, evidence, files, rel, _conditions(e)))
    return pages
