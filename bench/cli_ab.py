"""The CLI against another checkout of itself, side by side (issue 11's "no slower").

Runs ``doctor paste-traceback --json --no-env`` from this checkout and from
``--baseline DIR`` (another worktree, e.g. ``git worktree add /tmp/base d4de6fa``),
interleaved, each with its own KB and an empty cache, and prints the medians and the
ratio.

Usage: python bench/cli_ab.py --baseline DIR [--runs 21] [--paste FILE]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PASTE = REPO / "tests" / "corpus" / "pastes" / "address-already-in-use" / "0.54.0-reload.txt"


def command(root: Path) -> tuple[list[str], dict[str, str]]:
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "DOCTOR_CACHE_DIR": tempfile.mkdtemp(),
        "DOCTOR_KB_DIR": str(root / "kb"),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as after `pip install`, which byte-compiles
    return [sys.executable, "-m", "troubleshoot", "paste-traceback", "--json", "--no-env"], env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--baseline", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--paste", type=Path, default=PASTE)
    args = parser.parse_args()
    roots = {"baseline": args.baseline.resolve(), "this checkout": REPO}
    commands = {name: command(root) for name, root in roots.items()}
    times: dict[str, list[float]] = {name: [] for name in roots}
    for name, (cmd, env) in commands.items():  # warm-up: build the DB, write .pyc files
        with args.paste.open("rb") as fh:
            subprocess.run(
                cmd, stdin=fh, capture_output=True, env=env, cwd=roots[name], check=False
            )
    for _ in range(args.runs):
        for name, (cmd, env) in commands.items():
            with args.paste.open("rb") as fh:
                start = time.perf_counter()
                subprocess.run(
                    cmd, stdin=fh, capture_output=True, env=env, cwd=roots[name], check=False
                )
                times[name].append(time.perf_counter() - start)
    base, ours = (statistics.median(times[n]) for n in roots)
    print(f"baseline {base * 1000:.1f} ms, this checkout {ours * 1000:.1f} ms, {ours / base:.2f}x")


if __name__ == "__main__":
    main()
