"""The Jinja2 environment and the HTML pages.

Autoescape is on for every template; the only strings marked safe are the
outputs of :mod:`troubleshoot.site.markup` (which escapes its input) and JSON
data blocks escaped by :func:`script_json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from troubleshoot.schema import KINDS
from troubleshoot.site.feeds import SITE_TITLE, upstream_links
from troubleshoot.site.markup import (
    highlight_code,
    highlight_file,
    live_href,
    plain_text,
    render_inline,
    render_markdown,
)
from troubleshoot.site.pages import PageData
from troubleshoot.site.urls import SiteUrls
from troubleshoot.site.words import inline_code, marker_words, title_text

TEMPLATES = Path(__file__).resolve().parent / "templates"

# No inline script or style anywhere; JSON data blocks are not scripts.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; object-src 'none'"
)


def script_json(data: Any) -> Markup:
    """JSON that is safe inside ``<script type="application/...json">``."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # safe: escaped above for the script data context


def _md(text: str, heading_base: int = 3) -> Markup:
    return Markup(render_markdown(text, heading_base))  # safe: markdown-it escapes


def _md_inline(text: str) -> Markup:
    return Markup(render_inline(text))  # safe: markdown-it escapes


def _code(text: str, lang: str = "") -> Markup:
    return Markup(highlight_code(text, lang))  # safe: Pygments escapes


def _code_file(text: str, name: str) -> Markup:
    return Markup(highlight_file(name, text))  # safe: Pygments escapes


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=_md,
        plain=plain_text,
        code=_code,
        code_file=_code_file,
        title=inline_code,
        title_text=title_text,
        marker_words=marker_words,
        md_inline=_md_inline,
    )
    env.tests["live_href"] = live_href
    env.globals.update(csp=CSP, site_title=SITE_TITLE, kinds=KINDS)
    return env


def _description(page: PageData) -> str:
    text = plain_text(page.entry.summary)
    return text if len(text) <= 160 else text[:157].rsplit(" ", 1)[0] + "..."


def json_ld(page: PageData, urls: SiteUrls) -> dict[str, Any]:
    """schema.org TechArticle metadata for one fix page."""
    e = page.entry
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "TechArticle",
        "headline": title_text(e.title),
        "description": _description(page),
        "keywords": list(e.tags),
        "inLanguage": "en",
        "about": {"@type": "SoftwareApplication", "name": e.package},
        "proficiencyLevel": "Beginner" if e.kind == "misuse" else "Expert",
        "isPartOf": {"@type": "WebSite", "name": SITE_TITLE},
        "publisher": {"@type": "Organization", "name": "uvicorn-doctor"},
    }
    if (url := urls.canonical(page.slug)) is not None:
        data["url"] = url
        data["mainEntityOfPage"] = url
    if page.updated:
        data["dateModified"] = page.updated
    return data


def _example(verdicts: dict[str, Any]) -> str:
    """A release to show in the version box's placeholder: the newest one."""
    releases = verdicts["releases"].get(verdicts["record"]["package"], [])
    return releases[-1] if releases else "0.10.3"


class Renderer:
    """Renders the pages of one export (templates compiled once)."""

    def __init__(self, urls: SiteUrls) -> None:
        self.urls = urls
        self.env = environment()
        self._entry = self.env.get_template("entry.html")
        self._index = self.env.get_template("index.html")

    def entry_page(self, page: PageData, verdicts: dict[str, Any]) -> str:
        """One fix page; ``verdicts``: its version box data (``feeds.page_verdicts``)."""
        return self._entry.render(
            page=page,
            e=page.entry,
            root="../../",
            canonical=self.urls.canonical(page.slug),
            description=_description(page),
            upstream=upstream_links(page),
            ld=script_json(json_ld(page, self.urls)),
            verdicts=script_json(verdicts),
            versioned=bool(verdicts["record"]["by_release"]),
            example_version=_example(verdicts),
        )

    def index_page(self, pages: list[PageData], index: dict[str, Any]) -> str:
        tags = sorted({t for p in pages for t in p.entry.tags})
        return self._index.render(
            pages=pages,
            root="",
            canonical=self.urls.canonical(),
            description="Verified fixes for uvicorn failures: the error, why it breaks, "
            "which versions, the fix, and a runnable repro.",
            tags=tags,
            index_json=script_json(index),
        )
