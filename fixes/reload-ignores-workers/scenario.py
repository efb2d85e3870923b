"""reload-ignores-workers: ``--reload`` with ``--workers 2`` (or ``WEB_CONCURRENCY=2``).

Correct behaviour (``fixed``, kind ``two-workers``): the server runs the two
worker processes it was asked for. The failure (``reproduces``): one server
process under the reloader; kind ``warning`` when uvicorn says
``"workers" flag is ignored when reloading is enabled.`` (0.20.0 and later),
``silent`` when it does not.

``cli-reload-workers`` passes ``--reload --workers 2``; ``env-web-concurrency``
passes ``--reload`` with ``WEB_CONCURRENCY=2`` in the environment (read by
uvicorn since 0.10.0). ``fix-workers-only`` applies the fix for production,
``--workers 2`` without ``--reload``: two workers must serve.

The reference server combines reload with workers on purpose (each generation
of workers is replaced one by one), so it runs the two workers: ``fixed``. It
does not read ``WEB_CONCURRENCY``: ``env-web-concurrency`` is not-applicable there.
"""

from __future__ import annotations

import re
import time

from troubleshoot.harness.api import (
    Proc,
    Run,
    ServerSpec,
    Verdict,
    fixed,
    not_applicable,
    reproduces,
    scenario,
    tail,
)

# --workers exists since 0.2.x; the search starts at 0.12, the first release
# installed with its own dependencies.
RELEASES = ">=0.12.0"

WARNING = r'"workers" flag is ignored when reloading is enabled\.?'


def _worker_count(run: Run, proc: Proc, wanted: int, timeout: float = 8.0) -> int:
    """The most worker children seen while waiting up to ``timeout`` for ``wanted``."""
    most = 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.returncode is None:
        most = max(most, len(run.workers(proc)))
        if most >= wanted:
            break
        time.sleep(0.2)
    return most


def _decide(run: Run, proc: Proc, port: int, what: str) -> Verdict:
    run.step(f"waiting for {what} to serve on port {port}")
    if not run.wait_serving(proc, port, timeout=20):
        text = proc.output()
        if (reason := run.unsupported(text)) is not None:
            return not_applicable(reason)
        return reproduces("other-failure", f"{what}: never served", tail(text))
    run.step("counting worker processes")
    count = _worker_count(run, proc, 2)
    text = proc.output()
    if count >= 2:
        return fixed("two-workers", f"{what}: {count} worker processes serve", tail(text))
    if found := re.search(WARNING, text):
        return reproduces("warning", f"{what}: {count} server process, workers ignored", found[0])
    return reproduces("silent", f"{what}: {count} server process, no warning", tail(text))


def _reads_web_concurrency(spec: ServerSpec) -> str | None:
    if spec.kind == "reference":
        return "the reference server takes the worker count from --workers only (no WEB_CONCURRENCY)"
    return None


def _args(port: int) -> list[str]:
    return ["app:app", "--host", "127.0.0.1", "--port", str(port)]


@scenario("cli-reload-workers")
def cli_reload_workers(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli(*_args(port), "--reload", "--workers", "2")
    return _decide(run, proc, port, "--reload --workers 2")


@scenario("env-web-concurrency", requires=_reads_web_concurrency)
def env_web_concurrency(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli_env(*_args(port), "--reload", WEB_CONCURRENCY="2")
    return _decide(run, proc, port, "--reload with WEB_CONCURRENCY=2")


@scenario("fix-workers-only")
def fix_workers_only(run: Run) -> Verdict:
    port = run.port()
    proc = run.start_cli(*_args(port), "--workers", "2")
    return _decide(run, proc, port, "--workers 2 (no --reload)")
