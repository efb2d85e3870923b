"""Matching quality over the test corpus (issue 6): top-1/top-3 accuracy, false positives.

Positives: tests/corpus/pastes/<id>/*.txt (real output of affected releases and
pastes from public reports). Negatives: tests/corpus/negatives/ (other projects'
tracebacks, app bugs whose stack passes through uvicorn) and tests/corpus/healthy/.

Usage: python bench/eval_matching.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.corpus_util import evaluate  # noqa: E402
from troubleshoot.config import Settings  # noqa: E402
from troubleshoot.kbstore import Store  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Settings.resolve(REPO / "kb", Path(tmp) / "kb.db"))
        quality = evaluate(store)
        entries = len(store.ids())
    print(
        f"entries: {entries}; positive pastes: {quality.positives}; "
        f"negative and healthy samples: {quality.negatives}"
    )
    print(f"top-1 accuracy: {quality.top(1):.3f}")
    print(f"top-3 accuracy: {quality.top(3):.3f}")
    print(f"false-positive rate: {quality.false_positive_rate:.3f}")
    for path, ids in sorted(quality.misses.items()):
        print(f"  miss: {path}: ranked {ids or 'nothing'}")
    for path, ids in sorted(quality.false_positives.items()):
        print(f"  false positive: {path}: {ids}")


if __name__ == "__main__":
    main()
