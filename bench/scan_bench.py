"""Benchmark for `doctor scan` (issue 7): scan time on a large tree of real code vs the floor.

The tree is the site-packages of a throwaway virtual environment with pip, rich,
httpx, ... installed (hundreds of thousands of lines nobody here wrote). The
floor is what any AST-based scanner must pay: a plain script that reads every
``*.py`` file of the same tree and ``ast.parse``s it. Both run as separate
processes, interleaved (floor, scan, floor, scan, ...) after one warm-up run of
each, so the page cache and machine load affect both alike. Target: scan wall
time at most 1.5x the floor (median of the runs).

Usage:
    python bench/scan_bench.py [--runs N] [--venv DIR] [--tree DIR]

``--venv`` reuses (or creates) the virtual environment there; ``--tree`` scans
a folder you name instead and installs nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = [
    "pip", "rich", "httpx", "fastapi", "pydantic", "sqlalchemy", "jinja2", "click",
    "requests", "starlette", "anyio", "pygments", "markdown-it-py", "packaging",
    "setuptools", "uvicorn",
]  # fmt: skip

FLOOR = """
import ast, os, sys
count = 0
for root, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith(".py"):
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                data = handle.read()
            try:
                ast.parse(data, path)
            except (SyntaxError, ValueError):
                pass
            count += 1
print(count)
"""


def make_venv(venv: Path) -> Path:
    if not (venv / "pyvenv.cfg").is_file():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *PACKAGES],
        check=True,
    )
    out = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(out.stdout.strip())


def tree_size(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for root, _dirs, names in os.walk(tree):
        for name in names:
            if name.endswith(".py"):
                files += 1
                with open(os.path.join(root, name), "rb") as handle:
                    lines += handle.read().count(b"\n")
    return files, lines


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child): CPU time is steadier on a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=False, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--venv", type=Path, default=None)
    parser.add_argument("--tree", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as tmp:
        tree = args.tree or make_venv(args.venv or Path(tmp) / "venv")
        files, lines = tree_size(tree)
        env = os.environ | {
            "PYTHONPATH": str(REPO),
            "DOCTOR_KB_DIR": str(REPO / "kb"),
            "DOCTOR_CACHE_DIR": str(Path(tmp) / "cache"),
        }
        floor = [sys.executable, "-c", FLOOR, str(tree)]
        scan = [
            sys.executable, "-m", "troubleshoot", "scan", str(tree),
            "--uvicorn-version", "0.54.0", "--format", "json", "--output", os.devnull,
        ]  # fmt: skip
        timed(floor, env)  # warm-up: page cache, KB compilation
        timed(scan, env)
        floors, scans = [], []
        for _ in range(args.runs):
            floors.append(timed(floor, env))
            scans.append(timed(scan, env))
    print(f"python {platform.python_version()} on {platform.platform()}, {os.cpu_count()} CPUs")
    print(f"tree: {tree} ({files} .py files, {lines} lines)")
    print(f"runs: {args.runs}, interleaved, after one warm-up run each")
    print(f"{'':26}{'median':>9}{'min':>9}{'max':>9}")
    ratios = []
    for what, index in (("wall", 0), ("cpu", 1)):
        for label, runs in (("floor (read+ast.parse)", floors), ("doctor scan (CLI)", scans)):
            values = [run[index] for run in runs]
            print(
                f"{label + ' ' + what:26}{statistics.median(values):>8.2f}s"
                f"{min(values):>8.2f}s{max(values):>8.2f}s"
            )
        ratio = statistics.median(r[index] for r in scans) / statistics.median(
            r[index] for r in floors
        )
        ratios.append(ratio)
        print(f"scan / floor, {what} medians: {ratio:.2f}x (target <= 1.5x)")
    print("OK" if max(ratios) <= 1.5 else "OVER TARGET")


if __name__ == "__main__":
    main()
