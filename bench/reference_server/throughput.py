"""Requests/s and p99 latency: reference_server vs uvicorn --http h11 --loop asyncio.

Same app (bench/reference_server/app.py), same interpreter, same load generator (wrk),
one server process each, runs interleaved (ref, uvicorn, ref, ...) because the machine
is shared. Usage: python bench/reference_server/throughput.py PYTHON [--rounds N]
[--duration S] [--connections C]; PYTHON must have uvicorn installed.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from common import HERE, free_port, machine, server_argv, start, stop, wait_port

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def run_wrk(port: int, duration: int, connections: int) -> tuple[float, float, str]:
    argv = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        f"http://127.0.0.1:{port}/",
    ]
    out = subprocess.run(
        argv, capture_output=True, text=True, timeout=duration + 30, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    errors = re.search(r"Socket errors:.*|Non-2xx.*", out)
    return rps, float(value) * UNITS[unit], errors.group(0) if errors else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("python")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float]]] = {"reference": [], "uvicorn": []}
    logs = Path(tempfile.mkdtemp(prefix="bench-"))
    for round_no in range(args.rounds):
        for kind in ("reference", "uvicorn"):
            port = free_port()
            argv = server_argv(
                kind, args.python, port, "app:app", "--no-access-log", "--log-level", "warning"
            )
            proc = start(argv, HERE, logs / f"{kind}-{round_no}.log")
            try:
                wait_port(port)
                run_wrk(port, 2, args.connections)  # warm-up
                rps, p99, errors = run_wrk(port, args.duration, args.connections)
            finally:
                stop(proc)
            results[kind].append((rps, p99))
            print(
                f"round {round_no + 1} {kind:9} {rps:9.0f} req/s  p99 {p99:7.2f} ms {errors}",
                flush=True,
            )
    print(f"\nmachine: {machine()}")
    print("| server | req/s (median of rounds) | p99 ms (median) | runs (req/s) |")
    print("|---|---|---|---|")
    for kind, runs in results.items():
        rps = statistics.median(r for r, _ in runs)
        p99 = statistics.median(p for _, p in runs)
        listing = ", ".join(f"{r:.0f}" for r, _ in runs)
        print(f"| {kind} | {rps:.0f} | {p99:.2f} | {listing} |")
    ref = statistics.median(r for r, _ in results["reference"])
    uvi = statistics.median(r for r, _ in results["uvicorn"])
    print(f"\nratio reference/uvicorn: {ref / uvi:.2f}x")


if __name__ == "__main__":
    main()
