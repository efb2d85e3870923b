"""Matching quality: over the test corpus (issue 6), or over a batch of pastes (issue 11).

Corpus: positives are tests/corpus/pastes/<id>/*.txt (real output of affected
releases and pastes from public reports); negatives are tests/corpus/negatives/
(other projects' tracebacks, app bugs whose stack passes through uvicorn) and
tests/corpus/healthy/.

Batch (``--pastes DIR``): every ``*.txt`` under DIR, with the corpus header lines;
``## expect:`` is an entry id (a covered failure), ``none`` (not a uvicorn failure:
a negative) or ``uncovered`` (a uvicorn failure the KB has no entry for). A first-sight
score is taken with this before any signature is changed for the batch.

Usage: python bench/eval_matching.py [--pastes DIR] [--verbose]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.corpus_util import evaluate, evaluate_batch  # noqa: E402
from troubleshoot.config import Settings  # noqa: E402
from troubleshoot.kbstore import Store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pastes", type=Path, help="a batch directory instead of the corpus")
    parser.add_argument("--verbose", action="store_true", help="list every batch paste")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Settings.resolve(REPO / "kb", Path(tmp) / "kb.db"))
        if args.pastes:
            report = evaluate_batch(store, args.pastes)
            print("\n".join(report.lines(verbose=args.verbose)))
            return
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
