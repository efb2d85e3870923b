"""The check service: version findings, reach, fail-on, markers, nothing-to-check, ignores."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from troubleshoot.checkenv import check
from troubleshoot.errors import InputError
from troubleshoot.reach import Project
from troubleshoot.report.model import Ignore
from troubleshoot.report.policy import (
    ToolConfig,
    apply_ignores,
    exit_code,
    load_tool_config,
    parse_ignore_option,
)
from troubleshoot.scan.model import Launch, Span
from troubleshoot.schema import Entry
from troubleshoot.sources.interface import Package, Snapshot, UndecidedVersion, target_env

TODAY = date(2026, 6, 1)
LINUX = target_env(platform="linux", python_version="3.11.4")


def snap(*records: Package | UndecidedVersion, env: dict[str, str] = LINUX) -> Snapshot:
    packages = tuple(r for r in records if isinstance(r, Package))
    unevaluated = tuple(r for r in records if isinstance(r, UndecidedVersion))
    return Snapshot(packages, unevaluated, env, ("test",))


def test_affected_version_is_a_finding_with_the_fix(entries: list[Entry]) -> None:
    report = check(entries, snap(Package("uvicorn", "0.7.0", "r.txt", 3)), today=TODAY)
    (finding,) = report.findings
    assert finding.entry_id == "ssl-reload" and finding.severity == "high"
    assert (finding.package, finding.version, finding.fixed_in) == ("uvicorn", "0.7.0", "0.8.1")
    assert finding.fix == "Upgrade to uvicorn 0.8.1 or later"
    assert finding.failing and report.failed and exit_code(report) == 1
    assert str(finding.location) == "r.txt:3"
    assert "uvicorn 0.7.0 (r.txt:3) is affected by ssl-reload" in finding.message
    assert finding.url == "https://github.com/Kludex/uvicorn/issues/100"
    # Only entries a release fixes are version checks.
    assert [r.id for r in report.rules] == ["h11-old", "minor-log", "ssl-reload", "win-reload"]


def test_entries_no_release_fixes_are_not_version_findings(entries: list[Entry]) -> None:
    report = check(entries, snap(Package("uvicorn", "0.30.0", "installed")), today=TODAY)
    assert report.findings == () and report.unreached == ()
    assert report.setup_entries == ("main-guard", "open-bug")
    assert exit_code(report) == 0


def test_nothing_to_check_is_its_own_status(entries: list[Entry]) -> None:
    """No uvicorn version in any source: the gate saw nothing and does not pass (4)."""
    nothing = check(entries, snap(Package("flask", "3.0.0", "r.txt", 1)), today=TODAY)
    assert nothing.blind == "no uvicorn version in test" and exit_code(nothing) == 4
    unpinned = check(
        entries, snap(UndecidedVersion("uvicorn", "not pinned (>=0.5)", "r.txt", 2)), today=TODAY
    )
    assert unpinned.blind is not None and "r.txt:2: not pinned (>=0.5)" in unpinned.blind
    assert exit_code(unpinned) == 4
    # an old h11 is still reported, but the run does not pass on it alone
    old_h11 = check(entries, snap(Package("h11", "0.7.0", "r.txt", 1)), today=TODAY)
    assert [f.entry_id for f in old_h11.failing] == ["h11-old"] and exit_code(old_h11) == 4


def _launch(path: str, line: int, **options: object) -> Launch:
    return Launch(
        Span(path, line, 1), "cli", "command", f"uvicorn app:app {options}", options=options
    )  # type: ignore[arg-type]


def test_reach_decides_whether_an_affected_version_fails(entries: list[Entry]) -> None:
    """ssl-reload needs --reload with TLS in one launch: ruled out, it is listed as unreached."""
    s = snap(Package("uvicorn", "0.7.0", "r.txt", 1))
    reload_only = Project(launches=(_launch("Dockerfile", 3, reload=True),), read=(".",))
    report = check(entries, s, project=reload_only, today=TODAY)
    assert report.findings == () and exit_code(report) == 0
    (unreached,) = report.unreached
    assert unreached.entry_id == "ssl-reload" and not unreached.failing
    assert unreached.reach is not None and unreached.reach.status == "not-reached"
    assert unreached.reach.evidence == (
        "the one launch command found (Dockerfile:3) does not run --reload with "
        "--ssl-certfile/--ssl-keyfile"
    )
    both = Project(
        launches=(
            _launch("Dockerfile", 3, reload=True),
            _launch("Procfile", 1, reload=True, ssl_certfile="c.pem"),
        ),
        read=(".",),
    )
    (finding,) = check(entries, s, project=both, today=TODAY).failing
    assert finding.reach is not None and finding.reach.status == "reached"
    assert finding.reach.evidence.startswith("Procfile:1 runs ")
    # no launch found at all: it cannot be ruled out, so it fails
    (possible,) = check(entries, s, project=Project(read=(".",)), today=TODAY).failing
    assert possible.reach is not None and possible.reach.status == "possible"


def test_fail_on_threshold(entries: list[Entry]) -> None:
    s = snap(Package("uvicorn", "0.10.3", "installed"))
    medium = check(entries, s, today=TODAY)
    assert [(f.entry_id, f.failing) for f in medium.findings] == [("minor-log", False)]
    assert exit_code(medium) == 0
    low = check(entries, s, fail_on="low", today=TODAY)
    assert exit_code(low) == 1
    critical = check(
        entries, snap(Package("uvicorn", "0.7.0", "x")), fail_on="critical", today=TODAY
    )
    assert critical.findings and exit_code(critical) == 0


def test_markers_of_the_target_decide(entries: list[Entry]) -> None:
    uvicorn = Package("uvicorn", "0.12.0", "installed")
    on_linux = check(entries, snap(uvicorn), today=TODAY)
    assert "win-reload" not in {f.entry_id for f in on_linux.findings}
    windows = target_env(LINUX, platform="win32")
    on_windows = check(entries, snap(uvicorn, env=windows), today=TODAY)
    assert "win-reload" in {f.entry_id for f in on_windows.failing}


def test_other_packages_and_multiple_versions(entries: list[Entry]) -> None:
    report = check(
        entries,
        snap(
            Package("h11", "0.7.0", "uv.lock", 10),
            Package("uvicorn", "0.7.0", "uv.lock", 20),
            Package("uvicorn", "0.30.0", "uv.lock", 30),
        ),
        today=TODAY,
    )
    assert {(f.entry_id, f.version) for f in report.findings} == {
        ("h11-old", "0.7.0"),
        ("ssl-reload", "0.7.0"),
    }


def test_unpinned_and_undecidable_are_unevaluated(entries: list[Entry]) -> None:
    report = check(
        entries,
        snap(UndecidedVersion("uvicorn", "not pinned (>=0.5)", "r.txt", 1)),
        today=TODAY,
    )
    assert report.findings == ()
    (item,) = report.unevaluated
    assert item.subject == "uvicorn" and item.reason == "not pinned (>=0.5)"
    assert set(item.entries) == {"minor-log", "ssl-reload", "win-reload"}
    assert exit_code(report) == 4
    # A version PEP 440 cannot read (an `===` pin of a local build) cannot be placed.
    odd = check(entries, snap(Package("uvicorn", "0.10-custom-build", "r.txt", 2)), today=TODAY)
    assert odd.findings == ()
    assert {u.subject for u in odd.unevaluated} == {"uvicorn 0.10-custom-build"}
    assert all("cannot read version" in u.reason for u in odd.unevaluated)


def test_ignores_apply_until_they_expire(entries: list[Entry]) -> None:
    s = snap(Package("uvicorn", "0.7.0", "r.txt", 1))
    keep = Ignore("ssl-reload", "no TLS in dev", date(2026, 6, 2), "pyproject.toml:5")
    report = check(entries, s, ignores=[keep], today=TODAY)
    assert report.findings == () and exit_code(report) == 0
    assert {i.finding.entry_id for i in report.ignored} == {"ssl-reload"}
    assert report.expired_ignores == ()
    # The ignore stops applying on its expiry day, and is reported.
    expired = check(entries, s, ignores=[keep], today=date(2026, 6, 2))
    assert exit_code(expired) == 1
    assert expired.expired_ignores == (keep,)
    assert [f.entry_id for f in expired.failing] == ["ssl-reload"]


def test_ignore_for_an_unknown_id_is_a_warning(entries: list[Entry]) -> None:
    report = check(entries, snap(), ignores=[Ignore("no-such-entry", "typo?")], today=TODAY)
    assert report.warnings == ("ignore for 'no-such-entry' (--ignore) names no KB entry",)


def test_apply_ignores_is_generic() -> None:
    kept, ignored, expired = apply_ignores([], [Ignore("x", "r", date(2000, 1, 1))], TODAY)
    assert (kept, ignored, [e.entry_id for e in expired]) == ([], [], ["x"])


def test_parse_ignore_option() -> None:
    assert parse_ignore_option("ssl-reload=we terminate TLS at nginx") == Ignore(
        "ssl-reload", "we terminate TLS at nginx", None, "--ignore"
    )
    with pytest.raises(InputError, match="a reason is required"):
        parse_ignore_option("ssl-reload")
    with pytest.raises(InputError, match="a reason is required"):
        parse_ignore_option("ssl-reload=  ")
    with pytest.raises(InputError, match="give the entry id"):
        parse_ignore_option("=why")


def test_tool_config(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        '[project]\nname = "app"\n\n[tool.doctor]\nfail-on = "high"\nignore = [\n'
        '  {id = "ssl-reload", reason = "TLS ends at the proxy", expires = 2027-01-01},\n'
        '  {id = "main-guard", reason = "guarded", expires = "2026-12-31"},\n'
        '  {id = "open-bug", reason = "accepted"},\n]\n',
        encoding="utf-8",
    )
    config = load_tool_config(path)
    assert config.fail_on == "high"
    assert config.ignores == (
        Ignore("ssl-reload", "TLS ends at the proxy", date(2027, 1, 1), f"{path}:7"),
        Ignore("main-guard", "guarded", date(2026, 12, 31), f"{path}:8"),
        Ignore("open-bug", "accepted", None, f"{path}:9"),
    )


def test_tool_config_absent(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "app"\n', encoding="utf-8")
    assert load_tool_config(path) == ToolConfig(path=str(path))


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ('ignore = [{id = "ssl-reload"}]', ":2: tool.doctor.ignore[0].reason is required"),
        ('ignore = [{id = "ssl-reload", reason = ""}]', "reason is required"),
        ('ignore = [{reason = "why"}]', "tool.doctor.ignore[0].id is required"),
        ('ignore = [{id = "a", reason = "r", expires = "soon"}]', "must be a date"),
        ('ignore = [{id = "a", reason = "r", until = 2027-01-01}]', "unknown key 'until'"),
        ('ignore = "ssl-reload"', "must be an array of tables"),
        ('fail-on = "severe"', "fail-on must be one of low, medium, high, critical"),
        ("ignore = [", ":2: invalid TOML"),
    ],
)
def test_tool_config_errors(tmp_path: Path, body: str, fragment: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(f"[tool.doctor]\n{body}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_tool_config(path)
    assert info.value.message.startswith(str(path))
    assert fragment in info.value.message


def test_an_installed_version_points_where_the_project_reaches_it(entries: list[Entry]) -> None:
    """Code scanning rejects a result without a file: a version read from an installed
    environment has none, so the finding points at the launch that reaches it, else at
    the line of the project's manifest naming uvicorn."""
    from troubleshoot.report.model import Location

    installed = snap(Package("uvicorn", "0.7.0", "installed (/venv/bin/python)"))
    both = Project(
        launches=(_launch("Procfile", 1, reload=True, ssl_certfile="c.pem"),),
        read=(".",),
        manifest=Location("pyproject.toml", 7),
    )
    (finding,) = check(entries, installed, project=both, today=TODAY).failing
    assert finding.location == Location("Procfile", 1)
    h11 = snap(Package("uvicorn", "0.30.0", "installed"), Package("h11", "0.7.0", "installed"))
    (plain,) = check(entries, h11, project=both, today=TODAY).failing
    assert plain.entry_id == "h11-old" and plain.location == Location("pyproject.toml", 7)
