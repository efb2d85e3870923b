"""Harness results as evidence: recorded, validated against stated boundaries, shown."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ENTRY_A, run_doctor, write_kb
from troubleshoot.evidence import record_evidence
from troubleshoot.harness.runner import Result
from troubleshoot.harness.verdict import Verdict


def _result(version: str, outcome: str) -> Result:
    verdict = Verdict(outcome, "pickle-error", "why", "AttributeError: Can't pickle local object")  # type: ignore[arg-type]
    return Result(
        "alpha-pickle", "workers", "uvicorn", version, "3.8.18", "linux-x86_64", verdict, 0.1
    )


VERIFIED = ENTRY_A.replace(
    'specifier = ">=0.10.1,<0.10.6"', 'specifier = ">=0.10.1,<0.10.6"\nstatus = "verified"'
)


def test_show_renders_recorded_runs(tmp_path: Path) -> None:
    kb = write_kb(tmp_path, {"alpha-pickle": VERIFIED})
    record_evidence(
        kb / "evidence",
        "alpha-pickle",
        [_result("0.10.5", "reproduces").evidence(), _result("0.10.6", "fixed").evidence()],
    )
    env = {"DOCTOR_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "160"}
    assert run_doctor("--kb-dir", str(kb), "kb", "validate", env=env).returncode == 0
    shown = run_doctor("--kb-dir", str(kb), "show", "alpha-pickle", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "0.10.5" in shown.stdout and "reproduces" in shown.stdout
    assert "0.10.6" in shown.stdout and "fixed" in shown.stdout
    assert "linux-x86_64" in shown.stdout


def test_verified_range_needs_a_reproducing_run_inside_it(tmp_path: Path) -> None:
    kb = write_kb(tmp_path, {"alpha-pickle": VERIFIED})
    # reproduces, but outside the stated range: not evidence for it
    record_evidence(
        kb / "evidence",
        "alpha-pickle",
        [_result("0.5.0", "reproduces").evidence(), _result("0.10.6", "fixed").evidence()],
    )
    env = {"DOCTOR_CACHE_DIR": str(tmp_path / "cache")}
    result = run_doctor("--kb-dir", str(kb), "kb", "validate", env=env)
    assert result.returncode == 1
    assert "affected[0].status" in result.stderr
    assert "no evidence shows a release in >=0.10.1,<0.10.6" in result.stderr
