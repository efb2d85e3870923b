"""Compiling the KB: plain tables, FTS5, hash-driven rebuilds, atomic replacement."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import ENTRY_A
from troubleshoot.config import Settings
from troubleshoot.errors import EntryInvalid
from troubleshoot.kbstore import Store, ensure_db


def test_build_has_documented_plain_tables_and_fts(mini_kb: Path) -> None:
    path = ensure_db(Settings.resolve())
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
    assert {
        "entries",
        "affected",
        "signatures",
        "signature_keys",
        "fixes",
        "upstream_refs",
        "evidence",
        "meta",
        "entries_fts",
    } <= tables
    assert conn.execute("select count(*) from entries").fetchone()[0] == 3
    row = conn.execute("select specifier, status from affected where entry_id='alpha-pickle'")
    assert row.fetchone() == (">=0.10.1,<0.10.6", "unverified")
    # Canonical issue first, as a plain column Datasette can facet on.
    issue = conn.execute("select canonical_issue from entries where id='alpha-pickle'")
    assert issue.fetchone()[0] == 478


def test_fts_search_ranks_and_never_breaks_on_user_syntax(mini_kb: Path) -> None:
    store = Store.open(Settings.resolve())
    assert [h[0] for h in store.search("zebrafish")] == ["gamma-log"]
    assert store.search('"unbalanced AND (') == []
    assert {h[0] for h in store.search("pickle")} >= {"alpha-pickle", "beta-pickle-reload"}


def test_rebuilds_when_sources_change_and_not_otherwise(mini_kb: Path) -> None:
    settings = Settings.resolve()
    path = ensure_db(settings)
    first = path.stat().st_mtime_ns
    assert ensure_db(settings).stat().st_mtime_ns == first  # unchanged sources: no rebuild
    entry = mini_kb / "entries" / "gamma-log.toml"
    entry.write_text(entry.read_text().replace("zebrafish", "okapi"), encoding="utf-8")
    ensure_db(settings)
    store = Store(path)
    assert store.search("okapi") and not store.search("zebrafish")


def test_failed_build_keeps_last_good_db(mini_kb: Path) -> None:
    settings = Settings.resolve()
    path = ensure_db(settings)
    before = path.read_bytes()
    (mini_kb / "entries" / "alpha-pickle.toml").write_text(
        ENTRY_A.replace('kind = "regression"', 'kind = "nonsense"'), encoding="utf-8"
    )
    with pytest.raises(EntryInvalid):
        ensure_db(settings)
    assert path.read_bytes() == before
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_cli_reports_broken_kb_with_exit_2_and_no_traceback(mini_kb: Path) -> None:
    from tests.conftest import run_doctor

    (mini_kb / "entries" / "gamma-log.toml").write_text("id = 'gamma-log'\n", encoding="utf-8")
    result = run_doctor("show", "alpha-pickle")
    assert result.returncode == 2
    assert "gamma-log.toml: title: is required" in result.stderr
    assert "Traceback" not in result.stderr


def test_kb_build_to_explicit_path(mini_kb: Path, tmp_path: Path) -> None:
    from tests.conftest import run_doctor

    out = tmp_path / "out" / "kb.db"
    result = run_doctor("kb", "build", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(out).execute("select count(*) from entries").fetchone()[0] == 3


def test_kb_stats_counts_kinds_and_missing_evidence(mini_kb: Path) -> None:
    import json

    from tests.conftest import run_doctor
    from troubleshoot.evidence import EvidenceRecord, record_evidence

    record_evidence(
        mini_kb / "evidence",
        "alpha-pickle",
        [
            EvidenceRecord(
                "uvicorn", "0.10.3", "3.8.18", "linux-x86_64", "reproduces", "2026-11-21"
            ),
            EvidenceRecord("uvicorn", "0.10.6", "3.8.18", "linux-x86_64", "fixed", "2026-11-21"),
        ],
    )
    result = run_doctor("kb", "stats", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["by_kind"] == {"environment": 1, "misuse": 1, "regression": 1}
    assert data["newest"] == "0.10.6"
    assert data["missing_newest"] == ["beta-pickle-reload", "gamma-log"]
    assert data["fixes"]["testable"] == 3 and data["fixes"]["tested"] == 0
    assert "alpha-pickle: Pass an import string" in data["fixes"]["not_run"]
    # The evidence reaches `show` through the rebuilt DB.
    show = run_doctor("show", "alpha-pickle")
    assert "0.10.3" in show.stdout and "reproduces" in show.stdout
    assert "Not run here: a test fixture" in show.stdout
    text = run_doctor("kb", "stats")
    assert "fix options tested by a repro: 0 of 3" in text.stdout


def test_show_names_the_releases_a_fix_was_seen_working_on(tmp_path: Path) -> None:
    import json

    from tests.conftest import run_doctor, write_kb
    from troubleshoot.evidence import EvidenceRecord, record_evidence

    text = ENTRY_A.replace(
        'unverified = "a test fixture: no repro scenario applies this fix here"',
        'verified_by = "fix-import-string"',
    )
    kb = write_kb(tmp_path, {"alpha-pickle": text})
    record_evidence(
        kb / "evidence",
        "alpha-pickle",
        [
            EvidenceRecord(
                "uvicorn", v, "3.8.18", "linux-x86_64", "fixed", "2026-11-22", "fix-import-string"
            )
            for v in ("0.10.5", "0.10.3")
        ],
    )
    env = {"DOCTOR_KB_DIR": str(kb), "DOCTOR_CACHE_DIR": str(tmp_path / "cache")}
    show = run_doctor("show", "alpha-pickle", env=env)
    assert show.returncode == 0, show.stderr
    assert (
        "Tested: the repro applies it (scenario fix-import-string) and the failure is gone "
        "on uvicorn 0.10.3, 0.10.5 (last run 2026-11-22)."
    ) in " ".join(show.stdout.split())
    paste = (
        "Traceback (most recent call last):\n"
        "AttributeError: Can't pickle local object 'make.<locals>.app'\n"
    )
    shown = run_doctor("paste-traceback", "-", stdin=paste, env=env)
    assert "Tested: the repro applies it (fix-import-string)" in " ".join(shown.stdout.split())
    as_json = run_doctor("paste-traceback", "--json", "-", stdin=paste, env=env)
    fix = json.loads(as_json.stdout)["matches"][0]["fixes"][0]
    assert (fix["verified_by"], fix["unverified"]) == ("fix-import-string", None)


def test_empty_tables_keep_their_columns(mini_kb: Path) -> None:
    """No evidence yet: the evidence table still has every documented column."""
    conn = sqlite3.connect(ensure_db(Settings.resolve()))
    columns = {r[1] for r in conn.execute("pragma table_info(evidence)")}
    assert columns == {
        "entry_id",
        "server",
        "version",
        "python",
        "platform",
        "outcome",
        "date",
        "scenario",
        "excerpt",
    }


def test_touched_but_unchanged_sources_do_not_rebuild(mini_kb: Path) -> None:
    """A checkout that only changes mtimes costs a content hash, not a rebuild."""
    import os

    settings = Settings.resolve()
    path = ensure_db(settings)
    built = path.stat().st_mtime_ns
    entry = mini_kb / "entries" / "gamma-log.toml"
    os.utime(entry, ns=(entry.stat().st_atime_ns, entry.stat().st_mtime_ns + 10**9))
    ensure_db(settings)
    conn = sqlite3.connect(path)
    assert conn.execute("select count(*) from entries").fetchone()[0] == 3
    stamp = conn.execute("select value from meta where key='source_stamp'").fetchone()[0]
    from troubleshoot.kbstore import _stat_stamp, source_files

    assert stamp == _stat_stamp(source_files(settings), mini_kb)  # refreshed in place
    assert path.stat().st_mtime_ns >= built


ADVISORIES = """
[[advisories]]
id = "PYSEC-2020-151"
aliases = ["CVE-2020-7695", "GHSA-f97h-2pfx-f59f"]
severity = "moderate"
url = "https://osv.dev/vulnerability/PYSEC-2020-151"
claims = "<0.11.7"
note = "What the advisory states."
"""


def test_advisories_are_stored_and_returned(mini_kb: Path) -> None:
    """Advisories round-trip through the compiled DB (in the entry, in their own
    table, found by id or alias and by full-text search)."""
    entry = mini_kb / "entries" / "gamma-log.toml"
    entry.write_text(entry.read_text(encoding="utf-8") + ADVISORIES, encoding="utf-8")
    settings = Settings.resolve()
    store = Store.open(settings)
    got = store.entry("gamma-log")
    assert got is not None
    (adv,) = got.advisories
    assert (adv.id, adv.aliases, adv.severity, adv.claims) == (
        "PYSEC-2020-151",
        ("CVE-2020-7695", "GHSA-f97h-2pfx-f59f"),
        "moderate",
        "<0.11.7",
    )
    assert [e.advisories for e in store.entries(["gamma-log"])] == [got.advisories]
    assert store.entry("alpha-pickle").advisories == ()  # type: ignore[union-attr]
    assert store.by_advisory("cve-2020-7695") == ["gamma-log"]
    assert store.by_advisory("PYSEC-2020-151") == ["gamma-log"]
    assert store.by_advisory("CVE-2020-7694") == []
    assert [h[0] for h in store.search("CVE-2020-7695")] == ["gamma-log"]
    row = store.conn.execute(
        "select advisory_id, aliases, severity, url, claims from advisories"
    ).fetchall()
    assert [tuple(r) for r in row] == [
        (
            "PYSEC-2020-151",
            "CVE-2020-7695 GHSA-f97h-2pfx-f59f",
            "moderate",
            "https://osv.dev/vulnerability/PYSEC-2020-151",
            "<0.11.7",
        )
    ]
    store.close()
