"""The real KB: every entry valid, precise (no healthy log matches) and found by its pastes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.corpus_util import Sample, samples
from troubleshoot.config import Settings
from troubleshoot.fire import fire
from troubleshoot.kbload import load_kb
from troubleshoot.kbstore import Store
from troubleshoot.parse import parse_paste
from troubleshoot.pasteview import PasteView

REAL_KB = REPO / "kb"
ENTRY_FILES = sorted((REAL_KB / "entries").glob("*.toml"))
SEED_IDS = {
    "app-instance-with-workers-or-reload",
    "ssl-with-reload-crash",
    "windows-reload-permissionerror-after-crash",
    "reloader-only-reloads-once-debugger",
    "programmatic-reload-without-main-guard",
}


def _id(sample: Sample) -> str:
    return str(sample.path.relative_to(sample.path.parents[1]))


def test_seed_entries_present_and_kb_valid() -> None:
    kb = load_kb(Settings.resolve(REAL_KB))
    assert {e.id for e in kb.entries} >= SEED_IDS


@pytest.mark.parametrize("path", ENTRY_FILES, ids=lambda p: p.stem)
def test_no_signature_matches_healthy_output(path: Path, real_store: Store) -> None:
    entry = real_store.entry(path.stem)
    assert entry is not None
    healthy = samples("healthy")
    assert len(healthy) >= 4, "the healthy corpus must cover several uvicorn versions"
    for sample in healthy:
        parsed = parse_paste(sample.text)
        view = PasteView.of(parsed)
        for sig in entry.signatures:
            hit = fire(sig, view)
            assert hit is None, f"{entry.id}:{sig.id} matches healthy {sample.path.name}: {hit}"


def test_matching_quality_over_the_corpus(real_store: Store) -> None:
    """Issue 6's bar: top-1 accuracy at least 0.95 over the real pastes, no false positive."""
    from tests.corpus_util import evaluate

    quality = evaluate(real_store)
    assert quality.positives >= 20
    assert quality.top(1) >= 0.95, f"top-1 {quality.top(1):.3f}; misses: {quality.misses}"
    assert quality.false_positives == {}


def test_every_entry_has_pastes(real_store: Store) -> None:
    covered = {s.expect for s in samples("pastes")}
    missing = sorted(set(real_store.ids()) - covered)
    assert not missing, f"entries without a paste in tests/corpus/pastes: {missing}"


@pytest.mark.parametrize("sample", samples("negatives"), ids=_id)
def test_negative_paste_matches_nothing(sample: Sample, real_store: Store) -> None:
    from troubleshoot.diagnose import diagnose

    result = diagnose(sample.text, real_store, use_environment=False)
    assert result.matches == (), [m.entry.id for m in result.matches]


def test_measured_weights_are_current() -> None:
    """kb/measured-weights.json is what bench/fit_weights.py measures on the corpus today."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "fit_weights.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_a_stale_weight_is_a_validation_error(tmp_path: Path) -> None:
    import shutil

    from troubleshoot.errors import EntryInvalid

    kb = tmp_path / "kb"
    shutil.copytree(REAL_KB, kb)
    entry = kb / "entries" / "address-already-in-use.toml"
    entry.write_text(entry.read_text().replace("weight = 0.95", "weight = 0.94", 1))
    with pytest.raises(EntryInvalid) as caught:
        load_kb(Settings.resolve(kb, tmp_path / "kb.db"))
    assert any(
        "address-already-in-use/" in str(p) and "stale" in str(p) for p in caught.value.problems
    )
