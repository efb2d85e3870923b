"""Each fix option says whether the repro showed it working, and where."""

from __future__ import annotations

from site_kbdata import Export


def _page(exported: Export, slug: str) -> str:
    return (exported.root / "fixes" / slug / "index.html").read_text(encoding="utf-8")


def test_a_tested_fix_names_its_scenario_and_the_releases(exported: Export) -> None:
    html = _page(exported, "alpha-pickle")
    assert (
        '<p class="check tested">Tested: the repro applies it (scenario fix-import-string) '
        "and the failure is gone on uvicorn 0.10.3 (last run 2026-01-03).</p>"
    ) in html
    # The default scenario's fixed run on 0.10.6 is the upgrade's evidence, not this fix's.
    assert "gone on uvicorn 0.10.3, 0.10.6" not in html


def test_a_fix_not_run_here_says_why(exported: Export) -> None:
    html = _page(exported, "gamma-main-guard")
    assert (
        '<p class="check">Not run here: a test fixture: no repro scenario applies this fix here</p>'
    ) in html
