"""Machine-readable outputs: JSON API, search index, OSV, sitemap, Atom.

Every serialisation is deterministic: JSON with sorted keys, XML built in a
fixed order, and the only dates are evidence dates from the KB.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import asdict
from typing import Any

from troubleshoot import __version__
from troubleshoot.render.links import issue_url, pr_url
from troubleshoot.schema import Entry
from troubleshoot.shown import shown
from troubleshoot.site.markup import plain_text
from troubleshoot.site.osv import EPOCH, is_exported, osv_record
from troubleshoot.site.pages import PageData
from troubleshoot.site.releases import STATUS_CODES, Releases, encode
from troubleshoot.site.urls import SiteUrls
from troubleshoot.site.words import marker_words, title_text
from troubleshoot.versions import canonicalize_name, contains

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
SITE_TITLE = "uvicorn-doctor: verified fixes for uvicorn failures"
GENERATOR = f"uvicorn-doctor {__version__}"


def dump_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def entries_api(pages: list[PageData], urls: SiteUrls) -> dict[str, Any]:
    """``api/entries.json``: every entry as in the KB, with its evidence and page URL."""
    return {
        "generator": GENERATOR,
        "entries": [
            p.entry.to_dict()
            | {"url": urls.public(p.slug), "evidence": [asdict(r) for r in p.evidence]}
            for p in pages
        ],
    }


def _signature_texts(page: PageData) -> tuple[list[str], list[str]]:
    exc_types, patterns = [], []
    for sig in page.entry.signatures:
        if sig.kind == "exception" and sig.exc_type:
            exc_types.append(sig.exc_type)
            if sig.message:
                patterns.append(sig.message)
        elif sig.kind in ("log", "text") and sig.pattern:
            patterns.append(sig.pattern)
    return exc_types, patterns


# A signature pattern's literal text, for the word search: an escaped punctuation mark
# is itself; any other escape (\A, \z, \d, \b, \1: anchors, classes, references) and a
# group's header ((?:, (?i), (?P<name>) is a gap. The browser never sees a regex, and
# \A is not read as the letter A.
_REGEX_SYNTAX = re.compile(r"\\(.)|\(\?(?:P?<\w+>|[a-zA-Z-]*[:)])", re.DOTALL)


def pattern_text(pattern: str) -> str:
    """The literal text of a signature regex (its words, for the site search)."""
    return _REGEX_SYNTAX.sub(
        lambda m: m.group(1) if m.group(1) and not m.group(1).isalnum() else " ", pattern
    )


def verdict_record(entry: Entry, releases: Releases) -> dict[str, Any]:
    """What the browser needs to state an entry's verdict for a typed release.

    ``when``: the conditions of the entry's ranges in words ("on Windows and Python >=
    3.8"); ``when_by_release``: for the i-th release, the index in ``when`` (one base-36
    digit) of what a conditional verdict depends on, "-" when it depends on nothing.
    """
    by_release = encode(entry, releases)
    when, when_by_release = conditions_by_release(entry, releases, by_release)
    return {
        "id": entry.id,
        "package": canonicalize_name(entry.package),
        "fixed_in": entry.fixed_in or "",
        "by_release": by_release,
        "when": when,
        "when_by_release": when_by_release,
    }


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def conditions_by_release(
    entry: Entry, releases: Releases, by_release: str
) -> tuple[list[str], str]:
    """The words of what a conditional release depends on: markers, and the other
    package's releases a range needs (see verdict_record)."""
    package = canonicalize_name(entry.package)
    phrases: list[str] = []
    codes = []
    conditional = STATUS_CODES["conditional"]
    for release, code in zip(releases.get(package, ()), by_release, strict=True):
        said: list[str] = []
        if code == conditional:
            said = [
                " ".join(
                    part
                    for part in (
                        marker_words(aff.when) if aff.when else "",
                        f"with {aff.needs} installed" if aff.needs else "",
                    )
                    if part
                )
                for aff in entry.affected
                if (aff.when or aff.needs)
                and canonicalize_name(aff.package) == package
                and contains(aff.specifier, release)
            ]
        phrase = ", or ".join(dict.fromkeys(said))
        if not phrase:
            codes.append("-")
            continue
        if phrase not in phrases:
            phrases.append(phrase)
        index = phrases.index(phrase)
        codes.append(_DIGITS[index] if index < len(_DIGITS) else "-")
    return phrases, "".join(codes)


def verdict_tables(releases: Releases) -> dict[str, Any]:
    """The release lists and the meaning of each status letter (one copy per document)."""
    return {
        "releases": {p: list(r) for p, r in releases.items()},
        "status_codes": {code: status for status, code in STATUS_CODES.items()},
    }


