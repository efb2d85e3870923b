"""The distributions installed for the running interpreter (``importlib.metadata``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from importlib import metadata

from packaging.utils import canonicalize_name

from troubleshoot.sources.interface import (
    EnvSource,
    MarkerEnv,
    Package,
    Record,
    UndecidedVersion,
    current_env,
)


class InstalledSource(EnvSource):
    """What ``pip list`` would show for ``sys.executable``: first distribution of a name wins."""

    complete = True

    def __init__(self, path: list[str] | None = None) -> None:
        self.path = path  # sys.path entries to search; None means sys.path

    @property
    def description(self) -> str:
        return f"installed ({sys.executable})"

    def marker_env(self) -> MarkerEnv:
        return current_env()

    def search_path(self) -> list[str]:
        return list(self.path) if self.path else list(sys.path)

    def collect(self, env: MarkerEnv) -> Iterator[Record]:
        origin = f"installed ({sys.executable})"
        seen: set[str] = set()
        dists = metadata.distributions(path=self.path) if self.path else metadata.distributions()
        for dist in dists:
            raw_name, version = _name_and_version(dist)
            if not raw_name:
                continue  # a broken .dist-info without metadata; pip skips these too
            name = canonicalize_name(raw_name)
            if name in seen:
                continue  # shadowed by an earlier sys.path entry
            seen.add(name)
            if version:
                yield Package(name, version, origin)
            else:
                yield UndecidedVersion(name, "installed metadata has no Version", origin)


def _name_and_version(dist: metadata.Distribution) -> tuple[str | None, str | None]:
    """Name and Version from the metadata's header block.

    ``dist.metadata`` runs the e-mail parser over the whole file, long
    description included: most of the time of listing an environment. The two
    fields are single-line headers before the first blank line, so reading just
    that block gives the same answer several times faster.
    """
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO")
    if text is None:
        return None, None
    name = version = None
    for line in text.splitlines():
        if not line.strip():
            break  # end of the headers
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key = key.strip().lower()
        if key == "name" and name is None:
            name = value.strip()
        elif key == "version" and version is None:
            version = value.strip()
        if name is not None and version is not None:
            break
    return name, version
