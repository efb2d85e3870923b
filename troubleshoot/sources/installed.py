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
    Unevaluated,
    current_env,
)


class InstalledSource(EnvSource):
    """What ``pip list`` would show for ``sys.executable``: first distribution of a name wins."""

    def __init__(self, path: list[str] | None = None) -> None:
        self.path = path  # sys.path entries to search; None means sys.path

    @property
    def description(self) -> str:
        return f"installed ({sys.executable})"

    def marker_env(self) -> MarkerEnv:
        return current_env()

    def collect(self, env: MarkerEnv) -> Iterator[Record]:
        origin = f"installed ({sys.executable})"
        seen: set[str] = set()
        dists = metadata.distributions(path=self.path) if self.path else metadata.distributions()
        for dist in dists:
            # One parse of the metadata file; .name and .version would each parse it again.
            meta = dist.metadata
            raw_name = meta["Name"]
            if not raw_name:
                continue  # a broken .dist-info without metadata; pip skips these too
            name = canonicalize_name(raw_name)
            if name in seen:
                continue  # shadowed by an earlier sys.path entry
            seen.add(name)
            version = meta["Version"]
            if version:
                yield Package(name, version, origin)
            else:
                yield Unevaluated(name, "installed metadata has no Version", origin)
