"""Where things live in the export, as relative paths and (with a base URL) absolute URLs.

Links between pages are relative and name ``index.html`` explicitly, so the
site works from ``file://`` where a directory URL would show a listing.
Canonical URLs, the sitemap and the feeds use the clean form
``<base>/fixes/<slug>/`` that any static host serves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from troubleshoot.errors import InputError


def normalize_base_url(url: str, *, name: str = "--base-url") -> str:
    """An absolute http(s) URL ending in ``/``; raise InputError otherwise."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{name} must be an absolute http(s) URL, got {url!r}")
    if parts.query or parts.fragment:
        raise InputError(f"{name} must not have a query or fragment, got {url!r}")
    return parts.geturl().rstrip("/") + "/"


@dataclass(frozen=True)
class SiteUrls:
    base: str | None  # normalized by normalize_base_url, or None

    @staticmethod
    def page_file(slug: str) -> str:
        return f"fixes/{slug}/index.html"

    def canonical(self, slug: str | None = None) -> str | None:
        """Absolute URL of a page (the index when slug is None), if a base is known."""
        if self.base is None:
            return None
        return self.base if slug is None else f"{self.base}fixes/{slug}/"

    def public(self, slug: str) -> str:
        """The best URL for a page outside the site: canonical, else the relative path."""
        return self.canonical(slug) or self.page_file(slug)

    def atom_id(self, slug: str | None = None) -> str:
        """A stable IRI for Atom ``<id>``: the canonical URL, else a name-based UUID."""
        if (url := self.canonical(slug)) is not None:
            return url
        name = "uvicorn-doctor:site" + (f":fixes/{slug}" if slug else "")
        return uuid.uuid5(uuid.NAMESPACE_URL, name).urn
