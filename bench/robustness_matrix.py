"""Robustness matrix: every corpus positive x every mutation of tests/corpus/mutate.py.

Per mutation: how many pastes it applies to, and how the matcher answers them:
first (the expected entry first, tier match), likely (a likely answer first, the
expected entry among the answers), abstain (nothing reported), missed (only likely
answers, none the expected entry) and WRONG (another entry first, tier match). The
last two fail tests/test_match_robustness.py.

Usage: python bench/robustness_matrix.py [--only TEXT] [--failures] [--category CAT]
  --only TEXT     mutations whose name contains TEXT
  --category CAT  mutations of that category (cut, bare, logger, platform, markdown, terminal)
  --failures      list every failing case (paste path -> what was answered)
  --show CASE     print the mutated text of one case (<entry>/<file>::<mutation>)
  --negatives     also: the negatives and healthy logs, mutated (prompt-command aside),
                  and how many of them get a match or a likely answer
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.corpus.mutate import BY_NAME, CATEGORIES, apply  # noqa: E402
from tests.corpus.robustness import (  # noqa: E402
    KINDS,
    NAMES,
    Case,
    Outcome,
    answers,
    cases,
    positives,
    run,
)
from tests.corpus_util import samples  # noqa: E402
from troubleshoot.config import Settings  # noqa: E402
from troubleshoot.diagnose import diagnose  # noqa: E402
from troubleshoot.kbstore import Store  # noqa: E402

HEADERS = {"first": "first", "likely": "likely", "abstain": "abstain", "shared": "shared"}
HEADERS["missed"] = "missed"
HEADERS["wrong"] = "WRONG"


def table(results: list[tuple[Case, Outcome]], pastes: int) -> list[str]:
    """The matrix: one row per mutation, then one per category, then the total."""
    by_mutation: dict[str, Counter[str]] = defaultdict(Counter)
    by_category: dict[str, Counter[str]] = defaultdict(Counter)
    category: dict[str, str] = {}
    for case, outcome in results:
        by_mutation[case.mutation.name][outcome.kind] += 1
        by_category[case.mutation.category][outcome.kind] += 1
        category[case.mutation.name] = case.mutation.category
    width = max(len(n) for n in by_mutation) + 2

    def row(name: str, cat: str, counts: Counter[str], na: str) -> str:
        applied = sum(counts.values())
        return (
            f"{name:<{width}}{cat:<10}{applied:>8}{na:>6}"
            + "".join(f"{counts[k]:>9}" for k in KINDS)
            + f"{counts['abstain'] / applied:>10.0%}"
        )

    head = (
        f"{'mutation':<{width}}{'category':<10}{'applied':>8}{'n/a':>6}"
        + "".join(f"{HEADERS[k]:>9}" for k in KINDS)
        + f"{'abstain%':>10}"
    )
    rule = "-" * len(head)
    out = [head, rule]
    for name in sorted(by_mutation, key=NAMES.index):
        counts = by_mutation[name]
        out.append(row(name, category[name], counts, str(pastes - sum(counts.values()))))
    out.append(rule)
    total: Counter[str] = Counter()
    for cat in CATEGORIES:
        if cat in by_category:
            total += by_category[cat]
            out.append(row(f"[{cat}]", "", by_category[cat], ""))
    out.append(rule)
    out.append(row("total", "", total, ""))
    applied = sum(total.values())
    bad = total["wrong"] + total["missed"]
    out.append(
        f"accepted {applied - bad} of {applied} ({(applied - bad) / applied:.1%}); "
        f"WRONG {total['wrong']}, missed {total['missed']}"
    )
    return out


def negatives_table(store: Store, only: str, category: str | None) -> list[str]:
    """The negatives and healthy logs, mutated: how many get an answer at all."""
    quiet = samples("negatives") + samples("healthy")
    rows = [f"{'mutation':<24}{'applied':>8}{'matched':>9}{'likely':>8}", "-" * 49]
    for name in NAMES:
        mutation = BY_NAME.get(name)
        if mutation is None or only not in name or category not in (None, mutation.category):
            continue
        applied = matched = likely = 0
        for sample in quiet:
            text = apply(mutation, sample.text)
            if text is None:
                continue
            applied += 1
            got = answers(diagnose(text, store, use_environment=False))
            matched += bool(got) and got[0][1] == "match"
            likely += bool(got) and got[0][1] == "likely"
        rows.append(f"{name:<24}{applied:>8}{matched:>9}{likely:>8}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="")
    parser.add_argument("--category", choices=CATEGORIES)
    parser.add_argument("--failures", action="store_true")
    parser.add_argument("--show")
    parser.add_argument("--negatives", action="store_true")
    args = parser.parse_args()

    selected = [
        c
        for c in cases(positives())
        if args.only in c.mutation.name
        and (args.category is None or c.mutation.category == args.category)
    ]
    if args.show:
        for case in selected:
            if case.id == args.show:
                sys.stdout.write(case.text)
                return
        raise SystemExit(f"no case {args.show!r}")

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Settings.resolve(REPO / "kb", Path(tmp) / "kb.db"))
        started = time.perf_counter()
        results = [(c, run(c, store)) for c in selected]
        elapsed = time.perf_counter() - started
        quiet = negatives_table(store, args.only, args.category) if args.negatives else []
    pastes = {c.paste for c in selected}
    names = {c.mutation.name for c in selected}
    print(
        f"{len(selected)} cases: {len(pastes)} positives x {len(names)}"
        f" mutations (where they apply); {elapsed:.1f} s, "
        f"{1000 * elapsed / max(len(selected), 1):.1f} ms a case"
    )
    print()
    print("\n".join(table(results, len(positives()))))
    if quiet:
        print()
        print("negatives and healthy logs, mutated (a match or a likely answer is a false one):")
        print("\n".join(quiet))
    if args.failures:
        failing = [(c, o) for c, o in results if not o.ok]
        print()
        print(f"failures ({len(failing)}), by mutation:")
        current = None
        for case, outcome in sorted(failing, key=lambda r: (r[0].mutation.name, r[0].paste)):
            if case.mutation.name != current:
                current = case.mutation.name
                print(f"  {current}:")
            print(f"    {case.paste} -> {outcome.describe()}")


if __name__ == "__main__":
    main()
