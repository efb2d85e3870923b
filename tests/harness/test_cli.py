"""`doctor repro` through the real entry point."""

from __future__ import annotations

import json

from tests.conftest import run_doctor


def test_repro_json_against_reference_exits_0() -> None:
    result = run_doctor("repro", "programmatic-reload-without-main-guard", "--json", timeout=120)
    assert result.returncode == 0, result.stderr
    runs = json.loads(result.stdout)
    assert all(r["outcome"] == "fixed" and r["server"] == "reference" for r in runs)
    # The failing situations: the reference server refuses them, naming the main guard.
    failing = [r for r in runs if not r["scenario"].startswith("fix-")]
    assert {r["scenario"] for r in failing} == {"reload", "workers"}
    assert all("main guard" in r["excerpt"] for r in failing)
    # The fix scenarios apply the entry's fixes; the reference server serves them.
    assert {r["scenario"] for r in runs} - {"reload", "workers"} == {"fix-main-guard", "fix-cli"}


def test_repro_text_streams_steps_and_prints_evidence() -> None:
    result = run_doctor(
        "repro", "app-instance-with-workers-or-reload", "--scenario", "workers", timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "started script" in result.stderr  # the progress steps
    assert "fixed" in result.stdout and "import string" in result.stdout


def test_bad_server_is_a_user_error() -> None:
    result = run_doctor("repro", "ssl-with-reload-crash", "--server", "gunicorn")
    assert result.returncode == 2
    assert "--server must be 'reference' or 'uvicorn==X.Y.Z'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_entry_is_a_user_error() -> None:
    result = run_doctor("repro", "no-such-entry")
    assert result.returncode == 2
    assert "no repro for 'no-such-entry'" in result.stderr
