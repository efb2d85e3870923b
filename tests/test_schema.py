"""Entry validation: every problem names the file, the field path and the reason."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.conftest import ENTRY_A, run_doctor, write_kb
from troubleshoot.errors import EntryInvalid
from troubleshoot.schema import entry_from_dict, parse_entry

UNVERIFIED = 'unverified = "a test fixture: no repro scenario applies this fix here"'


def _parse(text: str, slug: str = "alpha-pickle") -> object:
    return parse_entry(tomllib.loads(text), f"{slug}.toml", slug)


def test_valid_entry_round_trips_through_dict() -> None:
    entry = parse_entry(tomllib.loads(ENTRY_A), "alpha-pickle.toml", "alpha-pickle")
    assert entry.upstream.issues == (478, 484)
    assert entry.signatures[0].weight == 0.9
    assert entry_from_dict(entry.to_dict()) == entry


@pytest.mark.parametrize(
    ("edit", "field", "reason"),
    [
        (('kind = "regression"', 'kind = "bug"'), "kind", "must be one of"),
        (('severity = "high"', "severity = 3"), "severity", "must be a string"),
        (
            ('specifier = ">=0.10.1,<0.10.6"', 'specifier = "=>0.10.1"'),
            "affected[0].specifier",
            "not a PEP 440 specifier",
        ),
        (('fixed_in = "0.10.6"', 'fixed_in = "soon"'), "fixed_in", "not a PEP 440 version"),
        (
            ('message = "Can\'t pickle local object"', 'message = "Can\'t (pickle"'),
            "signatures[0].message",
            "not a linear-time (RE2) regular expression",
        ),
        (
            ('message = "Can\'t pickle local object"', 'message = "Can\'t (?!SSL)pickle"'),
            "signatures[0].message",
            "look-arounds are not allowed",
        ),
        (("weight = 0.9", "weight = 1.5"), "signatures[0].weight", "must be in (0, 1]"),
        (("weight = 0.9", "weight = true"), "signatures[0].weight", "not a boolean"),
        (('type = "code-change"', 'type = "magic"'), "fixes[0].type", "must be one of"),
        ((UNVERIFIED, ""), "fixes[0]", "needs verified_by (the repro scenario"),
        ((UNVERIFIED, 'unverified = "hard"'), "fixes[0].unverified", "in a sentence"),
        (
            (UNVERIFIED, f'{UNVERIFIED}\nverified_by = "fix-x"'),
            "fixes[0].unverified",
            "drop the reason",
        ),
        (("issues = [478, 484]", "issues = []"), "upstream.issues", "at least one issue"),
        (("issues = [478, 484]", 'issues = ["478"]'), "upstream.issues[0]", "positive integer"),
        (("workers = true", "workers = 2"), "conditions.workers", "true or false"),
        (("workers = true", "cats = true"), "conditions.cats", "unknown condition"),
        (('id = "alpha-pickle"', 'id = "other"'), "id", "must equal the file name"),
        (('title = "Alpha: pickle error with workers"', 'titel = "x"'), "titel", "unknown field"),
        (('title = "Alpha: pickle error with workers"', ""), "title", "is required"),
        (
            ('specifier = ">=0.10.1,<0.10.6"', 'specifier = ">=0.10.1"\nwhen = "os == 1"'),
            "affected[0].when",
            "not a PEP 508 marker",
        ),
    ],
)
def test_each_violation_is_reported_with_field_and_reason(
    edit: tuple[str, str], field: str, reason: str
) -> None:
    old, new = edit
    assert old in ENTRY_A
    with pytest.raises(EntryInvalid) as info:
        _parse(ENTRY_A.replace(old, new, 1))
    problems = info.value.problems
    assert any(p.field == field and reason in p.reason for p in problems), problems
    assert all(p.file == "alpha-pickle.toml" for p in problems)


def test_all_problems_are_collected_not_just_the_first() -> None:
    bad = ENTRY_A.replace('kind = "regression"', 'kind = "x"').replace("weight = 0.9", "weight = 9")
    with pytest.raises(EntryInvalid) as info:
        _parse(bad)
    fields = {p.field for p in info.value.problems}
    assert {"kind", "signatures[0].weight"} <= fields


def test_versioned_entry_without_affected_range_is_rejected() -> None:
    start = ENTRY_A.index("[[affected]]")
    end = ENTRY_A.index("[[signatures]]")
    with pytest.raises(EntryInvalid) as info:
        _parse(ENTRY_A[:start] + ENTRY_A[end:])
    assert any(p.field == "affected" for p in info.value.problems)


def test_kb_validate_cli_names_file_field_and_exits_1(tmp_path: Path) -> None:
    kb = write_kb(tmp_path, {"alpha-pickle": ENTRY_A.replace("weight = 0.9", "weight = 2")})
    (kb / "entries" / "broken.toml").write_text('id = "broken"\ntitle = [\n', encoding="utf-8")
    result = run_doctor("--kb-dir", str(kb), "kb", "validate")
    assert result.returncode == 1
    assert "alpha-pickle.toml: signatures[0].weight: must be in (0, 1]" in result.stderr
    assert "broken.toml" in result.stderr and "invalid TOML" in result.stderr
    assert "Traceback" not in result.stderr


def test_kb_validate_cli_ok(tmp_path: Path) -> None:
    kb = write_kb(tmp_path, {"alpha-pickle": ENTRY_A})
    result = run_doctor("--kb-dir", str(kb), "kb", "validate")
    assert result.returncode == 0, result.stderr
    assert "1 entries" in result.stdout


def test_unverified_version_bug_boundary_fails_unless_unverifiable(tmp_path: Path) -> None:
    text = ENTRY_A.replace('kind = "regression"', 'kind = "version-bug"')
    kb = write_kb(tmp_path, {"alpha-pickle": text})
    result = run_doctor("--kb-dir", str(kb), "kb", "validate")
    assert result.returncode == 1
    assert "alpha-pickle.toml: affected[0].status: a version-bug boundary needs evidence" in (
        result.stderr
    )
    reasoned = text.replace(
        'fixed_in = "0.10.6"',
        'fixed_in = "0.10.6"\n'
        'unverifiable = "Synthetic entry: no release exists to run it against."',
    )
    (kb / "entries" / "alpha-pickle.toml").write_text(reasoned, encoding="utf-8")
    assert run_doctor("--kb-dir", str(kb), "kb", "validate").returncode == 0


def test_evidence_file_errors_name_record_and_field(tmp_path: Path) -> None:
    kb = write_kb(tmp_path, {"alpha-pickle": ENTRY_A})
    (kb / "evidence" / "alpha-pickle.json").write_text(
        '{"entry": "alpha-pickle", "records": [{"server": "uvicorn", "version": "0.10.3",'
        ' "python": "3.8", "platform": "linux", "outcome": "broken", "date": "2026-11-21"}]}',
        encoding="utf-8",
    )
    result = run_doctor("--kb-dir", str(kb), "kb", "validate")
    assert result.returncode == 1
    assert "alpha-pickle.json: records[0].outcome: must be one of" in result.stderr


def test_verified_boundary_needs_evidence(tmp_path: Path) -> None:
    text = ENTRY_A.replace(
        'specifier = ">=0.10.1,<0.10.6"', 'specifier = ">=0.10.1,<0.10.6"\nstatus = "verified"'
    )
    kb = write_kb(tmp_path, {"alpha-pickle": text})
    result = run_doctor("--kb-dir", str(kb), "kb", "validate")
    assert result.returncode == 1
    assert "affected[0].status" in result.stderr and "no evidence" in result.stderr


def test_fix_verified_by_needs_fixed_evidence_on_an_affected_release(tmp_path: Path) -> None:
    text = ENTRY_A.replace(UNVERIFIED, 'verified_by = "fix-import-string"')
    kb = write_kb(tmp_path, {"alpha-pickle": text})
    result = run_doctor("--kb-dir", str(kb), "kb", "validate")
    assert result.returncode == 1
    assert "fixes[0].verified_by: no evidence of scenario 'fix-import-string'" in result.stderr
    record = (
        '{"entry": "alpha-pickle", "records": [{"server": "uvicorn", "version": "0.10.3",'
        ' "python": "3.8.18", "platform": "linux-x86_64", "outcome": "fixed",'
        ' "date": "2026-11-22", "scenario": "fix-import-string"}]}'
    )
    (kb / "evidence" / "alpha-pickle.json").write_text(record, encoding="utf-8")
    assert run_doctor("--kb-dir", str(kb), "kb", "validate").returncode == 0


def test_fix_with_its_own_versions_is_verified_inside_them(tmp_path: Path) -> None:
    """A fix offered outside the affected range (the mirror case of a regression) is
    checked against its own versions, not the entry's range."""
    text = ENTRY_A.replace(UNVERIFIED, 'verified_by = "fix-import-string"\nversions = ">=0.10.6"')
    kb = write_kb(tmp_path, {"alpha-pickle": text})

    def record(version: str) -> None:
        (kb / "evidence" / "alpha-pickle.json").write_text(
            '{"entry": "alpha-pickle", "records": [{"server": "uvicorn", "version": "'
            + version
            + '", "python": "3.8.18", "platform": "linux-x86_64", "outcome": "fixed",'
            ' "date": "2026-11-22", "scenario": "fix-import-string"}]}',
            encoding="utf-8",
        )

    record("0.10.3")  # affected, but outside the fix's versions
    result = run_doctor("--kb-dir", str(kb), "kb", "validate")
    assert result.returncode == 1
    assert "on uvicorn >=0.10.6 (the fix's versions)" in result.stderr
    record("0.11.0")
    assert run_doctor("--kb-dir", str(kb), "kb", "validate").returncode == 0


