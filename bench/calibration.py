"""Is the reported score calibrated? A reliability table over labelled pastes (issue 11).

For every paste of the given batches (``## expect:`` headers, as in
bench/eval_matching.py) the first reported candidate, a match or a likely one, is
binned by its score; a bin says how often that candidate was the right answer. A
calibrated score reads as a probability: of the candidates reported at 0.8, about 80%
are right. Run it on pastes the weights were not fitted on (the first-sight batches
under bench/pastes/, never tests/corpus/, which bench/fit_weights.py uses).

It also prints, for each threshold, how many right and wrong matches the batch would
get, so the threshold is chosen on data the weights did not see.

Usage: python bench/calibration.py DIR [DIR ...]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.corpus_util import load  # noqa: E402
from troubleshoot.config import Settings  # noqa: E402
from troubleshoot.diagnose import diagnose  # noqa: E402
from troubleshoot.kbstore import Store  # noqa: E402

BINS = ((0.3, 0.5), (0.5, 0.65), (0.65, 0.8), (0.8, 0.9), (0.9, 1.01))
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def observations(folders: list[Path], store: Store) -> list[tuple[float, bool, str]]:
    """(score of the first candidate, was it right, its tier) per paste with one."""
    seen = []
    for folder in folders:
        for path in sorted(folder.rglob("*.txt")):
            sample = load(path)
            expect = sample.meta.get("expect", "").strip()
            result = diagnose(sample.text, store, use_environment=False, min_score=0.3)
            first = (result.matches or result.likely)[:1]
            if first:
                m = first[0]
                seen.append((m.score, m.entry.id == expect, m.tier))
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Settings.resolve(REPO / "kb", Path(tmp) / "kb.db"))
        seen = observations(args.folders, store)
        store.close()
    print("| reported score | candidates | right | share right |")
    print("|---|---|---|---|")
    for low, high in BINS:
        inside = [right for score, right, _ in seen if low <= score < high]
        share = f"{sum(inside) / len(inside):.2f}" if inside else "–"
        label = f"{low:.2f}–{min(high, 1.0):.2f}"
        print(f"| {label} | {len(inside)} | {sum(inside)} | {share} |")
    print()
    print("| threshold | matches | right | wrong |")
    print("|---|---|---|---|")
    for threshold in THRESHOLDS:
        # a likely candidate above the threshold stays likely (it lacks a fact)
        chosen = [right for score, right, tier in seen if score >= threshold and tier == "match"]
        print(f"| {threshold:.1f} | {len(chosen)} | {sum(chosen)} | {len(chosen) - sum(chosen)} |")


if __name__ == "__main__":
    main()
