"""The exported site in a real browser: Debian's chromium driven by Playwright.

Skipped only when no ``chromium`` executable is installed (CI installs it).
Screenshots go to ``test-artifacts/site/`` (gitignored).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from packaging.version import InvalidVersion, Version
from site_kbdata import BASE_URL, RELEASES, write_site_kb

from troubleshoot.kbstore import Store
from troubleshoot.render.entry_text import verdict_line
from troubleshoot.site.export import export_site
from troubleshoot.versions import release_status

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no `chromium` executable: install Debian's chromium package (apt-get install chromium)",
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "site"
PAGES = ["alpha-pickle", "beta-reload-windows", "gamma-main-guard", "xss-probe"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    root = tmp_path_factory.mktemp("browser")
    settings = write_site_kb(root / "src")
    export_site(settings, root / "site", BASE_URL)
    return root / "site", settings


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield instance
        finally:
            instance.close()


class Tab:
    """A page plus everything it complained about."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.problems: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"console {message.type}: {message.text}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield Tab(page)
    finally:
        context.close()


def _url(site: tuple[Path, Any], rel: str = "index.html") -> str:
    return (site[0] / rel).as_uri()


def _results(tab: Tab) -> list[str]:
    return list(
        tab.page.eval_on_selector_all(
            "#results li > a", "els => els.map(a => a.getAttribute('href'))"
        )
    )


def searched(tab: Tab, text: str) -> None:
    """Wait until the page has searched for ``text`` (typing is debounced)."""
    tab.page.wait_for_function(
        "q => window.doctorSite !== undefined && window.doctorSite.searched === q", arg=text
    )


def search(tab: Tab, text: str) -> list[str]:
    tab.page.fill("#q", text)
    searched(tab, text)
    return _results(tab)


def test_index_loads_without_errors_or_csp_violations(site: Any, tab: Tab) -> None:
    tab.page.goto(_url(site))
    assert tab.page.title().startswith("uvicorn-doctor")
    assert _results(tab) == [f"fixes/{p}/index.html" for p in PAGES]
    assert tab.page.inner_text("#list-h") == "All fixes"
    # The stylesheet applied (CSP 'self' admits file:// assets).
    bg = tab.page.eval_on_selector("body", "b => getComputedStyle(b).maxWidth")
    assert bg != "none"
    assert tab.problems == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "AttributeError: Can't pickle local object 'request_response.<locals>.app'",
            "alpha-pickle",
        ),
        ("Can't pickle local object", "alpha-pickle"),
        ("OSError: [WinError 87] The parameter is incorrect", "beta-reload-windows"),
        ("finished its bootstrapping phase", "gamma-main-guard"),
        ("RuntimeError", "gamma-main-guard"),
        ("pickle", "alpha-pickle"),
    ],
)
def test_search_for_an_error_finds_the_page(site: Any, tab: Tab, query: str, expected: str) -> None:
    tab.page.goto(_url(site))
    hits = search(tab, query)
    assert hits and hits[0] == f"fixes/{expected}/index.html", hits
    assert tab.problems == []


def test_nonsense_finds_nothing(site: Any, tab: Tab) -> None:
    tab.page.goto(_url(site))
    assert search(tab, "zebrafish quantum teapot") == []
    assert tab.page.inner_text("#answer").startswith("No known match")


def test_filters_by_kind_and_tag(site: Any, tab: Tab) -> None:
    tab.page.goto(_url(site))
    tab.page.select_option("#kind", "misuse")
    assert _results(tab) == ["fixes/gamma-main-guard/index.html"]
    tab.page.select_option("#kind", "")
    tab.page.select_option("#tag", "reload")
    assert _results(tab) == [
        "fixes/beta-reload-windows/index.html",
        "fixes/gamma-main-guard/index.html",
    ]
    tab.page.goto(_url(site) + "?tag=workers")
    assert tab.page.input_value("#tag") == "workers"
    assert _results(tab) == ["fixes/alpha-pickle/index.html", "fixes/gamma-main-guard/index.html"]


