"""The seed entries against real uvicorn releases at each boundary (PyPI installs).

Boundaries come from `doctor bisect` runs recorded in kb/evidence/; each case is
the last broken or the first fixed release of a change the bisect found.
"""

from __future__ import annotations

import pytest

from tests.harness.conftest import FIXES
from troubleshoot.harness.runner import load_repro, run_repro
from troubleshoot.harness.servers import ServerSpec

pytestmark = pytest.mark.pypi

# (entry, scenario, release, outcome, kind)
BOUNDARIES = [
    # uvicorn #478: spawn from 0.10.1 makes the object unpicklable; 0.10.6 exits cleanly
    ("app-instance-with-workers-or-reload", "workers", "0.10.0", "fixed", "serves-with-workers"),
    ("app-instance-with-workers-or-reload", "workers", "0.10.1", "reproduces", "pickle-error"),
    ("app-instance-with-workers-or-reload", "workers", "0.10.3", "reproduces", "pickle-error"),
    (
        "app-instance-with-workers-or-reload",
        "workers",
        "0.10.4",
        "reproduces",
        "warning-then-pickle-error",
    ),
    (
        "app-instance-with-workers-or-reload",
        "workers",
        "0.10.5",
        "reproduces",
        "warning-then-pickle-error",
    ),
    ("app-instance-with-workers-or-reload", "workers", "0.10.6", "fixed", "clean-error"),
    ("app-instance-with-workers-or-reload", "reload", "0.5.0", "reproduces", "pickle-error"),
    (
        "app-instance-with-workers-or-reload",
        "reload",
        "0.5.1",
        "fixed",
        "warning-serves-without-reload",
    ),
    # uvicorn #352 (pickled SSLContext) then #374 (Config.ssl read before load())
    ("ssl-with-reload-crash", "ssl-reload", "0.5.0", "reproduces", "pickle-sslcontext"),
    ("ssl-with-reload-crash", "ssl-reload", "0.7.2", "reproduces", "pickle-sslcontext"),
    ("ssl-with-reload-crash", "ssl-reload", "0.7.3", "reproduces", "config-no-ssl"),
    ("ssl-with-reload-crash", "ssl-reload", "0.8.0", "reproduces", "config-no-ssl"),
    ("ssl-with-reload-crash", "ssl-reload", "0.8.1", "fixed", "serves-and-reloads"),
    ("ssl-with-reload-crash", "plain-reload", "0.7.2", "fixed", "serves-and-reloads"),
    ("ssl-with-reload-crash", "plain-reload", "0.7.3", "reproduces", "config-no-ssl"),
    # uvicorn #1045 / #949: no release detects the missing main guard
    (
        "programmatic-reload-without-main-guard",
        "reload",
        "0.5.0",
        "reproduces",
        "bootstrap-runtimeerror",
    ),
    (
        "programmatic-reload-without-main-guard",
        "workers",
        "0.10.0",
        "fixed",
        "serves",
    ),
    (
        "programmatic-reload-without-main-guard",
        "workers",
        "0.10.1",
        "reproduces",
        "bootstrap-runtimeerror",
    ),
]


@pytest.mark.parametrize(
    ("entry", "scenario", "version", "outcome", "kind"),
    BOUNDARIES,
    ids=[f"{e}:{s}@{v}" for e, s, v, _, _ in BOUNDARIES],
)
def test_release_boundary(entry: str, scenario: str, version: str, outcome: str, kind: str) -> None:
    [result] = run_repro(load_repro(FIXES, entry), ServerSpec("uvicorn", version), only=scenario)
    skip_if_no_interpreter(result.verdict.reason)
    assert (result.verdict.outcome, result.verdict.kind) == (outcome, kind), result.verdict


def skip_if_no_interpreter(reason: str) -> None:
    """A machine without that release's Python cannot check it: say so, do not fail."""
    if reason.startswith("no Python "):
        pytest.skip(reason)


def test_newest_release_runs() -> None:
    """The newest release (0.54.0 when recorded) still has no main-guard detection."""
    [result] = run_repro(
        load_repro(FIXES, "programmatic-reload-without-main-guard"),
        ServerSpec("uvicorn", "0.54.0"),
        only="reload",
    )
    skip_if_no_interpreter(result.verdict.reason)
    assert result.verdict.outcome == "reproduces", result.verdict


@pytest.mark.parametrize(
    "entry", ["windows-reload-permissionerror-after-crash", "reloader-only-reloads-once-debugger"]
)
def test_unrunnable_entries_say_why(entry: str) -> None:
    results = run_repro(load_repro(FIXES, entry), ServerSpec("uvicorn", "0.11.8"))
    for result in results:
        assert result.verdict.outcome == "not-applicable"
        assert len(result.verdict.reason.split()) > 8
