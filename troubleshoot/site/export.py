"""``export_site``: the KB as a self-contained static site (the service behind the CLI)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from troubleshoot import __version__
from troubleshoot.config import Settings
from troubleshoot.site.output import check_target, write_site
from troubleshoot.site.pages import PageData, collect
from troubleshoot.site.releases import Releases, release_lists
from troubleshoot.site.urls import SiteUrls, normalize_base_url

STATIC = Path(__file__).resolve().parent / "static"
ASSETS = ("favicon.svg", "site.js", "style.css")

# progress(done, total, what): called as pages are rendered.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ExportResult:
    out_dir: Path
    pages: int
    files: int
    osv_records: int
    sitemap: bool


def _load(settings: Settings) -> tuple[list[PageData], Releases]:
    from troubleshoot.kbstore import Store

    store = Store.open(settings)
    try:
        pages = collect(store, settings.fixes_dir)
    finally:
        store.close()
    return pages, release_lists(settings.kb_dir, [p.entry for p in pages])


def build_site(
    pages: list[PageData],
    base_url: str | None = None,
    progress: Progress | None = None,
    releases: Releases | None = None,
) -> dict[str, bytes]:
    """Every file of the site, relative POSIX path -> content (deterministic).

    ``releases``: package -> its releases, for the version verdicts (default: the
    release lists of the catalog the tool ships with).
    """
    from troubleshoot.site import feeds
    from troubleshoot.site.render import Renderer

    if releases is None:
        from troubleshoot.config import _data_dir

        releases = release_lists(_data_dir("kb"), [p.entry for p in pages])
    urls = SiteUrls(normalize_base_url(base_url) if base_url else None)
    renderer = Renderer(urls)
    files: dict[str, str | bytes] = {}
    total = len(pages)
    for done, page in enumerate(pages, 1):
        files[urls.page_file(page.slug)] = renderer.entry_page(
            page, feeds.page_verdicts(page, releases)
        )
        if progress is not None:
            progress(done, total, page.slug)
    index = feeds.search_index(pages, releases)
    files["index.html"] = renderer.index_page(pages, index)
    files["api/search-index.json"] = feeds.dump_json(index)
    files["api/entries.json"] = feeds.dump_json(feeds.entries_api(pages, urls))
    osv = feeds.osv_records(pages, urls)
    files["api/osv.json"] = feeds.dump_json(osv)
    for record in osv:
        files[f"api/osv/{record['id']}.json"] = feeds.dump_json(record)
    files["feed.xml"] = feeds.atom(pages, urls)
    if (sitemap := feeds.sitemap(pages, urls)) is not None:
        files["sitemap.xml"] = sitemap
        files["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {urls.base}sitemap.xml\n"
    for name in ASSETS:
        files[f"assets/{name}"] = (STATIC / name).read_bytes()
    return {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in sorted(files.items())}


def export_site(
    settings: Settings,
    out_dir: Path,
    base_url: str | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Export the KB of ``settings`` into ``out_dir``; raise ExportError if refused."""
    if base_url is not None:
        normalize_base_url(base_url)  # fail on a bad URL before any work
    check_target(out_dir)  # refuse before doing the work, and again before writing
    pages, releases = _load(settings)
    files = build_site(pages, base_url, progress, releases)
    write_site(out_dir, files, __version__)
    return ExportResult(
        out_dir=out_dir,
        pages=len(pages),
        files=len(files) + 1,
        osv_records=sum(1 for name in files if name.startswith("api/osv/")),
        sitemap="sitemap.xml" in files,
    )
