"""supervisor-memory-0.47: the reload/workers parent holds a copy of the app.

``big_app`` allocates about 100 MB while being imported. The server runs it
with ``--workers 2`` (``workers``) or ``--reload`` (``reload``); once every
worker holds the app, the resident set size (``VmRSS`` from ``/proc``) of the
parent is compared with the median of its workers'. The ratio decides, with a
wide gap between the two verdicts so noise cannot flip it:

- ``reproduces`` (kind ``parent-holds-app``): the parent is at least 0.6 times
  as large as a worker: it imported the app itself;
- ``fixed`` (kind ``parent-lean``): at most 0.4 times: it only supervises;
- in between, or workers that never reach 90 MB: a harness error (the
  measurement did not work, whatever the release does).

``fix-factory`` is the workaround for the affected releases: the same 100 MB
allocated by a factory (``--factory``), which the parent imports but never calls.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from troubleshoot.harness.api import Proc, Run, Verdict, fixed, harness_error, not_applicable, reproduces, scenario
from troubleshoot.harness.procs import wait_until

# --workers and --reload both exist since 0.5.0 (--factory since 0.14.0).
RELEASES = ">=0.5.0"
PLATFORMS = ("linux",)

MB = 1024 * 1024
WORKER_FLOOR = 90 * MB
HOLDS, LEAN = 0.6, 0.4


def _rss(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return None


def _measure(run: Run, target: str, *flags: str, workers: int) -> Verdict:
    port = run.port()
    proc = run.start_cli(target, *flags, "--host", "127.0.0.1", "--port", str(port))
    run.step(f"waiting for {workers} worker(s) of {target} {' '.join(flags)} to serve")
    if not run.wait_serving(proc, port, timeout=60):
        text = proc.output()
        if (reason := run.unsupported(text)) is not None:
            return not_applicable(reason)
        # e.g. an old release whose reloader cannot start this app: the trigger is unreachable
        return not_applicable(f"{target} {' '.join(flags)} never served on this release: {_tail(text)}")

    sizes: list[int] = []

    def all_loaded() -> bool:
        nonlocal sizes
        sizes = [s for pid in run.workers(proc) if (s := _rss(pid)) is not None]
        return len(sizes) >= workers and min(sizes) >= WORKER_FLOOR

    if not wait_until(all_loaded, 30, interval=0.5):
        return harness_error(f"workers never held the app: RSS {_show(sizes)} (need {workers} >= 90 MB)")
    parent = _rss(proc.pid)
    if parent is None:
        return harness_error("the parent vanished while being measured")
    worker = statistics.median(sizes)
    ratio = parent / worker
    excerpt = _excerpt(proc, parent, sizes, ratio)
    what = f"parent RSS {parent // MB} MB, workers {_show(sizes)}, ratio {ratio:.2f}"
    if ratio >= HOLDS:
        return reproduces("parent-holds-app", f"{what}: the parent imported the app too", excerpt)
    if ratio <= LEAN:
        return fixed("parent-lean", f"{what}: the parent only supervises", excerpt)
    return harness_error(f"{what}: between {LEAN} and {HOLDS}, no verdict")


def _excerpt(proc: Proc, parent: int, sizes: list[int], ratio: float) -> str:
    imports = proc.lines(r"big_app imported in pid|big_factory app created in pid")
    return "\n".join(
        [
            *imports[-4:],
            f"parent pid {proc.pid}: VmRSS {parent // MB} MB; workers: {_show(sizes)}; ratio {ratio:.2f}",
        ]
    )


def _show(sizes: list[int]) -> str:
    return ", ".join(f"{s // MB} MB" for s in sizes) or "none"


def _tail(text: str) -> str:
    return " | ".join(text.strip().splitlines()[-3:])


@scenario("workers")
def workers(run: Run) -> Verdict:
    return _measure(run, "big_app:app", "--workers", "2", workers=2)


@scenario("reload")
def reload(run: Run) -> Verdict:
    return _measure(run, "big_app:app", "--reload", workers=1)


@scenario("fix-factory")
def fix_factory(run: Run) -> Verdict:
    return _measure(run, "big_factory:create_app", "--factory", "--workers", "2", workers=2)
