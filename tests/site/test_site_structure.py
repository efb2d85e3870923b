"""The export as a crawler and a screen reader see it: links resolve, structure holds."""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from site_htmlcheck import Page, html_files, parse, scheme
from site_kbdata import Export

LINK_ATTRS = ("href", "src")


def _internal_targets(page: Page) -> list[tuple[str, str]]:
    out = []
    for element in page.elements:
        for attr in LINK_ATTRS:
            value = element.attrs.get(attr)
            if value is None or scheme(value) is not None or value.startswith("//"):
                continue
            out.append((element.tag, value))
    return out


def crawl(root: Path) -> tuple[set[Path], list[str]]:
    """Follow every relative link from index.html; return (reached files, broken links)."""
    start = (root / "index.html").resolve()
    seen: set[Path] = set()
    queue = [start]
    broken: list[str] = []
    pages: dict[Path, Page] = {}
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        if path.suffix != ".html":
            continue
        page = pages.setdefault(path, parse(path))
        for tag, value in _internal_targets(page):
            parts = urlsplit(value)
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            where = f"{path.relative_to(root)}: <{tag}> {value!r}"
            if not target.is_relative_to(root.resolve()):
                broken.append(f"{where} leaves the site")
            elif not target.is_file():
                broken.append(f"{where} -> missing {target}")
            else:
                if parts.fragment and target.suffix == ".html":
                    ids = pages.setdefault(target, parse(target)).ids
                    if parts.fragment not in ids:
                        broken.append(f"{where} -> no id {parts.fragment!r}")
                queue.append(target)
    return seen, broken


@pytest.mark.parametrize("which", ["exported", "exported_plain"])
def test_no_broken_internal_links_and_every_file_reachable(
    which: str, request: pytest.FixtureRequest
) -> None:
    export: Export = request.getfixturevalue(which)
    reached, broken = crawl(export.root)
    assert broken == []
    served = {
        p.resolve()
        for p in export.root.rglob("*")
        if p.is_file()
        and not p.name.startswith(".")
        and p.suffix in (".html", ".css", ".js", ".svg")
    }
    assert served - reached == set()


def test_structure_of_every_page(exported: Export) -> None:
    for path in html_files(exported.root):
        page = parse(path)
        name = path.relative_to(exported.root)
        assert page.errors == [], name
        assert page.lang == "en", name
        assert len(page.find("main")) == 1, name
        assert page.find("nav"), name
        assert all(n.attrs.get("aria-label") for n in page.find("nav")), name
        assert len(page.find("title")) == 1 and page.find("title")[0].text.strip(), name
        levels = page.headings
        assert levels and levels[0] == 1 and levels.count(1) == 1, (name, levels)
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, f"{name}: h{before} followed by h{after} ({levels})"
        ids = page.ids
        assert len(ids) == len(set(ids)), f"{name}: duplicate ids"
        for element in page.elements:
            if element.tag == "img":
                assert "alt" in element.attrs, name
            if ref := element.attrs.get("aria-labelledby"):
                assert ref in ids, (name, ref)
            if element.tag == "label" and "for" in element.attrs:
                assert element.attrs["for"] in ids, name
        labelled = {e.attrs["for"] for e in page.find("label") if "for" in e.attrs}
        for control in page.find("input") + page.find("select") + page.find("textarea"):
            assert control.attrs.get("id") in labelled or control.attrs.get("aria-label"), name
        for table in page.find("table"):
            assert table.attrs is not None
        assert page.find("caption") or not page.find("table"), name


def test_entry_page_sections_in_order(exported: Export) -> None:
    page = parse(exported.root / "fixes" / "alpha-pickle" / "index.html")
    ids = page.ids
    # What a user in a hurry reads first: the error, the verdict, the fix; then why,
    # the versions and evidence, the repro; the signatures after that (issue 13).
    order = [
        "error",
        "am-i-affected",
        "fix",
        "triggers",
        "why",
        "options",
        "versions",
        "evidence",
        "repro",
        "harness",
        "signature",
    ]
    positions = [ids.index(i) for i in [*order, "upstream", "related"]]
    assert positions == sorted(positions)
    text = {e.attrs["id"]: e.text for e in page.elements if "id" in e.attrs}
    assert "Pass an import string" in text["fix"]
    assert "When not to use it" in text["fix"] and "When not to use it" in text["options"]
    assert "AttributeError: Can't pickle local object" in text["sig-text"]
    assert "make.<locals>.app" in text["error-text"]
    assert "more than one worker" in text["triggers"]
    assert ">=0.10.1,<0.10.6" in text["versions"] and "0.10.6" in text["versions"]
    assert text["repro-cmd"].strip() == "doctor repro alpha-pickle"
    rows = [r.text for r in page.find("tr")]
    assert any("0.10.5" in r and "reproduces" in r and "2026-01-02" in r for r in rows)
    assert any("0.10.6" in r and "fixed" in r and "3.8.18" in r for r in rows)
    hrefs = [a.attrs.get("href", "") for a in page.find("a")]
    assert "https://github.com/Kludex/uvicorn/issues/478" in hrefs
    assert "https://github.com/Kludex/uvicorn/pull/481" in hrefs
    assert "../beta-reload-windows/index.html" in hrefs
    files = [e.text for e in page.find("h3") if e.attrs.get("class") == "file"]
    assert files == ["logo.bin", "main.py", "scenario.toml", "sub/notes file.txt"]
    assert "not shown (binary" in text["repro"]
    highlighted = [e for e in page.elements if e.attrs.get("class", "").startswith("tok-")]
    assert highlighted, "repro files are highlighted"


def test_related_links_are_symmetric(exported: Export) -> None:
    page = parse(exported.root / "fixes" / "beta-reload-windows" / "index.html")
    assert "../alpha-pickle/index.html" in [a.attrs.get("href") for a in page.find("a")]


def test_canonical_urls(exported: Export, exported_plain: Export) -> None:
    page = parse(exported.root / "fixes" / "alpha-pickle" / "index.html")
    canon = [e.attrs["href"] for e in page.find("link") if e.attrs.get("rel") == "canonical"]
    assert canon == ["https://doctor.example.org/uvicorn/fixes/alpha-pickle/"]
    plain = parse(exported_plain.root / "fixes" / "alpha-pickle" / "index.html")
    assert not [e for e in plain.find("link") if e.attrs.get("rel") == "canonical"]
