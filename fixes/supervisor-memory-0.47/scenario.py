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

import re
import statistics
from pathlib import Path

from troubleshoot.harness.api import Run, Verdict, harness_error, not_applicable, scenario
from troubleshoot.harness.procs import wait_until

# --workers and --reload both exist since 0.5.0 (--factory since 0.14.0).
RELEASES = ">=0.5.0"
PLATFORMS = ("linux",)

MB = 1024 * 1024
WORKER_FLOOR = 90 * MB
HOLDS, LEAN = 0.6, 0.4


def _rss(pid: int) -> int | None:
    try:
        found = re.search(r"^VmRSS:\s*(\d+)", Path(f"/proc/{pid}/status").read_text(), re.M)
    except OSError:
        return None
    return int(found[1]) * 1024 if found else None


def _measure(run: Run, target: str, *flags: str, workers: int) -> Verdict:
    launch = run.launch_cli(target, *flags, timeout=60)
    if launch.state != "serving":
        # e.g. an old release whose reloader cannot start this app: the trigger is unreachable
        never = f"{launch.what} never served on this release: {launch.tail(3)}"
        return launch.unsupported() or not_applicable(never)
    sizes: list[int] = []

    def all_loaded() -> bool:
        nonlocal sizes
        sizes = [s for pid in launch.workers() if (s := _rss(pid)) is not None]
        return len(sizes) >= workers and min(sizes) >= WORKER_FLOOR

    loaded = wait_until(all_loaded, 30, interval=0.5)
    shown = ", ".join(f"{s // MB} MB" for s in sizes) or "none"
    if not loaded:
        return harness_error(f"workers never held the app: RSS {shown} (need {workers} >= 90 MB)")
    if (parent := _rss(launch.pid)) is None:
        return harness_error("the parent vanished while being measured")
    ratio = parent / statistics.median(sizes)
    what = f"parent RSS {parent // MB} MB, workers {shown}, ratio {ratio:.2f}"
    imports = launch.lines(r"big_app imported in pid|big_factory app created in pid")
    excerpt = "\n".join([*imports[-4:], f"parent pid {launch.pid}: {what}"])
    if ratio >= HOLDS:
        return launch.reproduces("parent-holds-app", f"{what}: the parent imported it", excerpt)
    if ratio <= LEAN:
        return launch.fixed("parent-lean", f"{what}: the parent only supervises", excerpt)
    return harness_error(f"{what}: between {LEAN} and {HOLDS}, no verdict")


@scenario("workers")
def workers(run: Run) -> Verdict:
    return _measure(run, "big_app:app", "--workers", "2", workers=2)


@scenario("reload")
def reload(run: Run) -> Verdict:
    return _measure(run, "big_app:app", "--reload", workers=1)


@scenario("fix-factory")
def fix_factory(run: Run) -> Verdict:
    return _measure(run, "big_factory:create_app", "--factory", "--workers", "2", workers=2)
