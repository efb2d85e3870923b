"""Time ``Catalog.find`` over a 4,000-line log (target: under ~50 ms for the whole log).

The log is the lines of the repository's real pastes (bench/pastes/**, tests/corpus/
pastes/**: tracebacks, uvicorn and gunicorn logs, JSON logs), repeated and cut to
4,000 lines. Each run calls ``find`` on every line; the figure is the median of the
runs after one warm-up run (which compiles the RE2 patterns of the messages it meets).
Loading the catalog (JSON + index) is timed separately, once, cold. ``--synthetic N``
also times the same log against the catalog plus N generated messages (random
made-up words), to show the cost does not grow with the catalog's size.

Run: python bench/catalog_bench.py [--lines 4000] [--runs 21] [--synthetic 20000]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from troubleshoot.catalog import lookup, model  # noqa: E402
from troubleshoot.catalog import template as tpl  # noqa: E402

SYLLABLES = ["ka", "lo", "mi", "tre", "son", "vel", "dar", "qui", "pen", "rho", "zu", "bex"]


def log_lines(count: int) -> list[str]:
    sources = sorted(
        p
        for folder in (REPO / "bench" / "pastes", REPO / "tests" / "corpus" / "pastes")
        for p in folder.rglob("*")
        if p.is_file() and p.suffix in {".txt", ".log", ""}
    )
    lines = [
        line
        for p in sources
        for line in p.read_text(encoding="utf-8", errors="replace").splitlines()
    ]
    if not lines:
        raise SystemExit("no pastes found")
    return [lines[i % len(lines)] for i in range(count)]


def synthetic(count: int) -> list[model.Message]:
    rng = random.Random(7)
    messages = []
    for index in range(count):
        words = [
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
            for _ in range(rng.randint(3, 7))
        ]
        text = " ".join(words[:2]) + " {} " + " ".join(words[2:])
        parts = tpl.parse(text)
        messages.append(
            model.Message(
                id=f"synthetic:{index}",
                package="synthetic",
                kind="log",
                level="info",
                exc_type=None,
                template=text,
                pattern=tpl.pattern(parts),
                releases=(">=1.0",),
                module="synthetic.py",
                specific=True,
                placeholders=("any",),
            )
        )
    return messages


def time_find(cat: lookup.Catalog, lines: list[str], runs: int) -> tuple[list[float], int, float]:
    start = time.perf_counter()
    found = sum(len(cat.find(line)) for line in lines)  # warm-up: compiles the patterns met
    first = (time.perf_counter() - start) * 1000
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        for line in lines:
            cat.find(line)
        timings.append((time.perf_counter() - start) * 1000)
    return timings, found, first


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--synthetic", type=int, default=0)
    args = parser.parse_args()

    start = time.perf_counter()
    cat = lookup.load(REPO / "kb")
    load_ms = (time.perf_counter() - start) * 1000

    lines = log_lines(args.lines)
    timings, found, first = time_find(cat, lines, args.runs)
    chars = sum(len(line) for line in lines)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.system()} "
        f"{platform.release()}, {platform.python_implementation()} {platform.python_version()}"
    )
    print(f"catalog: {len(cat)} messages, load (cold) {load_ms:.0f} ms")
    print(f"log: {len(lines)} lines, {chars / 1000:.0f} kB, {found} messages found per pass")
    print(f"first pass (compiles the RE2 patterns it needs): {first:.1f} ms")
    report("find over the log", timings, len(lines), args.runs)
    if args.synthetic:
        files = [
            model.CatalogFile("synthetic", "release", ("1.0",), tuple(synthetic(args.synthetic)))
        ]
        bigger = lookup.Catalog(
            [
                *files,
                *(model.read_file(p) for p in sorted((REPO / "kb" / "catalog").glob("*.json"))),
            ]
        )
        timings, found, first = time_find(bigger, lines, args.runs)
        report(
            f"with {args.synthetic} more messages ({len(bigger)})", timings, len(lines), args.runs
        )


def report(what: str, timings: list[float], lines: int, runs: int) -> None:
    median = statistics.median(timings)
    print(
        f"{what}: median {median:.1f} ms, min {min(timings):.1f} ms, "
        f"max {max(timings):.1f} ms ({runs} runs); {median * 1000 / lines:.1f} µs a line"
    )


if __name__ == "__main__":
    main()
