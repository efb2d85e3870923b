"""Benchmark for `doctor check-env` (issue 2): wall time against `pip list --format=json`.

Both commands inspect the installed distributions of the same interpreter (the
one running this script) and print JSON. They run interleaved (the order
alternates each round, so drift and cache effects hit both alike) after one
untimed warm-up each; the warm-up also compiles the KB cache, so timed runs
measure what a CI job sees on every invocation after the first. pip runs with
--disable-pip-version-check so its number is its own work, not a network call.

Target: doctor's median at most 0.5x pip's median.

Usage: python bench/check_env_bench.py [--runs N] [--kb-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 0.5


def doctor_command() -> list[str]:
    script = Path(sys.executable).parent / ("doctor.exe" if os.name == "nt" else "doctor")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "troubleshoot"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, bytes]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, cwd=REPO, timeout=300, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # check-env exits 1 when it finds something: still valid
        sys.exit(f"{cmd} failed ({proc.returncode}):\n{proc.stderr.decode(errors='replace')}")
    return elapsed, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--kb-dir", help="KB to check against (default: the repository's kb/)")
    args = parser.parse_args()

    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    if args.kb_dir:
        env["DOCTOR_KB_DIR"] = str(Path(args.kb_dir).resolve())
    doctor = [*doctor_command(), "check-env", "--format", "json"]
    pip = [sys.executable, "-m", "pip", "list", "--format=json", "--disable-pip-version-check"]

    _, doctor_out = timed(doctor, env)  # warm-up: compiles the KB cache if needed
    _, pip_out = timed(pip, env)
    report = json.loads(doctor_out)
    listed = len(json.loads(pip_out))

    times: dict[str, list[float]] = {"doctor": [], "pip": []}
    for round_ in range(args.runs):
        order = [("doctor", doctor), ("pip", pip)]
        if round_ % 2:
            order.reverse()
        for name, cmd in order:
            times[name].append(timed(cmd, env)[0])

    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = med["doctor"] / med["pip"]
    print(
        f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; {listed} distributions installed; "
        f"{report['summary']['entries_checked']} KB entries; {args.runs} interleaved runs"
    )
    print(f"doctor: {' '.join(doctor)}")
    print(f"pip:    {' '.join(pip)}")
    print()
    print("| command | median ms | min ms | max ms |")
    print("|---|---|---|---|")
    for name in ("doctor", "pip"):
        v = times[name]
        print(f"| {name} | {med[name] * 1000:.0f} | {min(v) * 1000:.0f} | {max(v) * 1000:.0f} |")
    print()
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"ratio doctor/pip (medians): {ratio:.2f}x; {verdict} the target of {TARGET}x")


if __name__ == "__main__":
    main()
