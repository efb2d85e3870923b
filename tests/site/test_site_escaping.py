"""Any text from an entry renders inert; every page carries the Content-Security-Policy."""

from __future__ import annotations

import json

import pytest
from site_htmlcheck import html_files, parse, scheme
from site_kbdata import Export

from troubleshoot.site.markup import live_href, render_markdown

URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "srcset", "xlink:href"}
DATA_SCRIPTS = {"application/ld+json", "application/json"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "img", "svg", "style", "form-action", "base"}


def test_hostile_entry_renders_inert(exported: Export) -> None:
    page = parse(exported.root / "fixes" / "xss-probe" / "index.html")
    assert not page.errors
    # the checks below run over what the parser found: it must have found the page
    assert len(page.elements) > 50
    assert sum(1 for e in page.elements for name in e.attrs if name in URL_ATTRS) >= 5
    for element in page.elements:
        assert element.tag not in FORBIDDEN_TAGS, element
        for name, value in element.attrs.items():
            assert not name.startswith("on"), (element.tag, name)
            if name in URL_ATTRS:
                assert scheme(value) in (None, "https"), (element.tag, value)
    # The hostile strings are on the page, as text.
    h1 = page.find("h1")[0]
    assert h1.text == "<script>window.__xss = 1; alert('title')</script> probe"
    assert "</script><script>alert(7)</script>" in "".join(e.text for e in page.find("pre"))


def test_only_our_script_runs_and_data_blocks_stay_data(exported: Export) -> None:
    pages = html_files(exported.root)
    assert len(pages) == 5  # index + 4 entries
    for path in pages:
        page = parse(path)
        # every page loads the site's script and carries at least one data block
        assert any("src" in attrs for attrs, _ in page.scripts), path
        assert any("src" not in attrs for attrs, _ in page.scripts), path
        for attrs, body in page.scripts:
            if "src" in attrs:
                assert attrs["src"].endswith("assets/site.js") and not body.strip(), path
            else:
                assert attrs.get("type") in DATA_SCRIPTS, (path, attrs)
                assert "</" not in body and "<" not in body
                json.loads(body)  # escaping kept it valid JSON
    ld = next(
        body
        for attrs, body in parse(exported.root / "fixes/xss-probe/index.html").scripts
        if attrs.get("type") == "application/ld+json"
    )
    assert json.loads(ld)["headline"].startswith("<script>window.__xss")


def test_every_page_has_the_csp(exported: Export) -> None:
    pages = html_files(exported.root)
    assert len(pages) == 5  # index + 4 entries
    for path in pages:
        metas = [
            m
            for m in parse(path).find("meta")
            if m.attrs.get("http-equiv", "").lower() == "content-security-policy"
        ]
        assert len(metas) == 1, path
        policy = metas[0].attrs["content"]
        assert "script-src 'self'" in policy
        assert "default-src 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_inline_styles_or_handlers_anywhere(exported: Export) -> None:
    pages = html_files(exported.root)
    assert len(pages) == 5
    for path in pages:
        elements = parse(path).elements
        assert len(elements) > 20, path
        for element in elements:
            assert "style" not in element.attrs, (path, element)
            assert not any(a.startswith("on") for a in element.attrs), (path, element)


def test_untrusted_upstream_links_are_text(exported: Export) -> None:
    page = parse(exported.root / "fixes" / "xss-probe" / "index.html")
    hrefs = [a.attrs["href"] for a in page.find("a")]
    assert "https://github.com/encode/uvicorn/issues/1" in hrefs
    assert not any(h.startswith("https://github.com/a/b") for h in hrefs)
    assert not any("example.org" in h for h in hrefs)  # not a known upstream host
    texts = [li.text for li in page.find("li")]
    assert "javascript:alert(15)" in texts
    assert "https://example.org/fine" in texts


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "\x01javascript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "../relative/page.html",
        "relative.html",
        "//evil.example/p",
        "///evil.example/p",
        "/\\evil.example/p",
        "\\\\evil.example/p",
        "https:evil.example",
        "https:/github.com/x",
        "https://evil.example/",
        "https://github.com.evil.example/",
        "https://github.com@evil.example/",
        "https://github.com:8443/x",
        "https://github.com\\evil.example/",
        "https://git hub.com/",
        "http://github.com/x",
        "mailto:a@b.c",
        "../../index.html",
        "../a/../../x/index.html",
        "../a/index.html/../../../x",
        "#",
    ],
)
def test_unsafe_hrefs_are_refused(url: str) -> None:
    assert not live_href(url)
    html = render_markdown(f"[x]({url.replace(' ', '%20')})")
    assert "<a" not in html


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/encode/uvicorn/issues/1",
        "https://GitHub.com/x?y=1#z",
        "https://docs.python.org/3/library/asyncio.html",
        "#section",
        "../alpha-pickle/index.html",
        "../alpha-pickle/index.html#the-fix",
    ],
)
def test_safe_hrefs_are_kept(url: str) -> None:
    assert live_href(url)
    assert '<a href="' in render_markdown(f"[x]({url})")


def test_markdown_raw_html_and_images_are_text() -> None:
    html = render_markdown('<b onclick="x()">hi</b>\n\n![alt](https://e.example/i.png)\n')
    assert "<b" not in html and "<img" not in html
    assert "&lt;b onclick=" in html
