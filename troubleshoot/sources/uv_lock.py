"""``uv.lock``: uv's universal lock file.

Each ``[[package]]`` has ``name`` and (unless the project's version is dynamic)
``version``. A package resolved differently per platform or Python appears once
per fork with ``resolution-markers``; only the forks whose markers hold for the
target are kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from troubleshoot.errors import EnvSourceError
from troubleshoot.sources.interface import (
    MarkerEnv,
    Package,
    Record,
    UndecidedVersion,
    marker_applies,
)
from troubleshoot.sources.lockfile import TomlLockSource


class UvLockSource(TomlLockSource):
    array_key = "package"
    format_name = "uv.lock"

    def records(
        self, table: Mapping[str, Any], line: int | None, env: MarkerEnv, data: Mapping[str, Any]
    ) -> Iterator[Record]:
        if not isinstance(data.get("version"), int):
            raise EnvSourceError(f"{self.path}: not a uv.lock (no integer 'version' at the top)")
        name = self.field(table, "name", line, required=True)
        assert name is not None
        forks = table.get("resolution-markers")
        if forks is not None:
            if not isinstance(forks, list) or not all(isinstance(m, str) for m in forks):
                raise EnvSourceError(
                    f"{self._at(line)}: 'resolution-markers' must be an array of strings"
                )
            # None (cannot evaluate) keeps the fork: better a check too many than one missed.
            if forks and all(marker_applies(m, env) is False for m in forks):
                return
        version = self.field(table, "version", line)
        if version is None:
            yield UndecidedVersion(
                name, "uv.lock gives no version (dynamic project version)", self.path, line
            )
        else:
            yield Package(name, version, self.path, line)