# -- security entries and their advisories ----------------------------------------

SECURITY = (
    ENTRY_A.replace('kind = "regression"', 'kind = "security"')
    + """
[[advisories]]
id = "PYSEC-2020-150"
aliases = ["CVE-2020-7694", "GHSA-33c7-2mpw-hg34", "SNYK-PYTHON-UVICORN-575560"]
severity = "7.5 CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"
url = "https://osv.dev/vulnerability/PYSEC-2020-150"
claims = "<0.11.7"
note = "The advisory says every release before 0.11.7."

[[advisories]]
id = "GHSA-vqfr-h8mv-ghfj"
severity = "critical"
"""
)


def test_security_entry_parses_its_advisories_and_round_trips() -> None:
    entry = parse_entry(tomllib.loads(SECURITY), "alpha-pickle.toml", "alpha-pickle")
    assert entry.kind == "security" and entry.has_fixed_release
    first, second = entry.advisories
    assert first.id == "PYSEC-2020-150"
    assert first.aliases == ("CVE-2020-7694", "GHSA-33c7-2mpw-hg34", "SNYK-PYTHON-UVICORN-575560")
    assert first.severity.startswith("7.5 CVSS:3.1/") and first.claims == "<0.11.7"
    assert (second.aliases, second.url, second.claims) == ((), "", None)
    assert entry_from_dict(entry.to_dict()) == entry
    assert parse_entry(tomllib.loads(ENTRY_A), "alpha-pickle.toml", "alpha-pickle").advisories == ()


