"""``poetry.lock``: Poetry's lock file.

Each ``[[package]]`` has ``name`` and ``version``. Lock format 2.1 (Poetry 2)
adds ``markers``: a PEP 508 string, or a table of them keyed by dependency
group; a package whose markers are all false for the target is left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from troubleshoot.errors import EnvSourceError
from troubleshoot.sources.interface import MarkerEnv, Package, Record, marker_applies
from troubleshoot.sources.lockfile import TomlLockSource


class PoetryLockSource(TomlLockSource):
    array_key = "package"
    format_name = "poetry.lock"

    def records(
        self, table: Mapping[str, Any], line: int | None, env: MarkerEnv, data: Mapping[str, Any]
    ) -> Iterator[Record]:
        name = self.field(table, "name", line, required=True)
        version = self.field(table, "version", line, required=True)
        assert name is not None and version is not None
        markers = table.get("markers")
        if isinstance(markers, str):
            markers = [markers]
        elif isinstance(markers, dict):
            markers = list(markers.values())
        elif markers is not None:
            raise EnvSourceError(f"{self._at(line)}: 'markers' must be a string or a table")
        if markers:
            if not all(isinstance(m, str) for m in markers):
                raise EnvSourceError(f"{self._at(line)}: each marker must be a string")
            if all(marker_applies(m, env) is False for m in markers):
                return
        yield Package(name, version, self.path, line)