def search_index(pages: list[PageData], releases: Releases) -> dict[str, Any]:
    """The document the client-side search reads (paths relative to the site root).

    ``records[].by_release`` holds, for the i-th release of ``releases[package]``,
    the letter of ``release_status(entry, release)``: the site looks versions up,
    it does not compare them.
    """
    records = []
    for p in pages:
        e = p.entry
        exc_types, patterns = _signature_texts(p)
        records.append(
            {
                "title": e.title,
                "url": SiteUrls.page_file(e.id),
                "kind": e.kind,
                "severity": e.severity,
                "tags": list(e.tags),
                "error": e.error,
                "exc": exc_types,
                "signature": " ".join(pattern_text(x) for x in patterns),
                "summary": plain_text(e.summary)[:400],
            }
            | verdict_record(e, releases)
        )
    return verdict_tables(releases) | {"records": records}


def page_verdicts(page: PageData, releases: Releases) -> dict[str, Any]:
    """The version box data of one fix page: its record and its package's release list."""
    record = verdict_record(page.entry, releases)
    tables = verdict_tables({p: r for p, r in releases.items() if p == record["package"]})
    return tables | {"record": record}


def osv_records(pages: list[PageData], urls: SiteUrls) -> list[dict[str, Any]]:
    """One OSV record per version-bug / regression entry that states a range."""
    return [
        osv_record(
            p.entry,
            p.evidence,
            urls.public(p.slug),
            f"{p.entry.summary.strip()}\n\n{p.entry.mechanism.strip()}\n",
        )
        for p in pages
        if is_exported(p.entry)
    ]


def xml_text(text: str) -> str:
    """Text an XML 1.0 document can hold: controls other than TAB/LF/CR, surrogates and
    U+FFFE/U+FFFF written as visible escapes (ElementTree would write them raw)."""
    return _XML_INVALID.sub(lambda m: shown(m.group(0)), text)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def sitemap(pages: list[PageData], urls: SiteUrls) -> str | None:
    """``sitemap.xml`` (absolute URLs are required, so only with a base URL)."""
    if urls.base is None:
        return None
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    ET.SubElement(ET.SubElement(root, "url"), "loc").text = urls.base
    for p in pages:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = urls.canonical(p.slug)
        if p.updated:
            ET.SubElement(url, "lastmod").text = p.updated
    return _xml(root)


def _stamp(date: str | None) -> str:
    return f"{date}T00:00:00Z" if date else EPOCH


def atom(pages: list[PageData], urls: SiteUrls) -> str:
    """``feed.xml``: one Atom entry per page, newest evidence first."""
    newest = max((p.updated for p in pages if p.updated), default=None)
    root = ET.Element("feed", xmlns=ATOM_NS)
    ET.SubElement(root, "title").text = SITE_TITLE
    ET.SubElement(root, "id").text = urls.atom_id()
    ET.SubElement(root, "updated").text = _stamp(newest)
    ET.SubElement(root, "link", rel="alternate", href=urls.canonical() or "index.html")
    if urls.base:
        ET.SubElement(root, "link", rel="self", href=f"{urls.base}feed.xml")
    ET.SubElement(ET.SubElement(root, "author"), "name").text = "uvicorn-doctor"
    ET.SubElement(root, "generator").text = "uvicorn-doctor"
    ordered = sorted(pages, key=lambda p: (p.updated or "", p.slug), reverse=True)
    for p in ordered:
        item = ET.SubElement(root, "entry")
        ET.SubElement(item, "title").text = xml_text(title_text(p.entry.title))
        ET.SubElement(item, "id").text = urls.atom_id(p.slug)
        ET.SubElement(item, "link", rel="alternate", href=urls.public(p.slug))
        ET.SubElement(item, "updated").text = _stamp(p.updated or newest)
        ET.SubElement(item, "summary", type="text").text = xml_text(plain_text(p.entry.summary))
        for tag in p.entry.tags:
            ET.SubElement(item, "category", term=tag)
    return _xml(root)


_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
_COMMIT = re.compile(r"^[0-9a-fA-F]{7,40}$")


def upstream_links(page: PageData) -> list[tuple[str, str | None]]:
    """(label, url) pairs for the upstream section; url None when it cannot be trusted."""
    up = page.entry.upstream
    repo_ok = _REPO.match(up.repo) is not None
    links: list[tuple[str, str | None]] = []
    links += [(f"Issue #{n}", issue_url(up.repo, n) if repo_ok else None) for n in up.issues]
    links += [(f"Pull request #{n}", pr_url(up.repo, n) if repo_ok else None) for n in up.prs]
    links += [
        (
            f"Commit {c[:12]}",
            f"https://github.com/{up.repo}/commit/{c}" if repo_ok and _COMMIT.match(c) else None,
        )
        for c in up.commits
    ]
    links += [(url, url) for url in up.links]
    return links
