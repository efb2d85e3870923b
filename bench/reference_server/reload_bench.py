"""Reload: time from a saved change to the new code being served, and failed requests
during reloads, for reference_server --reload vs uvicorn --reload (default settings:
both stat-poll every 0.25 s unless uvicorn finds watchfiles; the venv has none).

Usage: python bench/reference_server/reload_bench.py PYTHON [--changes N] [--load-reloads K]
Runs are interleaved (reference, uvicorn, reference, ...) because the machine is shared.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from common import free_port, machine, server_argv, start, stop, wait_port

APP = """
VERSION = {version!r}

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body = VERSION.encode()
    await send({{"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", str(len(body)).encode())]}})
    await send({{"type": "http.response.body", "body": body}})
"""


def write_app(folder: Path, version: str) -> None:
    (folder / "reloadable.py").write_text(APP.format(version=version))


def get(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
    if not data.startswith(b"HTTP/1.1 200"):
        raise OSError(f"bad response {data[:40]!r}")
    return data


def change_to_served(port: int, folder: Path, version: str) -> tuple[float, int]:
    """Save a change, then poll (new connection each, back to back) until it is served."""
    errors = 0
    write_app(folder, version)
    started = time.perf_counter()
    deadline = started + 30
    while time.perf_counter() < deadline:
        try:
            if get(port).endswith(version.encode()):
                return time.perf_counter() - started, errors
        except OSError:
            errors += 1
            time.sleep(0.002)
    raise RuntimeError(f"{version} not served within 30 s")


def wrk_errors(output: str) -> tuple[int, int]:
    total = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(g) for g in match.groups())
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    return total, errors


def one_server(kind: str, python: str, changes: int, load_reloads: int) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix=f"reload-{kind}-"))
    write_app(folder, "v0")
    port = free_port()
    argv = server_argv(
        kind,
        python,
        port,
        "reloadable:app",
        "--reload",
        "--log-level",
        "warning",
        "--no-access-log",
    )
    proc = start(argv, folder, folder / "server.log")
    try:
        wait_port(port)
        times, poll_errors = [], 0
        for n in range(1, changes + 1):
            time.sleep(0.6)  # let the previous swap settle; a person does not save at 2 Hz
            seconds, errors = change_to_served(port, folder, f"v{n}")
            times.append(seconds)
            poll_errors += errors
        # failed requests while reloading under load (wrk, 4 connections)
        duration = 2 + 2 * load_reloads
        wrk = subprocess.Popen(
            ["wrk", "-t1", "-c4", f"-d{duration}s", f"http://127.0.0.1:{port}/"],
            stdout=subprocess.PIPE,
            text=True,
        )
        threading.Event().wait(1.0)
        for n in range(load_reloads):
            change_to_served(port, folder, f"load{n}")
            time.sleep(1.0)
        output, _ = wrk.communicate(timeout=duration + 30)
        total, errors = wrk_errors(output)
    finally:
        stop(proc)
    return {"times": times, "poll_errors": poll_errors, "load_total": total, "load_errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("python")
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--load-reloads", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    summary: dict[str, list[dict[str, object]]] = {"reference": [], "uvicorn": []}
    for round_no in range(args.rounds):
        for kind in ("reference", "uvicorn"):
            result = one_server(kind, args.python, args.changes, args.load_reloads)
            summary[kind].append(result)
            times = ", ".join(f"{t * 1000:.0f}" for t in result["times"])  # type: ignore[attr-defined]
            print(
                f"round {round_no + 1} {kind:9} change->served ms: {times}; failed polls "
                f"{result['poll_errors']}; under load: {result['load_errors']} failed of "
                f"{result['load_total']}",
                flush=True,
            )
    print(f"\nmachine: {machine()}")
    print(
        "| server | change→served median ms | p90 ms | failed polls during reloads "
        "| failed / total requests, wrk -c4 during reloads |"
    )
    print("|---|---|---|---|---|")
    for kind, results in summary.items():
        times = sorted(t for r in results for t in r["times"])  # type: ignore[attr-defined]
        p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
        polls = sum(int(r["poll_errors"]) for r in results)  # type: ignore[call-overload]
        errors = sum(int(r["load_errors"]) for r in results)  # type: ignore[call-overload]
        total = sum(int(r["load_total"]) for r in results)  # type: ignore[call-overload]
        print(
            f"| {kind} | {statistics.median(times) * 1000:.0f} | {p90 * 1000:.0f} | {polls} "
            f"| {errors} / {total} |"
        )


if __name__ == "__main__":
    main()
