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

from troubleshoot.harness.api import Launch, Run, Verdict, scenario, uvicorn_only

# --workers exists since 0.2.x; the search starts at 0.12, the first release
# installed with its own dependencies.
RELEASES = ">=0.12.0"

WARNING = r'"workers" flag is ignored when reloading is enabled\.?'


def _decide(launch: Launch, env: str = "") -> Verdict:
    if not launch.serves():
        return launch.verdict()
    count = len(launch.workers(2, timeout=8.0))
    how = launch.what + env
    if count >= 2:
        return launch.fixed("two-workers", f"{how}: {count} worker processes serve")
    if found := launch.find(WARNING):
        return launch.reproduces(
            "warning", f"{how}: {count} server process, workers ignored", found
        )
    return launch.reproduces("silent", f"{how}: {count} server process, no warning")


@scenario("cli-reload-workers")
def cli_reload_workers(run: Run) -> Verdict:
    return _decide(run.launch_cli("app:app", "--reload", "--workers", "2", timeout=20))


@scenario(
    "env-web-concurrency",
    requires=uvicorn_only(
        "the reference server takes the worker count from --workers only (no WEB_CONCURRENCY)"
    ),
)
def env_web_concurrency(run: Run) -> Verdict:
    launch = run.launch_cli("app:app", "--reload", env={"WEB_CONCURRENCY": "2"}, timeout=20)
    return _decide(launch, " with WEB_CONCURRENCY=2")


@scenario("fix-workers-only")
def fix_workers_only(run: Run) -> Verdict:
    return _decide(run.launch_cli("app:app", "--workers", "2", timeout=20))