@pytest.mark.parametrize(
    ("edit", "field", "reason"),
    [
        (('id = "GHSA-vqfr-h8mv-ghfj"', 'id = "GHSA-1234"'), "advisories[1].id", "advisory id"),
        (('id = "GHSA-vqfr-h8mv-ghfj"', 'id = "cve-2025-43859"'), "advisories[1].id", "advisory"),
        (('id = "GHSA-vqfr-h8mv-ghfj"', ""), "advisories[1].id", "is required"),
        (('severity = "critical"', 'severity = "bad"'), "advisories[1].severity", "CVSS vector"),
        (('severity = "critical"', 'severity = "CVSS:3.1"'), "advisories[1].severity", "CVSS"),
        (('severity = "critical"', ""), "advisories[1].severity", "is required"),
        (('claims = "<0.11.7"', 'claims = "all"'), "advisories[0].claims", "PEP 440"),
        (
            ('url = "https://osv.dev', 'url = "http://osv.dev'),
            "advisories[0].url",
            "https:// address",
        ),
        (
            ('"SNYK-PYTHON-UVICORN-575560"', '"CVE-2020-7694"'),
            "advisories[0].aliases[2]",
            "listed twice",
        ),
        (
            ('"SNYK-PYTHON-UVICORN-575560"', '"PYSEC-2020-150"'),
            "advisories[0].aliases[2]",
            "listed twice",
        ),
        (('"SNYK-PYTHON-UVICORN-575560"', '"my-id"'), "advisories[0].aliases[2]", "advisory id"),
        (('claims = "<0.11.7"', 'claim = "<0.11.7"'), "advisories[0].claim", "unknown field"),
        (('id = "GHSA-vqfr-h8mv-ghfj"', 'id = "PYSEC-2020-150"'), "advisories", "duplicate"),
    ],
)
def test_each_advisory_violation_is_reported(
    edit: tuple[str, str], field: str, reason: str
) -> None:
    old, new = edit
    assert old in SECURITY
    with pytest.raises(EntryInvalid) as info:
        _parse(SECURITY.replace(old, new, 1))
    problems = info.value.problems
    assert any(p.field == field and reason in p.reason for p in problems), problems


