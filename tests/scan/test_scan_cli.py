"""`doctor scan` on the command line: formats, exit codes, ignores, bad input."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.scan.conftest import BAD, CLEAN, cli
from troubleshoot.formats import FORMAT_NAMES

pytestmark = pytest.mark.usefixtures("real_kb")


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_every_format_renders_scan_findings(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / "report"
    result = cli("scan", str(BAD), "--uvicorn-version", "0.54.0", "--format", fmt, "-o", str(out))
    assert result.exit_code == 1, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "reload-ignores-workers" in text
    if fmt in ("text", "github", "markdown"):
        assert "Procfile:1:6" in text or "line=1,col=6" in text


def test_sarif_results_have_physical_locations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(BAD)
    result = cli("scan", ".", "--uvicorn-version", "0.54.0", "--format", "sarif")
    sarif = json.loads(result.stdout)
    results = sarif["runs"][0]["results"]
    located = [r for r in results if r["ruleId"] == "programmatic-reload-without-main-guard"]
    assert located
    physical = located[0]["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "app/unguarded.py", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 5, "startColumn": 1}
    suppressed = [r for r in results if "suppressions" in r]
    assert suppressed[0]["suppressions"][0]["justification"] == "demo only"


def test_github_annotations_point_at_the_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = cli("scan", "app/unguarded.py", "--uvicorn-version", "0.54.0", "--format", "github")
    assert result.exit_code == 1
    assert "::error file=app/unguarded.py,line=5,col=1,title=" in result.stdout


def test_junit_fails_the_entry_test_case() -> None:
    result = cli("scan", str(BAD / "Procfile"), "--uvicorn-version", "0.54.0", "--format", "junit")
    root = ET.fromstring(result.stdout)
    failed = {c.get("name") for c in root.iter("testcase") if c.find("failure") is not None}
    assert failed == {"reload-ignores-workers"}  # the UvicornWorker one is low: below fail-on


def test_exit_codes() -> None:
    assert cli("scan", str(CLEAN), "--uvicorn-version", "0.54.0").exit_code == 0
    assert cli("scan", str(BAD), "--uvicorn-version", "0.54.0").exit_code == 1
    assert (
        cli("scan", str(BAD), "--uvicorn-version", "0.54.0", "--fail-on", "critical").exit_code == 0
    )
    missing = cli("scan", "no/such/path")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    bad_version = cli("scan", str(CLEAN), "--uvicorn-version", "latest")
    assert bad_version.exit_code == 2 and "--uvicorn-version" in bad_version.stderr
    no_reason = cli("scan", str(CLEAN), "--ignore", "running-event-loop")
    assert no_reason.exit_code == 2 and "reason is required" in no_reason.stderr


def test_ignore_option_and_pyproject_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Procfile").write_text("web: uvicorn m:app --reload --workers 2\n")
    monkeypatch.chdir(tmp_path)
    assert cli("scan", "--uvicorn-version", "0.54.0").exit_code == 1
    ok = cli("scan", "--ignore", "reload-ignores-workers=dev box only", "--format", "json")
    assert ok.exit_code == 0
    assert json.loads(ok.stdout)["ignored"][0]["ignore"]["reason"] == "dev box only"
    (tmp_path / "pyproject.toml").write_text(
        '[tool.doctor]\nignore = [{id = "reload-ignores-workers", reason = "r", '
        'expires = "2000-01-01"}]\n'
    )
    expired = cli("scan", "--format", "json")
    assert expired.exit_code == 1
    assert json.loads(expired.stdout)["expired_ignores"][0]["expires"] == "2000-01-01"
