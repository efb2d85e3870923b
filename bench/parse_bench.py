"""Time the paste parser on the sample pastes and on a 50 MB synthetic paste.

Run: python bench/parse_bench.py [--mb 50]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from pathlib import Path

from troubleshoot.parse import parse_paste

SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "parse" / "samples"


def best_of(text: str, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        parse_paste(text)
        best = min(best, time.perf_counter() - start)
    return best


def synthetic(megabytes: int) -> str:
    """Realistic mix: access logs, reload warnings, tracebacks, a group, a rich box."""
    block = "".join(path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt")))
    access = 'INFO:     10.0.0.7:51234 - "GET /api/items?page=2 HTTP/1.1" 200 OK\n' * 200
    unit = access + block
    return unit * (megabytes * 1_000_000 // len(unit) + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=int, default=50, help="size of the synthetic paste")
    args = parser.parse_args()

    print(f"{'sample':32} {'lines':>6} {'best ms':>9}")
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        ms = best_of(text, 50) * 1000
        print(f"{path.name:32} {text.count(chr(10)):>6} {ms:>9.3f}")

    text = synthetic(args.mb)
    lines = text.count("\n")
    tracemalloc.start()
    start = time.perf_counter()
    parsed = parse_paste(text)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = len(text.encode()) / 1e6
    print(
        f"\nsynthetic: {size:.1f} MB, {lines:,} lines: {elapsed:.2f} s "
        f"({lines / elapsed:,.0f} lines/s, {size / elapsed:.1f} MB/s); "
        f"peak extra memory {peak / 1e6:.0f} MB (under tracemalloc, which slows parsing)"
    )
    print(
        f"kept {len(parsed.exceptions)} exceptions, {len(parsed.log_events)} log events, "
        f"{len(parsed.text) / 1e6:.1f} MB of text; notes: {list(parsed.notes)}"
    )
    start = time.perf_counter()
    parse_paste(text)
    print(f"again without tracemalloc: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
