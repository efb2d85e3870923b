"""Every repro, against the bundled reference server: ``fixed``, or ``not-applicable`` with
the reason when the class concerns a component the reference server does not model
(httptools, gunicorn, a third-party event loop, uvicorn's own Python API)."""

from __future__ import annotations

import pytest

from tests.harness.conftest import FIXES, repro_ids
from troubleshoot.harness.runner import _skip_reason, load_repro, run_repro
from troubleshoot.harness.servers import ServerSpec

CASES = [(entry, scen.name) for entry in repro_ids() for scen in load_repro(FIXES, entry).scenarios]


# The classes the reference server exists to get right: always `fixed` there.
SEEDS = {
    "app-instance-with-workers-or-reload",
    "ssl-with-reload-crash",
    "windows-reload-permissionerror-after-crash",
    "reloader-only-reloads-once-debugger",
    "programmatic-reload-without-main-guard",
}


def test_every_seed_entry_has_a_repro() -> None:
    assert set(repro_ids()) >= SEEDS


@pytest.mark.parametrize(("entry", "scenario"), CASES, ids=[f"{e}:{s}" for e, s in CASES])
def test_reference_server_is_fixed(entry: str, scenario: str) -> None:
    """``fixed``, or ``not-applicable`` for exactly the reason the repro declares: its
    scenario's ``requires`` on the reference server, or the platforms it runs on. A run
    that ends not-applicable for any other reason (a crash read as a skip) fails."""
    repro = load_repro(FIXES, entry)
    spec = ServerSpec("reference")
    [result] = run_repro(repro, spec, only=scenario)
    assert result.server == "reference"
    verdict = result.verdict
    if verdict.outcome == "not-applicable" and entry not in SEEDS:
        scen = next(s for s in repro.scenarios if s.name == scenario)
        declared = {_skip_reason(repro, spec), scen.requires(spec) if scen.requires else None}
        assert verdict.reason in declared - {None}, f"not a declared reason: {verdict}"
    else:
        assert verdict.outcome == "fixed", verdict