@pytest.mark.parametrize("version", ["0.10.0", "0.10.3", "0.10.6", "0.11.2", "0.12.0", "1.0.0"])
def test_version_question_answers_like_release_status(site: Any, tab: Tab, version: str) -> None:
    store = Store.open(site[1])
    try:
        statuses = {e.id: release_status(e, version) for e in store.entries()}
    finally:
        store.close()
    affected = sorted(i for i, s in statuses.items() if s == "affected")
    conditional = sorted(i for i, s in statuses.items() if s == "conditional")
    tab.page.goto(_url(site))
    hits = search(tab, f"is {version} affected?")
    answer = tab.page.inner_text("#answer")
    # The same entries `doctor list --version` lists: affected or conditional.
    assert sorted(h.split("/")[1] for h in hits) == sorted(affected + conditional)
    if affected:
        noun = "failure" if len(affected) == 1 else "failures"
        assert answer.startswith(
            f"Yes: uvicorn {version} is affected by {len(affected)} known {noun}"
        )
    else:
        assert answer.startswith(f"No: uvicorn {version} is not affected")
    if conditional:
        assert (
            f"{len(conditional)} more only on some platforms, Pythons or package pairings" in answer
        )
    verdict_texts = tab.page.eval_on_selector_all(
        "#results .verdict", "els => els.map(e => e.textContent)"
    )
    assert len(verdict_texts) == len(hits)
    assert all(t.startswith(f"uvicorn {version}: affected by ") for t in verdict_texts)
    assert tab.problems == []


def test_a_version_that_is_no_release_is_said_so(site: Any, tab: Tab) -> None:
    tab.page.goto(_url(site))
    assert search(tab, "is 0.7.99 affected?") == []
    assert tab.page.inner_text("#answer") == (
        "0.7.99 is not a uvicorn release on PyPI (known: 0.9.0 to 1.0.0)."
    )
    # With words, the words still search; no verdict is guessed.
    assert search(tab, "pickle 0.10.7") == ["fixes/alpha-pickle/index.html"]
    assert tab.page.eval_on_selector_all("#results .verdict", "els => els.length") == 0
    assert tab.problems == []


# Spellings of a release that PEP 440 reads as that release, and versions that are none.
SPELLINGS = {
    "v0.10.3": "0.10.3",
    "0.10.3": "0.10.3",
    " 0.10.3 ": "0.10.3",
    "0.10": "0.10.0",
    "0.10.0.0": "0.10.0",
    "0.011.0": "0.11.0",
    "0.11.0-post1": "0.11.0.post1",
    "0.11.0-1": "0.11.0.post1",
    "0.11.0.POST1": "0.11.0.post1",
    "0.11post1": "0.11.0.post1",
    "0.12.0B1": "0.12.0b1",
    "0.12.0-beta.1": "0.12.0b1",
    "0.12b1": "0.12.0b1",
    "1": "1.0.0",
    "1.0.0": "1.0.0",
}
NOT_RELEASES = ["0.10.7", "0.10.3.dev0", "0.10.3+local", "0.12.0rc1", "0.11.0.post2", "0.8"]


def test_a_typed_version_finds_the_release_packaging_calls_equal(site: Any, tab: Tab) -> None:
    tab.page.goto(_url(site))
    typed = [*SPELLINGS, *NOT_RELEASES, *RELEASES, "zebra", "0..1"]
    got = tab.page.evaluate("vs => vs.map(v => window.doctorSite.findRelease('uvicorn', v))", typed)
    for text, found in zip(typed, got, strict=True):
        try:
            version = Version(text)
        except InvalidVersion:
            assert "is not a version" in found["text"], (text, found)
            continue
        equal = [r for r in RELEASES if Version(r) == version]
        if equal:
            assert found.get("release") == equal[0], (text, found)
        else:
            assert "is not a uvicorn release on PyPI" in found["text"], (text, found)
    assert all(
        SPELLINGS[t] == f["release"] for t, f in zip(typed, got, strict=False) if t in SPELLINGS
    )


@pytest.mark.parametrize(
    ("entry_id", "version"),
    [
        ("alpha-pickle", "0.10.3"),
        ("alpha-pickle", "0.10.6"),
        ("alpha-pickle", "0.9.0"),
        ("beta-reload-windows", "0.11.2"),
        ("xss-probe", "0.13"),
    ],
)
def test_the_fix_page_version_box_says_what_show_says(
    site: Any, tab: Tab, entry_id: str, version: str
) -> None:
    store = Store.open(site[1])
    try:
        entry = store.entry(entry_id)
    finally:
        store.close()
    assert entry is not None
    release = next(r for r in RELEASES if Version(r) == Version(version))
    expected = verdict_line(entry, release, release_status(entry, release))
    page = tab.page
    page.goto(_url(site, f"fixes/{entry_id}/index.html"))
    assert page.is_visible("#v")
    assert page.inner_text("#verdict") == ""
    page.fill("#v", version)
    page.wait_for_function("v => window.doctorSite.boxed === v", arg=version)
    assert page.inner_text("#verdict") == expected
    # At 390 px the box and its sentence fit the screen: nothing scrolls sideways.
    box = page.eval_on_selector("#am-i-affected", "e => e.getBoundingClientRect().right")
    assert box <= 390
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.fill("#v", "0.10.7")
    page.wait_for_function("() => window.doctorSite.boxed === '0.10.7'")
    assert page.inner_text("#verdict") == (
        "0.10.7 is not a uvicorn release on PyPI (known: 0.9.0 to 1.0.0)."
    )
    page.goto(_url(site, f"fixes/{entry_id}/index.html") + f"?v={version}")
    assert page.inner_text("#verdict") == expected
    assert tab.problems == []


