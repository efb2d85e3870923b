"""Matching time against paste size (issues 11 and 16): is it linear?

Two families of input, each at doubling sizes:

* a development log of ``--reload`` cycles, what a day's scrollback looks like
  (change detected, shutdown lines, ``Process SpawnProcess-N:``, an app traceback,
  start-up lines), from 25 to 1,600 cycles;
* the adversarial shapes issue 16 found: thousands of blank lines before a command
  line, and ``KeyboardInterrupt`` followed by repeated shutdown and Traceback lines;
* near misses built from every KB signature's own pieces: its literal strings
  repeated with filler between them, the input that makes a backtracking engine
  explode (for ``(?:(?!x)[\\s\\S])*?`` shapes, for two lazy gaps in a row).

For each, ``diagnose()`` is timed (best of 3) and the time per KB of paste is
printed; linear matching keeps that figure flat as the size doubles. Writes an SVG
plot with ``--svg FILE``.

Usage: python bench/linear_bench.py [--max-cycles 1600] [--svg bench/linear.svg]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from troubleshoot.config import Settings  # noqa: E402
from troubleshoot.diagnose import diagnose  # noqa: E402
from troubleshoot.kbload import load_kb  # noqa: E402
from troubleshoot.kbstore import Store  # noqa: E402
from troubleshoot.sigkeys import literal_sets  # noqa: E402

CYCLE = """\
WARNING:  WatchFiles detected changes in 'main.py'. Reloading...
INFO:     Shutting down
INFO:     Waiting for application shutdown.
INFO:     Application shutdown complete.
INFO:     Finished server process [{pid}]
Process SpawnProcess-{n}:
Traceback (most recent call last):
  File "/usr/lib/python3.11/multiprocessing/process.py", line 314, in _bootstrap
    self.run()
  File "/venv/lib/python3.11/site-packages/uvicorn/server.py", line 65, in run
    return asyncio.run(self.serve(sockets=sockets))
  File "/home/user/app/main.py", line 7, in <module>
    from .routes import router
ImportError: attempted relative import with no known parent package
INFO:     Started server process [{pid2}]
INFO:     Waiting for application startup.
INFO:     Application startup complete.
"""


def reload_log(cycles: int) -> str:
    head = "INFO:     Will watch for changes in these directories: ['/home/user/app']\n"
    head += "INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)\n"
    head += "INFO:     Started reloader process [100] using WatchFiles\n"
    return head + "".join(
        CYCLE.format(n=n, pid=1000 + n, pid2=2000 + n) for n in range(1, cycles + 1)
    )


STAT_CYCLE = """\
WARNING:  StatReload detected file change in 'main.py'. Reloading...
INFO:     Shutting down
INFO:     Finished server process [{pid}]
INFO:     Started server process [{pid2}]
"""


def stat_reload_log(cycles: int) -> str:
    """The older wording (``Detected file change in``), whose loop signatures scan
    between repeated reload lines."""
    return "INFO:     Started reloader process [100] using StatReload\n" + "".join(
        STAT_CYCLE.format(pid=1000 + n, pid2=2000 + n) for n in range(cycles)
    )


def blank_then_command(cycles: int) -> str:
    """Many blank lines, then a command line: a lazy scan from every line start."""
    return "\n" * (400 * cycles) + "x uvicorn --reload\n"


def interrupt_then_repeats(cycles: int) -> str:
    """KeyboardInterrupt, then repeated shutdown and Traceback lines: nested lazy gaps."""
    return (
        "KeyboardInterrupt\n"
        + "INFO:     Finished server process [1]\n" * (20 * cycles)
        + "Traceback (most recent call last):\n" * (20 * cycles)
    )


def near_miss_pieces() -> list[str]:
    """Every literal piece of every signature pattern of the KB."""
    with tempfile.TemporaryDirectory() as tmp:
        kb = load_kb(Settings.resolve(REPO / "kb", Path(tmp) / "kb.db"))
    pieces: set[str] = set()
    for entry in kb.entries:
        for sig in entry.signatures:
            for pattern in (sig.pattern, sig.message):
                for alt in literal_sets(pattern) if pattern else ():
                    pieces.update(piece for clause in alt for piece in clause)
    return sorted(pieces)


def near_miss(pieces: list[str], repeats: int) -> str:
    """The pieces, each followed by filler and a blank line, ``repeats`` times: every
    signature sees its words again and again and never its whole shape."""
    block = "".join(f"{p} x\n\nKeyboardInterrupt\nTraceback\n" for p in pieces)
    return block * repeats


def best_of(text: str, store: Store, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        diagnose(text, store, use_environment=False)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--max-cycles", type=int, default=1600)
    parser.add_argument("--svg", type=Path, help="write a plot here")
    args = parser.parse_args()
    families = {
        "reload log": reload_log,
        "stat reload log": stat_reload_log,
        "blank lines, then a command": blank_then_command,
        "interrupt, then repeats": interrupt_then_repeats,
    }
    series: dict[str, list[tuple[int, float]]] = {name: [] for name in families}
    series["near misses"] = []
    pieces = near_miss_pieces()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Settings.resolve(REPO / "kb", Path(tmp) / "kb.db"))
        diagnose(reload_log(1), store, use_environment=False)  # warm the store
        cycles = 25
        print("| input | size | lines | time | ms per 100 KB |")
        print("|---|---|---|---|---|")
        while cycles <= args.max_cycles:
            inputs = [(name, make(cycles)) for name, make in families.items()]
            inputs.append(("near misses", near_miss(pieces, max(1, cycles // 25))))
            for name, text in inputs:
                seconds = best_of(text, store)
                size = len(text.encode())
                series[name].append((size, seconds))
                label = f"{name}, size {cycles}"
                print(
                    f"| {label} | {size / 1024:,.0f} KB | {text.count(chr(10)):,} | "
                    f"{seconds * 1000:,.1f} ms | {seconds * 1000 / (size / 102400):.1f} |"
                )
            cycles *= 2
        store.close()
    if args.svg:
        args.svg.write_text(svg(series), encoding="utf-8")
        print(f"wrote {args.svg}")


def svg(series: dict[str, list[tuple[int, float]]]) -> str:
    """A plain line plot of seconds against KB, one polyline per input family."""
    width, height, pad = 640, 400, 50
    max_x = max(x for points in series.values() for x, _ in points)
    max_y = max(y for points in series.values() for _, y in points)
    colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b"]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="black"/>',
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="black"/>',
        f'<text x="{width // 2}" y="{height - 12}" text-anchor="middle">paste size '
        f"(0 to {max_x / 1024:,.0f} KB)</text>",
        f'<text x="14" y="{pad - 16}">time (0 to {max_y * 1000:,.0f} ms)</text>',
    ]
    for (name, points), colour in zip(series.items(), colours, strict=False):
        coords = " ".join(
            f"{pad + x / max_x * (width - 2 * pad):.1f},"
            f"{height - pad - y / max_y * (height - 2 * pad):.1f}"
            for x, y in points
        )
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coords}"/>'
        )
        last_x, last_y = points[-1]
        parts.append(
            f'<text x="{pad + last_x / max_x * (width - 2 * pad) - 120:.0f}" '
            f'y="{height - pad - last_y / max_y * (height - 2 * pad) - 8:.0f}" '
            f'fill="{colour}">{name}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    main()
