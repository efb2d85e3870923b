"""The repository's fix pages read by a user in a hurry (issue 13), in Chromium.

Every page of the real KB at 1280x900 and 390x844: the error, the "Am I affected?" box
and the first fix start on the first screen; "Affected versions" comes before the
signatures; the harness source is collapsed; nothing scrolls sideways; the evidence's
Outcome column is on screen; every code block of a fix has a Copy button that puts the
block's text on the clipboard; titles show their code spans as code. Screenshots of
the first screen go to ``test-artifacts/site/`` (gitignored).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from troubleshoot.config import Settings
from troubleshoot.kbstore import Store
from troubleshoot.schema import Entry
from troubleshoot.site.export import export_site
from troubleshoot.site.words import inline_code, marker_words, title_text
from troubleshoot.versions import canonicalize_name, contains, release_status

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")
ARTIFACTS = REPO / "test-artifacts" / "site"
VIEWPORTS = [(1280, 900), (390, 844)]
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no `chromium` executable (apt-get chromium)"),
    pytest.mark.skipif(
        not any((REPO / "kb" / "entries").glob("*.toml")), reason="the repository KB is empty"
    ),
]

# One evaluate per page: every measurement, taken at the top of the page.
MEASURE = """() => {
  const H = innerHeight, W = innerWidth;
  const top = sel => { const e = document.querySelector(sel);
                       return e ? e.getBoundingClientRect().top : null; };
  const before = (a, b) => { const x = document.getElementById(a), y = document.getElementById(b);
    return !!(x && y && (x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING)); };
  const harness = document.getElementById("harness");
  const h1 = document.querySelector("h1");
  const fixBlocks = [...document.querySelectorAll("#fix pre, #options pre")];
  // Tables: each one fits the viewport, or sits in a box that scrolls sideways and fits.
  const wide = [...document.querySelectorAll("table")].filter(t => {
    if (t.getBoundingClientRect().right <= W + 0.5) { return false; }
    for (let p = t.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if ((o === "auto" || o === "scroll") && p.getBoundingClientRect().right <= W + 0.5) {
        return false;
      }
    }
    return true;
  }).map(t => t.className || t.caption && t.caption.textContent);
  const runs = document.querySelector("details.evidence"), wasOpen = runs && runs.open;
  if (runs) { runs.open = true; }
  const outcome = [...document.querySelectorAll("table.evidence th")]
    .find(th => th.textContent.trim() === "Outcome");
  const result = {
    H, W,
    scrollWidth: document.scrollingElement.scrollWidth,
    error: top("#error"), box: top("#am-i-affected"), fix: top("#fix"),
    versionsBeforeSignature: before("versions-h", "signature-h"),
    hasSignature: !!document.getElementById("signature-h"),
    harness: harness ? { open: harness.open,
      shown: [...harness.querySelectorAll("pre")].some(p => p.checkVisibility()) }
      : null,
    outcomeRight: outcome ? outcome.getBoundingClientRect().right : null,
    wideTables: wide,
    h1Codes: h1 ? [...h1.querySelectorAll("code")].map(c => c.textContent) : [],
    h1Text: h1 ? h1.textContent : "",
    fixBlocks: fixBlocks.length,
    fixButtons: fixBlocks.filter(pre => {
      const b = pre.parentElement.querySelector("button.copy");
      return b && !b.hidden && b.checkVisibility();
    }).length,
  };
  if (runs) { runs.open = wasOpen; }
  return result;
}"""


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Entry]]:
    tmp = tmp_path_factory.mktemp("first-screen")
    settings = Settings.resolve(REPO / "kb", db_path=tmp / "kb.db")
    export_site(settings, tmp / "site")
    store = Store.open(settings)
    try:
        entries = list(store.entries())
    finally:
        store.close()
    return tmp / "site", entries


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            yield instance
        finally:
            instance.close()


def _context(browser: Any, width: int, height: int, **kwargs: Any) -> Any:
    context = browser.new_context(viewport={"width": width, "height": height}, **kwargs)
    context.set_default_timeout(10_000)
    return context


def _page_url(site: Path, entry_id: str) -> str:
    return (site / "fixes" / entry_id / "index.html").as_uri()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=["1280", "390"])
def test_every_fix_page_leads_with_the_error_the_verdict_and_the_fix(
    real: tuple[Path, list[Entry]], browser: Any, width: int, height: int
) -> None:
    site, entries = real
    context = _context(browser, width, height)
    problems: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        for entry in entries:
            page.goto(_page_url(site, entry.id), wait_until="domcontentloaded")
            m = page.evaluate(MEASURE)
            where = (entry.id, width)
            first = {"error": m["error"], "box": m["box"], "fix": m["fix"]}
            if not entry.error:
                del first["error"]
            # Each starts on the first screen (their order is the structure test's).
            late = {k: v for k, v in first.items() if v is None or v >= m["H"]}
            if late:
                problems.append(f"{where}: not on the first screen (top, px): {late}")
            if m["hasSignature"] and not m["versionsBeforeSignature"]:
                problems.append(f"{where}: 'Affected versions' after the signatures")
            if m["harness"] is not None and (m["harness"]["open"] or m["harness"]["shown"]):
                problems.append(f"{where}: the harness source is not collapsed")
            if m["scrollWidth"] > m["W"]:
                problems.append(f"{where}: page scrolls sideways ({m['scrollWidth']} px)")
            if m["outcomeRight"] is not None and m["outcomeRight"] > m["W"]:
                problems.append(f"{where}: Outcome column ends at {m['outcomeRight']} px")
            if m["wideTables"]:
                problems.append(f"{where}: tables wider than the screen: {m['wideTables']}")
            if m["fixButtons"] != m["fixBlocks"]:
                problems.append(
                    f"{where}: {m['fixBlocks']} fix code blocks, {m['fixButtons']} Copy buttons"
                )
            spans = re.findall(r"`([^`]+)`", entry.title)
            if "`" in m["h1Text"] or m["h1Codes"] != [s.strip() for s in spans]:
                problems.append(f"{where}: title code spans {spans} shown as {m['h1Codes']}")
            if m["h1Text"].strip() != title_text(entry.title).strip():
                problems.append(f"{where}: title reads {m['h1Text']!r}")
    finally:
        context.close()
    assert problems == []


def test_the_copy_buttons_of_the_fixes_put_the_block_on_the_clipboard(
    real: tuple[Path, list[Entry]], browser: Any
) -> None:
    """Real clicks on a sample of pages (every page's blocks have a button: the test above)."""
    site, entries = real
    with_code = [e for e in entries if "```" in "".join(f.body for f in e.fixes)]
    sample = with_code[:: max(1, len(with_code) // 8)]
    context = _context(browser, 390, 844, permissions=["clipboard-read", "clipboard-write"])
    copied = 0
    wrong: list[tuple[str, int, str, str]] = []
    try:
        page = context.new_page()
        for entry in sample:
            page.goto(_page_url(site, entry.id), wait_until="domcontentloaded")
            blocks = page.locator("#fix .copyable, #options .copyable")
            for i in range(blocks.count()):
                block = blocks.nth(i)
                expected = block.locator("pre").evaluate("p => p.textContent")
                page.evaluate("() => navigator.clipboard.writeText('')")
                block.locator("button.copy").click()
                page.wait_for_function("() => window.doctorSite.copied !== null")
                got = page.evaluate("() => navigator.clipboard.readText()")
                if got.rstrip() != expected.rstrip() or not got.strip():
                    wrong.append((entry.id, i, expected, got))
                assert block.locator("button.copy").inner_text() == "Copied"
                page.evaluate("() => { window.doctorSite.copied = null; }")
                copied += 1
    finally:
        context.close()
    assert wrong == []
    assert copied >= 10  # a fix command or snippet on each sampled page


def test_without_javascript_a_code_block_is_a_selectable_block(
    real: tuple[Path, list[Entry]], browser: Any
) -> None:
    site, entries = real
    entry = next(e for e in entries if "```" in e.fixes[0].body)
    context = _context(browser, 390, 844, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(_page_url(site, entry.id))
        pre = page.locator("#fix .copyable pre").first
        assert pre.is_visible()
        assert page.locator("#fix button.copy").first.is_hidden()
        assert pre.evaluate("p => getComputedStyle(p).userSelect") == "all"
        assert page.locator("#harness").evaluate("d => d.open") is False
    finally:
        context.close()


_HARNESS = re.compile(r'<details class="harness".*?</details>', re.DOTALL)
# "None" printed where a note or a label was missing: alone on a line or in an element,
# or before a bracketed qualifier ("None    [uvicorn <0.47.0]").
_STRAY_NONE = re.compile(r"None\s+\[|(?:^|>)[ \t]*None[ \t]*(?:$|<)", re.MULTILINE)


def stray_nones(html: str) -> list[str]:
    """The stray Nones of a page (Python code and prose about it may say None)."""
    text = _HARNESS.sub("", html).replace("<code>None</code>", "")
    text = text.replace('<span class="tok-kc">None</span>', "")
    return [m.group(0) for m in _STRAY_NONE.finditer(text)]


def test_no_page_prints_none_for_a_missing_note(real: tuple[Path, list[Entry]]) -> None:
    site, _entries = real
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 1
    found = {str(p.relative_to(site)): stray_nones(p.read_text(encoding="utf-8")) for p in pages}
    assert {k: v for k, v in found.items() if v} == {}
    assert stray_nones("<pre><code>x\nNone    [uvicorn &lt;0.47.0]\nNone\n</code></pre>")


_MARKER_NAME = re.compile(r"\b(?:sys_platform|python_(?:full_)?version|platform_system|os_name)\b")


def _conditions(entry: Entry, version: str) -> str:
    """What the site should say a conditional verdict depends on, from the KB."""
    package = canonicalize_name(entry.package)
    said = [
        marker_words(a.when)
        for a in entry.affected
        if a.when and canonicalize_name(a.package) == package and contains(a.specifier, version)
    ]
    return ", or ".join(dict.fromkeys(said))


def test_search_results_say_conditions_in_words(
    real: tuple[Path, list[Entry]], browser: Any
) -> None:
    site, entries = real
    conditional = {
        (e.id, v)
        for e in entries
        if canonicalize_name(e.package) == "uvicorn" and any(a.when for a in e.affected)
        for v in ("0.10.0", "0.16.0", "0.30.0", "0.40.0")
        if release_status(e, v) == "conditional"
    }
    versions = sorted({v for _, v in conditional})
    assert versions, "the real KB has entries that depend on the platform or Python"
    context = _context(browser, 390, 844)
    try:
        page = context.new_page()
        page.goto((site / "index.html").as_uri())
        for version in versions:
            query = f"is {version} affected?"
            page.fill("#q", query)
            page.wait_for_function("q => window.doctorSite.searched === q", arg=query)
            items = page.eval_on_selector_all(
                "#results li",
                """lis => lis.map(li => [li.querySelector('a').getAttribute('href'),
                    li.textContent, (li.querySelector('.when') || {}).textContent || ''])""",
            )
            said = {href.split("/")[1]: when for href, _text, when in items}
            for entry_id, v in conditional:
                if v == version:
                    entry = next(e for e in entries if e.id == entry_id)
                    assert said.get(entry_id) == f"Only when: {_conditions(entry, v)}.", entry_id
            for _href, text, _when in items:
                assert not _MARKER_NAME.search(text), text
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "search-conditions-390.png"), full_page=True)
        # The fix page's box says the same under its verdict sentence.
        entry_id, version = sorted(conditional)[0]
        entry = next(e for e in entries if e.id == entry_id)
        page.goto(_page_url(site, entry_id) + f"?v={version}")
        assert page.inner_text("#verdict-when") == f"Only when: {_conditions(entry, version)}."
    finally:
        context.close()


def test_search_results_show_title_code_spans_as_the_pages_do(
    real: tuple[Path, list[Entry]], browser: Any
) -> None:
    """The index's list is drawn by site.js: its titles match the pages' (inline_code)."""
    site, entries = real
    context = _context(browser, 390, 844)
    try:
        page = context.new_page()
        page.goto((site / "index.html").as_uri())
        page.wait_for_function("() => window.doctorSite.searched === ''")
        drawn = dict(
            page.eval_on_selector_all(
                "#results li > a", "as => as.map(a => [a.getAttribute('href'), a.innerHTML])"
            )
        )
    finally:
        context.close()
    expected = {f"fixes/{e.id}/index.html": str(inline_code(e.title)) for e in entries}
    assert drawn == expected
    assert any("<code>" in html for html in drawn.values())


def test_first_screen_screenshots(real: tuple[Path, list[Entry]], browser: Any) -> None:
    """The first screen of a few pages at both sizes (viewport only: what a user sees)."""
    site, entries = real
    chosen = [e for e in entries if "`" in e.title][:1] + [
        e for e in entries if any(a.when for a in e.affected)
    ][:1]
    chosen += [e for e in entries if e not in chosen][:1]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = []
    for width, height in VIEWPORTS:
        context = _context(browser, width, height)
        try:
            page = context.new_page()
            for entry in chosen:
                page.goto(_page_url(site, entry.id))
                shots.append(ARTIFACTS / f"first-screen-{entry.id}-{width}.png")
                page.screenshot(path=str(shots[-1]))
        finally:
            context.close()
    assert shots and all(shot.stat().st_size > 1000 for shot in shots)
