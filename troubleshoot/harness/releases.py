"""uvicorn's release list from PyPI's JSON API, cached (a day) under the doctor cache dir.

Yanked releases, releases without files and pre-releases are left out. When
PyPI cannot be reached a cached copy of any age is used, and said so.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from troubleshoot.config import cache_dir as cache_root
from troubleshoot.errors import HarnessError

PYPI_URL = "https://pypi.org/pypi/{name}/json"
MAX_AGE = 24 * 3600.0


@dataclass(frozen=True)
class ReleaseList:
    versions: tuple[str, ...]  # oldest first
    yanked: tuple[str, ...]
    source: str  # "pypi" or "cache (PyPI unreachable: ...)"

    @property
    def newest(self) -> str:
        return self.versions[-1]


def _cache_path(name: str) -> Path:
    return cache_root() / f"pypi-{name}.json"


def _fetch(name: str) -> dict[str, Any]:
    import httpx

    response = httpx.get(PYPI_URL.format(name=name), timeout=30.0, follow_redirects=True)
    response.raise_for_status()
    data: dict[str, Any] = response.json()
    return data


def load_releases(name: str = "uvicorn", *, refresh: bool = False) -> ReleaseList:
    path = _cache_path(name)
    fresh = path.is_file() and time.time() - path.stat().st_mtime < MAX_AGE
    source = "cache"
    if refresh or not fresh:
        import httpx

        try:
            data = _fetch(name)
        except (httpx.HTTPError, ValueError) as exc:
            if not path.is_file():
                raise HarnessError(
                    f"cannot fetch the {name} release list from PyPI: {exc}"
                ) from exc
            source = f"cache (PyPI unreachable: {exc})"
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"releases": data["releases"]}), encoding="utf-8")
            tmp.replace(path)
            source = "pypi"
    return parse_releases(json.loads(path.read_text(encoding="utf-8")), source)


def parse_releases(data: dict[str, Any], source: str) -> ReleaseList:
    usable: list[Version] = []
    yanked: list[Version] = []
    for raw, files in data.get("releases", {}).items():
        try:
            version = Version(raw)
        except InvalidVersion:
            continue
        if not files or version.is_prerelease:
            continue
        if all(f.get("yanked") for f in files):
            yanked.append(version)
        else:
            usable.append(version)
    return ReleaseList(
        tuple(str(v) for v in sorted(usable)), tuple(str(v) for v in sorted(yanked)), source
    )
