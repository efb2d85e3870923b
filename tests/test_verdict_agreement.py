"""One question, one answer: "is uvicorn V affected by entry E?" on every surface.

``troubleshoot.versions.release_status(entry, version)`` is the answer. For every
entry of the real KB and every uvicorn release of the offline catalog
(``kb/catalog/uvicorn.json``), each surface must say the same:

- ``doctor list --version V --json``: which entries it lists and their "verdict";
- ``doctor show ID --version V --json``: "verdict" (each range boundary, the release
  before it, fixed_in, the oldest and newest release);
- the exported site: the search index's per-release table, the page's own JavaScript
  verdict function in Chromium (every entry x release in one evaluate call) and the
  fix page's version box (a sample);
- ``doctor check-env -r requirements.txt --platform P --no-project --format json``
  on ``uvicorn==V`` for linux, darwin and win32: exactly the entries with a fixed
  release whose ``verdict(entry, {"uvicorn": V}, env)`` is "affected" for the
  target's markers, consistent with release_status (affected: on every platform;
  conditional: on at least one; fixed / not-affected: on none).

The CLI runs in-process (typer's CliRunner). ``DOCTOR_AGREEMENT_KB`` points the test
at another KB folder (a copy of the committed one while others edit ``kb/``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version
from typer.testing import CliRunner

from troubleshoot.catalog.lookup import load
from troubleshoot.config import Settings
from troubleshoot.kbstore import Store
from troubleshoot.render.entry_text import verdict_line
from troubleshoot.schema import Entry
from troubleshoot.versions import canonicalize_name, release_status, verdict

REPO = Path(__file__).resolve().parent.parent
KB = Path(os.environ.get("DOCTOR_AGREEMENT_KB") or REPO / "kb")
PLATFORMS = ("linux", "darwin", "win32")
LISTED = ("affected", "conditional")
CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no `chromium` executable: install Debian's chromium package (apt-get install chromium)",
)


@dataclass(frozen=True)
class KBData:
    settings: Settings
    entries: tuple[Entry, ...]
    releases: tuple[str, ...]
    # (entry id, release) -> release_status
    status: dict[tuple[str, str], str]

    def entry(self, entry_id: str) -> Entry:
        return next(e for e in self.entries if e.id == entry_id)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KBData]:
    cache_dir = tmp_path_factory.mktemp("agreement-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DOCTOR_KB_DIR", str(KB))
        mp.setenv("DOCTOR_CACHE_DIR", str(cache_dir))
        mp.delenv("DOCTOR_SITE_URL", raising=False)
        settings = Settings.resolve()
        store = Store.open(settings)
        try:
            entries = tuple(store.entries())
        finally:
            store.close()
        releases = load(KB).releases("uvicorn")
        assert len(releases) >= 205, "the catalog lists every uvicorn release on PyPI"
        status = {(e.id, v): release_status(e, v) for e in entries for v in releases}
        yield KBData(settings, entries, releases, status)


@pytest.fixture(scope="module")
def runner() -> Iterator[CliRunner]:
    # The click command is built once, not on every invoke (the same command tree).
    import typer.testing

    from troubleshoot.cli import app

    command = typer.testing._get_command(app)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(typer.testing, "_get_command", cache(lambda _app: command))
        yield CliRunner()


def invoke(runner: CliRunner, *args: str) -> tuple[int, Any]:
    from troubleshoot.cli import app

    result = runner.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, json.loads(result.stdout)


def uvicorn_entries(kb: KBData) -> list[Entry]:
    """Entries about uvicorn itself: a uvicorn version decides them (not h11's, say)."""
    return [e for e in kb.entries if canonicalize_name(e.package) == "uvicorn"]


def test_list_version_lists_what_release_status_says(kb: KBData, runner: CliRunner) -> None:
    wrong = []
    for version in kb.releases:
        code, rows = invoke(runner, "list", "--version", version, "--json")
        assert code == 0, version
        got = {row["id"]: row["verdict"] for row in rows}
        # a bare --version is uvicorn's: entries about h11 or websockets are judged on theirs
        expected = {
            e.id: s for e in uvicorn_entries(kb) if (s := kb.status[(e.id, version)]) in LISTED
        }
        if got != expected:
            wrong.append((version, got, expected))
    assert wrong == []


def test_search_with_a_version_answers_what_release_status_says(
    kb: KBData, runner: CliRunner
) -> None:
    """`doctor search 0.10.3` answers the version question the site's search answers:
    the uvicorn entries that release is affected by (conditional ones too)."""
    wrong = []
    for version in kb.releases[::7]:
        code, rows = invoke(runner, "search", version, "--json")
        got = {row["id"] for row in rows}
        expected = {e.id for e in uvicorn_entries(kb) if kb.status[(e.id, version)] in LISTED}
        if got != expected or code != (0 if expected else 1):
            wrong.append((version, sorted(got ^ expected)))
    assert wrong == []
    code, rows = invoke(runner, "search", "0.7.99", "--json")
    assert (code, rows) == (1, [])  # not a release: no answer invented


def _before(releases: tuple[str, ...], bound: Version) -> str | None:
    older = [r for r in releases if Version(r) < bound]
    return older[-1] if older else None


def sample_releases(entry: Entry, releases: tuple[str, ...]) -> list[str]:
    """Each range boundary and the release before it, fixed_in and before it, the ends."""
    picked = {releases[0], releases[-1]}
    bounds = [Version(s.version) for a in entry.affected for s in SpecifierSet(a.specifier)]
    if entry.fixed_in:
        bounds.append(Version(entry.fixed_in))
    for bound in bounds:
        picked |= {r for r in releases if Version(r) == bound}
        if (before := _before(releases, bound)) is not None:
            picked.add(before)
    return sorted(picked, key=Version)


def test_show_version_says_what_release_status_says(kb: KBData, runner: CliRunner) -> None:
    wrong = []
    calls = 0
    for entry in kb.entries:
        for version in sample_releases(entry, kb.releases):
            code, data = invoke(runner, "show", entry.id, "--version", version, "--json")
            calls += 1
            assert code == 0
            expected = {"version": version, "status": kb.status[(entry.id, version)]}
            if data["verdict"] != expected:
                wrong.append((entry.id, data["verdict"], expected))
    assert wrong == []
    assert calls >= 3 * len(kb.entries)


def _reported(document: dict[str, Any]) -> set[str]:
    return (
        {f["id"] for f in document["findings"]}
        | {f["id"] for f in document["unreached"]}
        | {i["finding"]["id"] for i in document["ignored"]}
    )


def test_check_env_reports_what_verdict_and_release_status_say(
    kb: KBData, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no project configuration of the repository is read
    checked = [e for e in kb.entries if e.is_version_check]
    uvicorn_ids = {e.id for e in uvicorn_entries(kb)}
    wrong: list[tuple[str, ...]] = []
    exercised: set[str] = set()  # the statuses the consistency check met
    for version in kb.releases:
        requirements = tmp_path / f"requirements-{version}.txt"
        requirements.write_text(f"uvicorn=={version}\n", encoding="utf-8")
        seen: dict[str, set[str]] = {}
        for platform in PLATFORMS:
            code, document = invoke(
                runner,
                "check-env",
                "-r",
                requirements.name,
                "--platform",
                platform,
                "--no-project",
                "--format",
                "json",
            )
            assert document["nothing_checked"] is None, (version, platform)
            assert code == (1 if document["failed"] else 0), (version, platform, code)
            env = document["context"]
            assert env["sys_platform"] == platform
            reported = _reported(document)
            expected = {
                e.id for e in checked if verdict(e, {"uvicorn": version}, env).status == "affected"
            }
            if reported != expected:
                wrong.append((version, platform, str(sorted(reported ^ expected))))
            seen[platform] = reported
        for entry in checked:
            if entry.id not in uvicorn_ids:
                continue
            status = kb.status[(entry.id, version)]
            exercised.add(status)
            on = [p for p in PLATFORMS if entry.id in seen[p]]
            ok = {
                "affected": on == list(PLATFORMS),
                "conditional": bool(on),
                "fixed": not on,
                "not-affected": not on,
            }[status]
            if not ok:
                wrong.append((version, entry.id, status, f"reported on {on}"))
    assert wrong == []
    assert exercised == {"affected", "conditional", "fixed", "not-affected"}


@pytest.fixture(scope="module")
def site(kb: KBData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from troubleshoot.site.export import export_site

    out = tmp_path_factory.mktemp("agreement-site") / "site"
    export_site(kb.settings, out)
    return out


def _index(site: Path) -> dict[str, Any]:
    return json.loads((site / "api" / "search-index.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_site_index_holds_release_status_for_every_release(kb: KBData, site: Path) -> None:
    index = _index(site)
    assert index["releases"]["uvicorn"] == list(kb.releases)
    codes = index["status_codes"]
    assert {r["id"] for r in index["records"]} == {e.id for e in kb.entries}
    for record in index["records"]:
        if record["package"] != "uvicorn":
            continue
        got = [codes[c] for c in record["by_release"]]
        assert got == [kb.status[(record["id"], v)] for v in kb.releases], record["id"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield tab
    finally:
        context.close()
    assert errors == []


@needs_chromium
def test_the_browser_verdict_is_release_status(kb: KBData, site: Path, page: Any) -> None:
    page.goto((site / "index.html").as_uri())
    got = page.evaluate(
        """releases => {
          const doc = JSON.parse(document.getElementById("search-data").textContent);
          return doc.records.filter(r => r.package === "uvicorn").map(r => [r.id,
            releases.map(v => { const x = window.doctorSite.versionVerdict(r, v);
                                return [x.status, x.text]; })]);
        }""",
        list(kb.releases),
    )
    assert {i for i, _ in got} == {e.id for e in uvicorn_entries(kb)}
    wrong = []
    for entry_id, answers in got:
        entry = kb.entry(entry_id)
        for version, (status, text) in zip(kb.releases, answers, strict=True):
            expected = kb.status[(entry_id, version)]
            if (status, text) != (expected, verdict_line(entry, version, expected)):
                wrong.append((entry_id, version, status, text, expected))
    assert wrong == []
    assert len(got) * len(kb.releases) >= 40 * 205


def box_sample(kb: KBData) -> list[tuple[str, str]]:
    """Up to three (entry, release) pairs of each status, from different entries."""
    pairs: dict[str, list[tuple[str, str]]] = {}
    for entry in uvicorn_entries(kb):
        if not entry.affected:
            continue
        for version in sample_releases(entry, kb.releases):
            chosen = pairs.setdefault(kb.status[(entry.id, version)], [])
            if len(chosen) < 3 and all(i != entry.id for i, _ in chosen):
                chosen.append((entry.id, version))
    return [pair for chosen in pairs.values() for pair in chosen]


@needs_chromium
def test_the_fix_page_version_box_gives_the_cli_verdict(kb: KBData, site: Path, page: Any) -> None:
    sample = box_sample(kb)
    statuses = {kb.status[pair] for pair in sample}
    assert {"affected", "fixed", "not-affected"} <= statuses
    for entry_id, version in sample:
        entry = kb.entry(entry_id)
        page.goto((site / "fixes" / entry_id / "index.html").as_uri())
        page.fill("#v", version)
        page.wait_for_function("v => window.doctorSite.boxed === v", arg=version)
        expected = verdict_line(entry, version, kb.status[(entry_id, version)])
        assert page.inner_text("#verdict") == expected, (entry_id, version)
    page.fill("#v", "0.7.99")
    page.wait_for_function("() => window.doctorSite.boxed === '0.7.99'")
    assert page.inner_text("#verdict") == (
        f"0.7.99 is not a uvicorn release on PyPI (known: {kb.releases[0]} to {kb.releases[-1]})."
    )
