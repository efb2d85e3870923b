"""The catalog as one object: every message of every file, looked up by id or by line."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path

from troubleshoot.catalog.index import Index
from troubleshoot.catalog.model import CatalogFile, Found, Message, read_file


class Catalog:
    """Messages of uvicorn, h11, websockets, the standard library and the OS."""

    def __init__(self, files: Sequence[CatalogFile]) -> None:
        messages = sorted((m for f in files for m in f.messages), key=lambda m: m.id)
        self._messages = tuple(messages)
        self._by_id = {m.id: m for m in messages}
        if len(self._by_id) != len(messages):
            raise ValueError("two catalog messages share an id")
        self._releases = {f.package: f.releases for f in files if f.releases}
        self._index = Index(messages)

    def find(self, line: str) -> list[Found]:
        """Every specific message whose rendering occurs anywhere in ``line``.

        Whatever surrounds it (timestamps, logger names, JSON quoting, ``**bold**``)
        does not matter. Sorted by position; at one position, the longest first.
        """
        return self._index.find(line)

    def scan(self, text: str) -> Iterator[tuple[int, Found]]:
        """``find`` over each line of ``text``, with the line's index (from 0)."""
        for number, line in enumerate(text.splitlines()):
            for found in self._index.find(line):
                yield number, found

    def by_id(self, message_id: str) -> Message:
        """The message with that id (``KeyError`` if there is none)."""
        return self._by_id[message_id]

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._by_id

    def packages(self) -> tuple[str, ...]:
        """The packages that have messages: ``('h11', 'os', 'stdlib', 'uvicorn', ...)``."""
        return tuple(sorted({m.package for m in self._messages}))

    def messages(self, package: str | None = None) -> tuple[Message, ...]:
        """Every message (of one package), sorted by id."""
        if package is None:
            return self._messages
        return tuple(m for m in self._messages if m.package == package)

    def releases(self, package: str) -> tuple[str, ...]:
        """Every release (or Python version) the catalog of ``package`` was built from."""
        return self._releases.get(package, ())

    def __len__(self) -> int:
        return len(self._messages)

    def __iter__(self) -> Iterator[Message]:
        return iter(self._messages)


@functools.lru_cache(maxsize=8)
def _load_dir(directory: Path) -> Catalog:
    files = [read_file(path) for path in sorted(directory.glob("*.json"))]
    if not files:
        raise FileNotFoundError(f"no catalog files in {directory}")
    return Catalog(files)


def load(kb_dir: Path | None = None) -> Catalog:
    """The catalog of ``kb_dir/catalog`` (default: the KB that ``Settings`` finds), cached."""
    if kb_dir is None:
        from troubleshoot.config import Settings

        kb_dir = Settings.resolve().kb_dir
    return _load_dir((kb_dir / "catalog").resolve())