def test_a_page_not_tied_to_a_version_says_so_without_a_box(site: Any, tab: Tab) -> None:
    tab.page.goto(_url(site, "fixes/gamma-main-guard/index.html"))
    assert tab.page.query_selector("#v") is None
    assert "Not version-specific" in tab.page.inner_text("#am-i-affected")
    assert tab.problems == []


def test_links_work(site: Any, tab: Tab) -> None:
    page = tab.page
    page.goto(_url(site))
    search(tab, "Can't pickle local object")
    page.click("#results li > a")
    page.wait_for_url("**/fixes/alpha-pickle/index.html")
    assert page.inner_text("h1") == "Can't pickle local object with workers"
    page.click("text=Reloader loses its child on Windows")  # related entry
    page.wait_for_url("**/fixes/beta-reload-windows/index.html")
    page.click("nav.crumbs a")
    page.wait_for_url("**/index.html")
    assert len(_results(tab)) == 4
    page.goto(_url(site, "fixes/alpha-pickle/index.html"))
    page.click("a.tag >> text=#pickle")
    page.wait_for_url("**/index.html?tag=pickle")
    assert _results(tab) == ["fixes/alpha-pickle/index.html"]
    page.goto(_url(site, "fixes/alpha-pickle/index.html"))
    assert page.is_visible("button[data-copy='sig-text']")
    page.click("button[data-copy='repro-cmd']")
    page.wait_for_function(
        "() => document.querySelector(\"button[data-copy='repro-cmd']\").textContent !== 'Copy'"
    )
    # The harness source is collapsed: one click on its summary shows it.
    assert "uvicorn.run(make(), workers=2)" not in page.inner_text("#repro")
    page.click("#harness > summary")
    assert "uvicorn.run(make(), workers=2)" in page.inner_text("#repro")
    assert tab.problems == []


def test_hostile_entry_runs_nothing(site: Any, tab: Tab) -> None:
    tab.page.goto(_url(site, "fixes/xss-probe/index.html"))
    tab.page.goto(_url(site))
    search(tab, "<script>alert(1)</script> probe")
    tab.page.fill("#q", "javascript")
    assert tab.page.evaluate("() => window.__xss") is None
    assert tab.dialogs == []
    assert tab.problems == []


@pytest.fixture
def http_root(site: Any) -> Iterator[str]:
    handler = partial(_QuietHandler, directory=str(site[0]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_works_from_a_static_http_host(http_root: str, tab: Tab) -> None:
    tab.page.goto(http_root)
    hits = search(tab, "is 0.10.3 affected?")
    assert "fixes/alpha-pickle/index.html" in hits
    tab.page.click("#results li > a >> nth=0")
    tab.page.wait_for_selector("h1")
    assert tab.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(site: Any, browser: Any, scheme: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shots = []
    for width, height in ((390, 844), (1280, 900)):
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=scheme
        )
        try:
            page = context.new_page()
            suffix = "" if width == 390 else f"-{width}"
            page.goto(_url(site))
            search(Tab(page), "is 0.10.3 affected?")
            shots.append(ARTIFACTS / f"index-{scheme}{suffix}.png")
            page.screenshot(path=str(shots[-1]), full_page=True)
            page.goto(_url(site, "fixes/alpha-pickle/index.html") + "?v=0.10.3")
            assert page.inner_text("#verdict").startswith("uvicorn 0.10.3: affected by")
            shots.append(ARTIFACTS / f"page-{scheme}{suffix}.png")
            page.screenshot(path=str(shots[-1]), full_page=True)
        finally:
            context.close()
    assert all(shot.stat().st_size > 1000 for shot in shots)
