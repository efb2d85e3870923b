"""Detectors are data: a KB entry adds a check; ignores, expiry and schema validation."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from tests.scan.conftest import run_scan
from troubleshoot.errors import EntryInvalid
from troubleshoot.report.model import Ignore
from troubleshoot.schema import parse_entry

BASE = """
id = "{id}"
title = "A test entry"
package = "uvicorn"
kind = "misuse"
severity = "{severity}"
summary = "s"
mechanism = "m"
[[fixes]]
type = "code-change"
unverified = "a test fixture: no repro scenario applies this fix here"
title = "Do the other thing"
body = "b"
[upstream]
issues = [1]
"""


def entry(signatures: str, entry_id: str = "host-zero", severity: str = "medium"):  # type: ignore[no-untyped-def]
    import tomllib

    text = BASE.format(id=entry_id, severity=severity) + textwrap.dedent(signatures)
    return parse_entry(tomllib.loads(text), f"{entry_id}.toml", entry_id)


LOG_LEVEL_TRACE = """
[[signatures]]
id = "scan-trace"
kind = "code"
detector = "launch"
args = { via = ["python", "cli"], option = "log_level" }
weight = 0.9
"""


def test_a_new_entry_adds_a_detector_without_code(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('import uvicorn\nuvicorn.run("m:app", log_level="trace")\n')
    (tmp_path / "Procfile").write_text("web: uvicorn m:app --log-level trace\n")
    report = run_scan([tmp_path], (entry(LOG_LEVEL_TRACE),), "0.30.0")
    assert [(f.entry_id, f.location.line) for f in report.findings if f.location] == [
        ("host-zero", 1),
        ("host-zero", 2),
    ]
    assert "`log_level=` is given" in report.findings[1].message
    assert report.findings[0].fix == "Do the other thing"


def test_entries_without_known_detectors_are_inactive(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('import uvicorn\nuvicorn.run("m:app", reload=True)\n')
    paste_only = entry('[[signatures]]\nid = "x"\nkind = "log"\npattern = "boom"\nweight = 0.5\n')
    report = run_scan([tmp_path], (paste_only,), "0.30.0")
    assert report.rules == () and report.findings == ()


def test_severity_below_fail_on_warns_without_failing(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('import uvicorn\nuvicorn.run("m:app", log_level="x")\n')
    low = entry(LOG_LEVEL_TRACE, severity="low")
    report = run_scan([tmp_path], (low,), "0.30.0")
    assert len(report.findings) == 1 and not report.failed
    assert run_scan([tmp_path], (low,), "0.30.0", fail_on="low").failed


def test_config_ignores_with_reason_and_expiry(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('import uvicorn\nuvicorn.run("m:app", log_level="x")\n')
    entries = (entry(LOG_LEVEL_TRACE),)
    active = Ignore("host-zero", "accepted", date(2027, 1, 1), "pyproject.toml:3")
    report = run_scan([tmp_path], entries, "0.30.0", ignores=[active])
    assert report.findings == () and report.ignored[0].ignore is active and not report.failed
    expired = Ignore("host-zero", "accepted", date(2026, 1, 1), "pyproject.toml:3")
    report = run_scan([tmp_path], entries, "0.30.0", ignores=[expired])
    assert report.failed and report.expired_ignores == (expired,)
    unknown = Ignore("no-such-entry", "r")
    assert (
        "names no entry" in run_scan([tmp_path], entries, "0.30.0", ignores=[unknown]).warnings[0]
    )


def test_inline_ignore_covers_every_line_of_a_multi_line_call(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        'import uvicorn\nuvicorn.run(\n    "m:app",\n'
        '    log_level="x",  # doctor: ignore[host-zero]\n)\n'
    )
    report = run_scan([tmp_path], (entry(LOG_LEVEL_TRACE),), "0.30.0")
    assert report.findings == ()
    assert report.ignored[0].ignore.reason == "no reason given"


@pytest.mark.parametrize(
    "signature, field, reason",
    [
        ('detector = "nope"', "signatures[0].detector", "must be one of"),
        ('detector = "launch"\nargs = { colour = "red" }', "signatures[0].args.colour", "unknown"),
        ('detector = "launch"\nargs = { reload = "yes" }', "signatures[0].args.reload", "boolean"),
        (
            'detector = "launch"\nargs = { workers_gt = true }',
            "signatures[0].args.workers_gt",
            "integer",
        ),
        (
            'detector = "launch"\nargs = { via = ["python", "bash"] }',
            "signatures[0].args.via",
            "one of",
        ),
        (
            'detector = "launch"\nargs = { worker_class = "(" }',
            "signatures[0].args.worker_class",
            "regular",
        ),
        ('detector = "import"', "signatures[0].args.module", "is required"),
        ('pattern = "x"', "signatures[0].detector", "is required"),
    ],
)
def test_code_signatures_are_validated_strictly(signature: str, field: str, reason: str) -> None:
    with pytest.raises(EntryInvalid) as info:
        entry(f'[[signatures]]\nid = "s"\nkind = "code"\nweight = 0.5\n{signature}\n')
    problems = [(p.field, p.reason) for p in info.value.problems]
    assert any(f == field and reason in r for f, r in problems), problems


def test_code_signature_round_trips_through_the_compiled_form() -> None:
    from troubleshoot.schema import entry_from_dict

    original = entry(LOG_LEVEL_TRACE)
    import json

    again = entry_from_dict(json.loads(json.dumps(original.to_dict())))
    assert again == original
    assert again.signatures[0].args == {"via": ("python", "cli"), "option": "log_level"}


def test_ignore_text_in_docstrings_and_prose_is_not_an_ignore(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        '"""Silence with `# doctor: ignore[host-zero]`."""\nimport uvicorn\n'
        'uvicorn.run("m:app", log_level="x")  # see `# doctor: ignore[host-zero]`\n'
    )
    report = run_scan([tmp_path], (entry(LOG_LEVEL_TRACE),), "0.30.0")
    assert len(report.findings) == 1 and report.ignored == () and report.warnings == ()
