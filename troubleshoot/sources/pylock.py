"""``pylock.toml`` (PEP 751): the standard lock file.

``lock-version`` must be 1.x. Each ``[[packages]]`` has ``name``, an optional
``version`` (absent for source trees and VCS checkouts), an optional
``marker`` and an optional ``requires-python``; packages that would not be
installed on the target (marker false, Python outside ``requires-python``)
are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from troubleshoot.errors import EnvSourceError
from troubleshoot.sources.interface import (
    MarkerEnv,
    Package,
    Record,
    UndecidedVersion,
    marker_applies,
)
from troubleshoot.sources.lockfile import TomlLockSource

_NAME = re.compile(r"^pylock\.([^.]+\.)?toml$")


def is_pylock_name(name: str) -> bool:
    """PEP 751 names: ``pylock.toml`` or ``pylock.<name>.toml``."""
    return bool(_NAME.match(name))


class PylockSource(TomlLockSource):
    array_key = "packages"
    format_name = "pylock.toml"

    def records(
        self, table: Mapping[str, Any], line: int | None, env: MarkerEnv, data: Mapping[str, Any]
    ) -> Iterator[Record]:
        lock_version = data.get("lock-version")
        if not isinstance(lock_version, str) or not lock_version.startswith("1."):
            raise EnvSourceError(
                f"{self.path}: unsupported or missing lock-version {lock_version!r} "
                "(PEP 751 lock-version 1.x expected)"
            )
        name = self.field(table, "name", line, required=True)
        assert name is not None
        marker = self.field(table, "marker", line)
        if marker is not None and marker_applies(marker, env) is False:
            return
        requires_python = self.field(table, "requires-python", line)
        if requires_python is not None and "python_full_version" in env:
            try:
                wanted = SpecifierSet(requires_python)
            except InvalidSpecifier as exc:
                raise EnvSourceError(
                    f"{self._at(line)}: invalid requires-python {requires_python!r}"
                ) from exc
            if not wanted.contains(env["python_full_version"], prereleases=True):
                return
        version = self.field(table, "version", line)
        if version is None:
            yield UndecidedVersion(
                name, "pylock.toml gives no version (source tree or VCS)", self.path, line
            )
        else:
            yield Package(name, version, self.path, line)
