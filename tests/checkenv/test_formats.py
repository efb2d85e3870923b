"""Every output format over one report that has every kind of item in it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from troubleshoot.checkenv import check
from troubleshoot.formats import FORMAT_MODULES, FORMAT_NAMES, get_format
from troubleshoot.formats.github import MAX_PER_LEVEL
from troubleshoot.formats.json_format import report_dict
from troubleshoot.reach import Project
from troubleshoot.report.model import Finding, Ignore, Location, Report, Rule
from troubleshoot.report.model import Unevaluated as NotEvaluated
from troubleshoot.scan.model import Launch, Span
from troubleshoot.schema import Entry
from troubleshoot.sources.interface import Package, Snapshot, UndecidedVersion, target_env

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs/schemas/check-env.schema.json").read_text()
)
TODAY = date(2026, 6, 1)


@pytest.fixture
def report(entries: list[Entry]) -> Report:
    """Failing + below-threshold findings, unreached, ignored, expired, unevaluated, a warning."""
    env = target_env(platform="win32", python_version="3.8.10")
    snapshot = Snapshot(
        packages=(
            Package("uvicorn", "0.10.3", "requirements.txt", 4),
            Package("uvicorn", "0.7.0", "constraints.txt", 3),
            Package("h11", "0.7.0", "requirements.txt", 2),
        ),
        unevaluated=(UndecidedVersion("starlette", "not pinned (>=0.1)", "requirements.txt", 5),),
        markers=env,
        sources=("requirements.txt",),
    )
    ignores = [
        Ignore(
            "h11-old", "pinned by a vendor | see TICKET-1", date(2027, 1, 1), "pyproject.toml:9"
        ),
        Ignore("win-reload", "we never reload on Windows", date(2026, 1, 1), "pyproject.toml:10"),
        Ignore("gone-entry", "was renamed"),
    ]
    # The project runs uvicorn with --reload but never with TLS: ssl-reload is not reached.
    launch = Launch(Span("Dockerfile", 12, 1), "cli", "command", "uvicorn app:app --reload")
    project = Project(launches=(replace(launch, options={"reload": True}),), read=(".",))
    result = check(entries, snapshot, project=project, ignores=ignores, today=TODAY)
    # An undecided package that blocks an entry (check() reports it per package, not per entry).
    blocked = NotEvaluated(
        "uvicorn", "editable install", Location("requirements.txt", 7), ("ssl-reload",)
    )
    return replace(result, unevaluated=(*result.unevaluated, blocked))


def test_fixture_has_everything(report: Report) -> None:
    assert {f.entry_id: f.failing for f in report.findings} == {
        "minor-log": False,
        "win-reload": True,  # its ignore expired
    }
    assert [f.entry_id for f in report.unreached] == ["ssl-reload"]
    assert report.setup_entries == ("main-guard", "open-bug")
    assert [i.finding.entry_id for i in report.ignored] == ["h11-old"]
    assert [i.entry_id for i in report.expired_ignores] == ["win-reload"]
    assert report.warnings and report.unevaluated and report.failed


# --- a test per CLI choice, so a new format cannot be forgotten -------------------------------


def cli_format_choices() -> list[str]:
    """The --format choices as the CLI itself advertises them in --help."""
    from typer.testing import CliRunner

    from troubleshoot.cli import app

    help_text = CliRunner().invoke(app, ["check-env", "--help"], env={"COLUMNS": "200"}).stdout
    found = re.search(r"--format <([a-z|]+)>", help_text)
    assert found, help_text
    return found.group(1).split("|")


def test_every_cli_choice_is_a_registered_format() -> None:
    assert cli_format_choices() == list(FORMAT_NAMES)
    assert set(FORMAT_MODULES) == set(FORMAT_NAMES)


@pytest.mark.parametrize("name", cli_format_choices())
def test_every_format_renders_everything(name: str, report: Report) -> None:
    text = get_format(name).render(report)
    assert text.endswith("\n")
    for entry_id in ("minor-log", "win-reload", "ssl-reload"):
        assert entry_id in text, f"{name} lost {entry_id}"
    if name != "junit":  # JUnit reports per entry: the ignored entry is a skipped test case
        assert "h11-old" in text


@pytest.mark.parametrize("name", cli_format_choices())
def test_every_format_through_the_cli(name: str, kb: Path, tmp_path: Path) -> None:
    from tests.checkenv.conftest import cli

    req = tmp_path / "work" / "requirements.txt"
    req.write_text("uvicorn==0.7.0\n", encoding="utf-8")
    out = tmp_path / f"report.{name}"
    result = cli("check-env", "-r", str(req), "--format", name, "--output", str(out))
    assert result.exit_code == 1  # the format never changes the exit status
    assert result.stdout == ""
    assert "ssl-reload" in out.read_text(encoding="utf-8")


# --- json ------------------------------------------------------------------------------------


def test_json_output_matches_the_schema(report: Report) -> None:
    data = json.loads(get_format("json").render(report))
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert data == json.loads(json.dumps(report_dict(report)))
    assert data["unreached"][0]["reach"]["status"] == "not-reached"
    assert data["setup_entries"] == ["main-guard", "open-bug"]
    assert data["failed"] is True and data["summary"]["failing"] == 1
    (ignored,) = data["ignored"]
    assert ignored["ignore"] == {
        "id": "h11-old",
        "reason": "pinned by a vendor | see TICKET-1",
        "expires": "2027-01-01",
        "origin": "pyproject.toml:9",
    }
    assert data["context"]["sys_platform"] == "win32"


def test_the_schema_catches_mistakes(report: Report) -> None:
    data = json.loads(get_format("json").render(report))
    data["findings"][0]["severity"] = "severe"
    del data["summary"]["unreached"]
    data["extra"] = 1
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data))
    assert len(errors) == 3, [e.message for e in errors]


# --- github ----------------------------------------------------------------------------------


def many(n: int, failing: bool = True) -> Report:
    findings = tuple(
        Finding(
            f"bug-{i}",
            "high",
            f"Bug {i}",
            f"uvicorn 0.1 has bug {i}, 100%: bad",
            "Upgrade",
            Location("uv.lock", i + 1),
            failing=failing,
            package="uvicorn",
            version="0.1",
        )
        for i in range(n)
    )
    rules = tuple(Rule(f.entry_id, f.title, f.severity, "version-bug") for f in findings)
    return Report("check-env", "medium", rules, findings)


def test_github_annotations(report: Report) -> None:
    lines = get_format("github").render(report).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert errors == [
        "::error file=requirements.txt,line=4,title=doctor medium%3A win-reload::"
        + next(f for f in report.findings if f.entry_id == "win-reload").message
        + " Reached: it needs no particular configuration. Fix: Upgrade to uvicorn 0.13.3 or later"
    ]
    assert any(line.startswith("::warning title=doctor%3A expired ignore::") for line in lines)
    assert any(line.startswith("::notice ") and "ssl-reload" in line for line in lines)
    assert not any("main-guard" in line and line.startswith("::") for line in lines)
    assert lines[-1].startswith("doctor check-env: ")


@pytest.mark.parametrize("n", [MAX_PER_LEVEL, MAX_PER_LEVEL + 1, 25])
def test_github_caps_each_level_at_ten(n: int) -> None:
    lines = get_format("github").render(many(n)).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == min(n, MAX_PER_LEVEL)
    if n > MAX_PER_LEVEL:
        hidden = n - (MAX_PER_LEVEL - 1)
        assert errors[-1].startswith(f"::error title=doctor%3A {hidden} more::{hidden} more")
        assert f"bug-{n - 1}" in errors[-1]
    assert "100%25: bad" in errors[0]  # data escaping


# --- sarif -----------------------------------------------------------------------------------


def test_sarif_required_fields_and_mapping(report: Report) -> None:
    sarif = json.loads(get_format("sarif").render(report))
    assert sarif["version"] == "2.1.0" and sarif["$schema"].endswith("sarif-2.1.0.json")
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "uvicorn-doctor"
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [r.id for r in report.rules]  # one rule per entry
    assert all(r["shortDescription"]["text"] for r in rules)
    for result in run["results"]:
        assert result["message"]["text"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        for loc in result.get("locations", []):
            assert loc["physicalLocation"]["artifactLocation"]["uri"]
            assert loc["physicalLocation"]["region"]["startLine"] >= 1
    levels = {(r["ruleId"], r["level"], "suppressions" in r) for r in run["results"]}
    assert ("win-reload", "error", False) in levels
    assert ("minor-log", "warning", False) in levels
    assert ("ssl-reload", "note", False) in levels
    assert ("h11-old", "warning", True) in levels
    suppressed = next(r for r in run["results"] if "suppressions" in r)
    assert suppressed["suppressions"][0]["justification"] == "pinned by a vendor | see TICKET-1"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("expired" in n["message"]["text"] for n in notes)


# --- junit -----------------------------------------------------------------------------------


def test_junit_one_case_per_entry(report: Report) -> None:
    root = ET.fromstring(get_format("junit").render(report))
    (suite,) = root.findall("testsuite")
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert list(cases) == [r.id for r in report.rules]
    assert suite.get("tests") == str(len(report.rules))
    assert suite.get("failures") == "1" and cases["win-reload"].find("failure") is not None
    assert cases["h11-old"].find("skipped").get("message").startswith("ignored: pinned")
    assert cases["ssl-reload"].find("skipped").get("message").startswith("not evaluated")
    assert cases["minor-log"].find("failure") is None
    assert "0.11.0" in cases["minor-log"].find("system-out").text
    assert root.get("failures") == "1" and root.get("skipped") == "2"


# --- markdown and text -----------------------------------------------------------------------


def test_markdown(report: Report) -> None:
    text = get_format("markdown").render(report)
    assert text.startswith("## uvicorn-doctor check-env: ❌ failed\n")
    assert "pinned by a vendor \\| see TICKET-1" in text  # pipes escaped in cells
    rows = [line for line in text.splitlines() if line.startswith("| ❌")]
    assert len(rows) == 1 and "win-reload" in rows[0]
    assert "> [!WARNING]" in text and "### Not evaluated" in text
    assert "[minor-log](<https://github.com/Kludex/uvicorn/issues/" in text


def test_text_color_only_when_asked(report: Report) -> None:
    plain = get_format("text").render(report)
    assert "\x1b[" not in plain
    assert "EXPIRED IGNORE: win-reload" in plain and "FAILED:" in plain
    assert "\x1b[" in get_format("text", color=True).render(report)


def test_clean_report_everywhere() -> None:
    empty = Report("check-env", "medium", (Rule("a-b", "A", "low", "misuse"),))
    for name in FORMAT_NAMES:
        text = get_format(name).render(empty)
        assert text.endswith("\n")
    assert "::error" not in get_format("github").render(empty)
    assert "✅ passed" in get_format("markdown").render(empty)
