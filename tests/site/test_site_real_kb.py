"""The repository's own knowledge base exports cleanly (links, structure, feeds)."""

from __future__ import annotations

import itertools
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from site_htmlcheck import html_files, parse
from test_site_structure import crawl

from troubleshoot.config import Settings
from troubleshoot.site.export import export_site

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(
    not any((REPO / "kb" / "entries").glob("*.toml")), reason="the repository KB has no entries yet"
)
def test_real_kb_exports(tmp_path: Path) -> None:
    settings = Settings.resolve(REPO / "kb", db_path=tmp_path / "kb.db")
    result = export_site(settings, tmp_path / "site", "https://example.org/doctor/")
    site = tmp_path / "site"
    assert result.pages == len(list((REPO / "kb" / "entries").glob("*.toml")))
    _reached, broken = crawl(site)
    assert broken == []
    for path in html_files(site):
        page = parse(path)
        assert page.errors == [], path
        levels = page.headings
        assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), (path, levels)
    json.loads((site / "api" / "entries.json").read_text())
    json.loads((site / "api" / "osv.json").read_text())
    ET.parse(site / "feed.xml")
    ET.parse(site / "sitemap.xml")
