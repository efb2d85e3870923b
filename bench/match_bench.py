"""Benchmarks for `doctor paste-traceback` (issue 2).

1. In-process match time (parse + candidate lookup + scoring) on the seed pastes,
   with the real KB and with a generated KB of 10,000 entries. Targets: < 5 ms
   and < 50 ms per paste. KB compilation and opening are measured separately.
2. CLI wall time of `doctor paste-traceback --json < paste` against
   `python -c "import typer"`, run interleaved. Target: at most 2x.

Usage: python bench/match_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from troubleshoot.config import Settings  # noqa: E402
from troubleshoot.diagnose import diagnose  # noqa: E402
from troubleshoot.kbstore import Store, ensure_db  # noqa: E402

TYPES = [
    "TypeError",
    "ValueError",
    "RuntimeError",
    "AttributeError",
    "KeyError",
    "OSError",
    "ImportError",
    "ModuleNotFoundError",
    "PermissionError",
    "ConnectionResetError",
    "h11._util.LocalProtocolError",
    "ssl.SSLError",
    "asyncio.CancelledError",
    "NotImplementedError",
    "FileNotFoundError",
    "UnicodeDecodeError",
    "IndexError",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "tre",
    "son",
    "vel",
    "dar",
    "qui",
    "pen",
    "rux",
    "zo",
    "fal",
    "gri",
    "hap",
    "jen",
    "nor",
    "pli",
    "sta",
    "tor",
    "wex",
]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def generate_kb(root: Path, count: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    entries = root / "kb" / "entries"
    entries.mkdir(parents=True)
    for i in range(count):
        words = " ".join(_word(rng) for _ in range(4))
        log_words = " ".join(_word(rng) for _ in range(3))
        exc_type = rng.choice(TYPES).replace(".", "\\\\.")  # a TOML-escaped regex dot
        (entries / f"gen-{i:05d}.toml").write_text(
            f'''
id = "gen-{i:05d}"
title = "Generated failure {i}"
package = "uvicorn"
kind = "version-bug"
severity = "medium"
tags = ["generated", "{rng.choice(["reload", "workers", "ssl", "http"])}"]
summary = "Generated entry {i}: {words}."
mechanism = "Synthetic."
fixed_in = "0.{rng.randint(11, 50)}.0"
unverifiable = "Generated for the benchmark: no release run stands behind it."

[[affected]]
package = "uvicorn"
specifier = "<0.{rng.randint(11, 50)}.0"

[[signatures]]
id = "exc"
kind = "exception"
exc_type = "{exc_type}"
message = "{words}"
weight = 0.85

[[signatures]]
id = "log"
kind = "log"
pattern = "{log_words} (failed|stopped)"
weight = 0.6

[[signatures]]
id = "frame"
kind = "frame"
module = '^uvicorn\\.{_word(rng)}'
weight = 0.2

[[fixes]]
type = "upgrade"
title = "Upgrade"
body = "Upgrade."

[upstream]
issues = [{i + 1}]
''',
            encoding="utf-8",
        )
    return root / "kb"


def seed_pastes() -> list[Path]:
    return sorted((REPO / "tests" / "corpus" / "pastes").glob("*/*.txt"))


def time_matches(store: Store, pastes: list[str], rounds: int) -> list[float]:
    per_paste = []
    for text in pastes:
        diagnose(text, store, use_environment=False)  # warm caches (regex compile)
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            diagnose(text, store, use_environment=False)
            samples.append(time.perf_counter() - start)
        per_paste.append(statistics.median(samples))
    return per_paste


def in_process(rounds: int) -> None:
    pastes = [p.read_text(encoding="utf-8") for p in seed_pastes()]
    print(f"## In-process match time ({len(pastes)} seed pastes, median of {rounds} per paste)")
    real = Settings.resolve()
    t0 = time.perf_counter()
    ensure_db(real, force=True)
    build_real = time.perf_counter() - t0
    real_times = time_matches(Store.open(real), pastes, rounds)
    with tempfile.TemporaryDirectory() as tmp:
        kb = generate_kb(Path(tmp), 10_000)
        big = Settings.resolve(kb, Path(tmp) / "kb.db")
        t0 = time.perf_counter()
        ensure_db(big)
        build_big = time.perf_counter() - t0
        t0 = time.perf_counter()
        store = Store.open(big)
        open_big = time.perf_counter() - t0
        big_times = time_matches(store, pastes, rounds)
    for label, times, target, build in (
        ("real KB", real_times, 5, build_real),
        ("10,000-entry KB", big_times, 50, build_big),
    ):
        print(
            f"- {label}: median {statistics.median(times) * 1e3:.2f} ms, "
            f"max {max(times) * 1e3:.2f} ms per paste (target < {target} ms); "
            f"compile {build:.2f} s (once per source change)"
        )
    print(f"- opening the 10,000-entry DB (hash check included): {open_big * 1e3:.1f} ms")


def cli_wall(runs: int) -> None:
    pastes = seed_pastes()
    paste = pastes[0] if pastes else REPO / "examples" / "ssl-reload-0.7.2.txt"
    # As after `pip install`, which byte-compiles: let the warm-up run write .pyc files.
    env = {**os.environ, "DOCTOR_CACHE_DIR": tempfile.mkdtemp()}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    doctor = [sys.executable, "-m", "troubleshoot", "paste-traceback", "--json", "--no-env"]
    baseline = [sys.executable, "-c", "import typer"]
    subprocess.run(doctor, stdin=paste.open("rb"), capture_output=True, env=env, check=False)
    ours, base = [], []
    for _ in range(runs):  # interleaved, so load on the machine hits both alike
        for cmd, sink in ((doctor, ours), (baseline, base)):
            with paste.open("rb") as fh:
                start = time.perf_counter()
                subprocess.run(cmd, stdin=fh, capture_output=True, env=env, check=False)
                sink.append(time.perf_counter() - start)
    o, b = statistics.median(ours), statistics.median(base)
    print(f"## CLI wall time, median of {runs} interleaved runs ({paste.name})")
    print(f"- doctor paste-traceback --json: {o * 1e3:.1f} ms")
    print(f"- python -c 'import typer': {b * 1e3:.1f} ms")
    print(f"- ratio: {o / b:.2f}x (target <= 2x)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    in_process(args.runs)
    cli_wall(args.runs)


if __name__ == "__main__":
    main()
