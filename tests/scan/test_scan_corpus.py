"""Correct launch code scans clean; broken launch code gives exactly the expected findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from tests.scan.conftest import BAD, CLEAN, run_scan
from troubleshoot.schema import Entry

VERSIONS = ["0.7.0", "0.18.3", "0.30.0", "0.46.0", "0.54.0"]


def _expected(version: str) -> set[tuple[str, str]]:
    out = set()
    for line in (BAD / "EXPECTED").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        entry_id, where, *spec = line.split()
        if spec and version not in SpecifierSet(spec[0]):
            continue
        out.add((entry_id, where))
    return out


def _found(report_findings: tuple, root: Path) -> set[tuple[str, str]]:  # type: ignore[type-arg]
    out = set()
    for f in report_findings:
        loc = f.location
        rel = Path(loc.path).relative_to(root).as_posix()
        out.add((f.entry_id, f"{rel}:{loc.line}:{loc.column}"))
    return out


@pytest.mark.parametrize("version", [*VERSIONS, None])
def test_clean_corpus_scans_clean(version: str | None, real_entries: tuple[Entry, ...]) -> None:
    report = run_scan([CLEAN], real_entries, version)
    assert report.findings == ()
    assert report.unevaluated == (), report.unevaluated
    assert report.ignored == ()
    assert not report.failed
    assert int(report.context["files_read"]) >= 12


@pytest.mark.parametrize("version", VERSIONS)
def test_bad_corpus_gives_expected_findings(version: str, real_entries: tuple[Entry, ...]) -> None:
    report = run_scan([BAD], real_entries, version)
    assert _found(report.findings, BAD) == _expected(version)
    assert report.failed
    # every finding links to its entry, says where, and names a one-line fix
    for f in report.findings:
        assert f.url and f.url.startswith("https://github.com/")
        assert f.message.startswith(str(f.location))
        assert f.fix and "\n" not in f.fix


def test_files_that_do_not_parse_are_skipped_not_fatal(
    tmp_path: Path, real_entries: tuple[Entry, ...]
) -> None:
    # Written here, not kept in the corpus, so linters of this repo never see them.
    tree = tmp_path / "bad"
    shutil.copytree(BAD, tree)
    (tree / "broken.py").write_text('import uvicorn\n\ndef oops(:\n    uvicorn.run("m:app")\n')
    (tree / "broken.ipynb").write_text('{"cells": [')
    (tree / "cells.ipynb").write_text(
        json.dumps({"cells": [{"cell_type": "code", "source": "import uvicorn\nx = ("}]})
    )
    report = run_scan([tree], real_entries, "0.54.0")
    assert _found(report.findings, tree) == _expected("0.54.0")
    skipped = {Path(u.subject).name: u for u in report.unevaluated}
    assert set(skipped) == {"broken.py", "broken.ipynb", "cells.ipynb"}
    assert "does not parse" in skipped["broken.py"].reason
    assert skipped["broken.py"].location is not None and skipped["broken.py"].location.line == 3
    assert "invalid JSON" in skipped["broken.ipynb"].reason
    assert "code cell does not parse" in skipped["cells.ipynb"].reason


def test_inline_ignore_moves_the_finding_to_ignored(real_entries: tuple[Entry, ...]) -> None:
    report = run_scan([BAD], real_entries, "0.54.0")
    (ignored,) = report.ignored
    assert ignored.finding.entry_id == "app-instance-with-workers-or-reload"
    assert ignored.ignore.reason == "demo only"
    assert ignored.ignore.origin.endswith("app/ignored.py:5")
    assert not ignored.finding.failing


def test_unknown_version_lists_version_bound_hits_as_not_evaluated(
    real_entries: tuple[Entry, ...],
) -> None:
    report = run_scan([BAD], real_entries, None)
    found = _found(report.findings, BAD)
    # version-free findings are reported; version-bound ones are never guessed
    assert found == {(e, w) for e, w in _expected("0.54.0") if not _bound(e, w)}
    pending = {u.entries[0] for u in report.unevaluated if u.entries}
    assert pending == {
        "debug-option-removed",
        "ssl-with-reload-crash",
        "gunicorn-uvicornworker-deprecated",
        "running-event-loop",
    }
    assert all("--uvicorn-version" in u.reason for u in report.unevaluated if u.entries)


def _bound(entry_id: str, where: str) -> bool:
    for line in (BAD / "EXPECTED").read_text().splitlines():
        parts = line.split()
        if parts[:2] == [entry_id, where]:
            return len(parts) > 2
    return False
