"""Issue 11: wording is version evidence. uvicorn's own log lines narrow the release
that printed a paste (from the message catalog generated from every release)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO
from tests.corpus_util import samples
from troubleshoot.diagnose import diagnose
from troubleshoot.kbstore import Store
from troubleshoot.parse import parse_paste
from troubleshoot.pasteview import PasteView
from troubleshoot.wording import wording

KB = REPO / "kb"


def _wording(text: str):  # type: ignore[no-untyped-def]
    return wording(PasteView.of(parse_paste(text)), KB)


def test_the_wording_never_rules_out_the_release_that_printed_the_paste() -> None:
    """Over every corpus paste whose header names its uvicorn release."""
    checked = 0
    for sample in samples("healthy") + samples("pastes"):
        stated = re.match(r"(\d+\.\d+\.\d+)", sample.meta.get("uvicorn", ""))
        if stated is None:
            continue
        found = _wording(sample.text)
        if found is None:
            continue
        checked += 1
        assert stated.group(1) in found.releases, (sample.path.name, found.describe())
    assert checked >= 60


def test_a_wording_that_changed_narrows_the_release() -> None:
    found = _wording(
        "INFO:     Started reloader process [100] using StatReload\n"
        "WARNING:  StatReload detected file change in 'main.py'. Reloading...\n"
    )
    assert found is not None
    assert found.releases[0] == "0.12.3"
    assert found.releases[-1].startswith("0.17.")
    assert "0.18.0" not in found.releases


def test_text_python_raises_too_is_not_uvicorn_wording() -> None:
    """uvicorn raises `module {} has no attribute {}` (0.34.1+), but so does Python."""
    assert _wording("AttributeError: module 'main' has no attribute 'app'") is None


def test_a_match_is_judged_over_the_releases_the_wording_allows(real_store: Store) -> None:
    text = (
        "WARNING:  auto-reload only works when app is passed as an import string.\n"
        "Traceback (most recent call last):\n"
        '  File "/venv/lib/python3.7/site-packages/uvicorn/main.py", line 1, in run\n'
        "AttributeError: Can't pickle local object 'make.<locals>.app'\n"
    )
    result = diagnose(text, real_store, use_environment=False)
    top = result.matches[0]
    assert top.entry.id == "app-instance-with-workers-or-reload"
    assert top.version_source == "wording"
    assert "0.5.1 to 0.10.3" in top.verdict.reason


def test_without_a_catalog_nothing_is_read(tmp_path: Path) -> None:
    assert wording(PasteView.of(parse_paste("INFO:     Shutting down\n")), tmp_path) is None
