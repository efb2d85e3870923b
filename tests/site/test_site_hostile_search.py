"""Hostile links and hostile queries, in the browser (issue 16, the site items).

A temporary KB holds the site-test entries plus two more: a copy of an ordinary entry
whose prose and upstream links hold every kind of link that must not be live
(``//evil.example``, ``/\\evil.example``, ``javascript:``, ``data:``, ...), and an entry
whose signature is anchored with ``\\A`` (which a JavaScript ``RegExp`` reads as the
letter A). The checks read what the browser resolved, not the HTML source.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from site_kbdata import BASE_URL, GAMMA, write_site_kb
from test_site_browser import ARGS, CHROMIUM, Tab, search, searched

from troubleshoot import rx
from troubleshoot.site.export import export_site

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no `chromium` executable")

HOSTILE_LINKS = [
    "//evil.example/a",
    "/\\evil.example/b",
    "\\\\evil.example/c",
    "///evil.example/d",
    "/%5Cevil.example/e",
    "javascript:alert(1)",
    "JAVASCRIPT:alert(2)",
    "data:text/html,<b>x</b>",
    "vbscript:x",
    "https://evil.example/f",
    "https:evil.example/g",
    "https://github.com@evil.example/h",
    "https://github.com:443@evil.example/i",
    "https://github.com.evil.example/j",
    "http://github.com/encode/uvicorn",
    "mailto:someone@evil.example",
    "file:///etc/passwd",
    "../../../outside/index.html",
    "../alpha-pickle/../../../x/index.html",
]
GOOD_LINKS = [
    "https://github.com/encode/uvicorn/issues/1",
    "../alpha-pickle/index.html",
    "#the-fix",
]


def _links_entry() -> str:
    """GAMMA copied, with every link above in its prose and upstream links."""
    prose = " ".join(f"[l{i}]({url})" for i, url in enumerate(HOSTILE_LINKS + GOOD_LINKS))
    text = textwrap.dedent(GAMMA)
    text = text.replace('id = "gamma-main-guard"', 'id = "links-probe"')
    text = text.replace(
        'mechanism = "Spawned children import the main module."',
        f"mechanism = '''{prose} <//evil.example/k> <https://evil.example/l>'''",
    )
    upstream = ", ".join(f"'{u}'" for u in HOSTILE_LINKS[:6] + GOOD_LINKS[:1])
    return text.replace("[upstream]\n", f"[upstream]\nlinks = [{upstream}]\n")


ANCHORED = r"""
id = "delta-anchored"
title = "An exception line pasted on its own"
package = "uvicorn"
kind = "misuse"
severity = "low"
tags = ["paste"]
summary = "The paste is a bare exception line."
mechanism = "Only the last line was copied."
error = "ValueError: bad"

[[signatures]]
id = "bare-exception-line"
kind = "text"
pattern = "\\A\\w+Error:"
weight = 0.2

[[fixes]]
type = "workaround"
unverified = "a test fixture: no repro scenario applies this fix here"
title = "Paste the whole traceback"
body = "Copy from the line that says Traceback."

[upstream]
issues = [1]
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile-site")
    settings = write_site_kb(root / "src")
    entries = settings.kb_dir / "entries"
    (entries / "links-probe.toml").write_text(_links_entry(), encoding="utf-8")
    (entries / "delta-anchored.toml").write_text(textwrap.dedent(ANCHORED), encoding="utf-8")
    export_site(settings, root / "site", BASE_URL)
    return root / "site"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield Tab(page)
    finally:
        context.close()


def test_only_upstream_and_own_pages_are_live_links(site: Path, tab: Tab) -> None:
    page = site / "fixes" / "links-probe" / "index.html"
    tab.page.goto(page.as_uri())
    # What the browser resolved each live link to (a.href), whatever the source said.
    live = tab.page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    own = site.as_uri() + "/"
    for href in live:
        assert href.startswith(own) or href.startswith("https://github.com/"), href
        assert "evil" not in href and not href.startswith("javascript:"), href
    assert "https://github.com/encode/uvicorn/issues/1" in live
    assert own + "fixes/alpha-pickle/index.html" in live
    assert page.as_uri() + "#the-fix" in live
    # The refused links are still on the page, as text.
    text = tab.page.inner_text("main")
    for url in ("//evil.example/a", "javascript:alert(1)", "https://evil.example/f"):
        assert url in text, url
    assert tab.dialogs == []


def test_a_272_kb_query_is_refused_with_a_message(site: Path, tab: Tab) -> None:
    query = "Traceback (most recent call last): " * 7800  # 273,000 characters
    assert len(query) > 272_000
    tab.page.goto((site / "index.html").as_uri() + "?q=" + quote(query))
    searched(tab, query)
    answer = tab.page.inner_text("#answer")
    assert "too long" in answer and "doctor paste-traceback" in answer, answer
    assert len(tab.page.input_value("#q")) == len(query)  # kept, not silently cut
    # A long paste into the box gets the same answer.
    tab.page.goto((site / "index.html").as_uri())
    search(tab, query)
    assert "too long" in tab.page.inner_text("#answer")
    assert search(tab, "pickle") == ["fixes/alpha-pickle/index.html"]
    assert tab.problems == []


def test_an_anchored_signature_is_not_read_as_the_letter_a(site: Path, tab: Tab) -> None:
    # \A is the start of the text (for the CLI's engine); a JavaScript RegExp read it as
    # "A", so the capital A of AttributeError made this paste "match" delta-anchored and
    # put it first, though the paste does not start with an exception line.
    query = (
        "Traceback (most recent call last): "
        "AttributeError: Can't pickle local object 'make.<locals>.app'"
    )
    assert rx.compile(r"\A\w+Error:").search(query) is None
    tab.page.goto((site / "index.html").as_uri())
    hits = search(tab, query)
    assert hits[0] == "fixes/alpha-pickle/index.html", hits
    assert "fixes/delta-anchored/index.html" not in hits
    assert tab.problems == []
    # Its words are the pattern's literal text, not "A" glued to them ("Aw+Error" before).
    index = json.loads((site / "api" / "search-index.json").read_text(encoding="utf-8"))
    delta = next(r for r in index["records"] if r["id"] == "delta-anchored")
    assert delta["signature"].split() == ["+Error:"]
