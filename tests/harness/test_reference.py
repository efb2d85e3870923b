"""Every repro, against the bundled reference server: ``fixed``, or ``not-applicable`` with
the reason when the class concerns a component the reference server does not model
(httptools, gunicorn, a third-party event loop, uvicorn's own Python API)."""

from __future__ import annotations

import pytest

from tests.harness.conftest import FIXES, repro_ids
from troubleshoot.harness.runner import load_repro, run_repro
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
    [result] = run_repro(load_repro(FIXES, entry), ServerSpec("reference"), only=scenario)
    assert result.server == "reference"
    verdict = result.verdict
    if verdict.outcome == "not-applicable" and entry not in SEEDS:
        assert len(verdict.reason.split()) >= 6, f"say why it does not apply: {verdict}"
    else:
        assert verdict.outcome == "fixed", verdict