def test_security_entry_needs_an_affected_range() -> None:
    start = SECURITY.index("[[affected]]")
    end = SECURITY.index("[[signatures]]")
    with pytest.raises(EntryInvalid) as info:
        _parse(SECURITY[:start] + SECURITY[end:])
    assert any(p.field == "affected" for p in info.value.problems)


def test_unverified_security_boundary_fails_validation(tmp_path: Path) -> None:
    kb = write_kb(tmp_path, {"alpha-pickle": SECURITY})
    result = run_doctor("--kb-dir", str(kb), "kb", "validate")
    assert result.returncode == 1
    assert "affected[0].status: a security boundary needs evidence" in result.stderr


def _record(version: str, outcome: str, scenario: str) -> str:
    return (
        f'{{"server": "uvicorn", "version": "{version}", "python": "3.12.1", '
        f'"platform": "linux-x86_64", "outcome": "{outcome}", "date": "2026-12-02", '
        f'"scenario": "{scenario}"}}'
    )


def test_boundary_of_another_package_is_read_from_its_pinned_scenarios(tmp_path: Path) -> None:
    """An h11 entry's range is about h11 releases: the evidence is a scenario named
    ``h11-<version>`` (that release pinned beside uvicorn), not the uvicorn release."""
    from troubleshoot.config import Settings
    from troubleshoot.kbload import load_kb

    text = (
        SECURITY.replace('package = "uvicorn"', 'package = "h11"')
        .replace('specifier = ">=0.10.1,<0.10.6"', 'specifier = "<0.16.0"\nstatus = "verified"')
        .replace('fixed_in = "0.10.6"', 'fixed_in = "0.16.0"')
        .replace('versions = ">=0.10.4,<0.10.6"', 'versions = "<0.16.0"')
    )
    kb = write_kb(tmp_path, {"alpha-pickle": text})
    settings = Settings.resolve(kb_dir=kb)
    evidence = kb / "evidence" / "alpha-pickle.json"

    def problems(*records: str) -> list[str]:
        evidence.write_text(
            '{"entry": "alpha-pickle", "records": [' + ", ".join(records) + "]}",
            encoding="utf-8",
        )
        try:
            load_kb(settings, measured=False)
        except EntryInvalid as exc:
            return [f"{p.field}: {p.reason}" for p in exc.problems]
        return []

    # uvicorn 0.11.6 reproducing says nothing about h11 0.11.6
    found = problems(_record("0.11.6", "reproduces", "default"))
    assert any("no evidence shows a release in <0.16.0" in p for p in found), found
    assert any("no evidence shows 0.16.0 fixed" in p for p in found), found
    ok = problems(
        _record("0.34.0", "reproduces", "h11-0.14.0"), _record("0.34.0", "fixed", "h11-0.16.0")
    )
    assert ok == []
    found = problems(_record("0.34.0", "reproduces", "h11-0.16.0"))
    assert any("no evidence shows a release in <0.16.0" in p for p in found), found
