"""Deterministic output, and refusal to touch anything that is not a previous export."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from troubleshoot.config import Settings
from troubleshoot.errors import ExportError
from troubleshoot.site import output
from troubleshoot.site.export import _load, build_site, export_site
from troubleshoot.site.output import MARKER, check_target


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_two_exports_are_byte_identical(site_settings: Settings, tmp_path: Path) -> None:
    export_site(site_settings, tmp_path / "a", "https://x.example/")
    export_site(site_settings, tmp_path / "b", "https://x.example/")
    a, b = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []


def test_reexport_over_a_previous_export(site_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "site"
    export_site(site_settings, out)
    first = _tree(out)
    export_site(site_settings, out)
    assert _tree(out) == first
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temp or old dirs left


def test_marker_lists_every_file_with_its_hash(exported_plain_tree: dict[str, bytes]) -> None:
    marker = json.loads(exported_plain_tree[MARKER])
    assert marker["generator"] == "uvicorn-doctor"
    assert sorted(marker["files"]) == sorted(k for k in exported_plain_tree if k != MARKER)


@pytest.fixture
def exported_plain_tree(site_settings: Settings, tmp_path: Path) -> dict[str, bytes]:
    export_site(site_settings, tmp_path / "site")
    return _tree(tmp_path / "site")


def test_no_timestamps_from_the_clock(site_settings: Settings, tmp_path: Path) -> None:
    pages, releases = _load(site_settings)
    files = build_site(pages, "https://x.example/", releases=releases)
    text = b"".join(files.values()).decode("utf-8", "replace")
    dates = set(__import__("re").findall(r"\b20\d\d-\d\d-\d\d\b", text))
    assert dates <= {"2025-12-24", "2026-01-01", "2026-01-02", "2026-01-03"}


def test_refuses_a_non_empty_foreign_directory(site_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(ExportError, match="not empty and is not a previous export"):
        export_site(site_settings, out)
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]
    assert (out / "thesis.tex").read_text() == "years of work"
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]


def test_refuses_a_previous_export_with_user_files(site_settings: Settings, tmp_path: Path) -> None:
    out = tmp_path / "site"
    export_site(site_settings, out)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    with pytest.raises(ExportError, match=r"did not write: \.git/HEAD"):
        export_site(site_settings, out)
    assert (out / ".git" / "HEAD").is_file()


def test_refuses_a_previous_export_with_edited_files(
    site_settings: Settings, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    export_site(site_settings, out)
    (out / "index.html").write_text("my own index")
    with pytest.raises(ExportError, match=r"changed since the export: index\.html"):
        export_site(site_settings, out)
    assert (out / "index.html").read_text() == "my own index"


@pytest.mark.parametrize("marker", ["not json", '{"files": {}}', "[]", '{"generator": 1}'])
def test_refuses_a_foreign_marker(tmp_path: Path, marker: str) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text(marker)
    with pytest.raises(ExportError, match="unreadable"):
        check_target(out)


def test_refuses_a_file_and_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="not a directory"):
        check_target(tmp_path / "file")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(ExportError, match="symbolic link"):
        check_target(tmp_path / "link")


def test_accepts_new_and_empty_directories(site_settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    export_site(site_settings, tmp_path / "empty")
    export_site(site_settings, tmp_path / "new" / "nested")
    assert (tmp_path / "empty" / "index.html").is_file()
    assert (tmp_path / "new" / "nested" / "index.html").is_file()
    assert oct((tmp_path / "empty").stat().st_mode & 0o777) == oct(0o755)


def test_a_failed_write_leaves_the_previous_export(
    site_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    export_site(site_settings, out)
    before = _tree(out)
    real = output._write_tree

    def half_then_fail(root: Path, files: dict[str, bytes]) -> None:
        real(root, dict(list(files.items())[:3]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "_write_tree", half_then_fail)
    with pytest.raises(ExportError, match="No space left on device"):
        export_site(site_settings, out)
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_a_failed_swap_restores_the_previous_export(
    site_settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    export_site(site_settings, out)
    before = _tree(out)
    real_rename = Path.rename

    def rename(self: Path, target: os.PathLike[str] | str) -> Path:
        if self.name.startswith(".site.tmp-"):
            raise OSError(13, "Permission denied")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(ExportError, match="Permission denied"):
        export_site(site_settings, out)
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_bad_base_url_fails_before_any_work(site_settings: Settings, tmp_path: Path) -> None:
    from troubleshoot.errors import InputError

    for bad in ("example.org", "ftp://example.org/", "javascript:alert(1)", "https://x/?q=1"):
        with pytest.raises(InputError, match="--base-url"):
            export_site(site_settings, tmp_path / "site", bad)
    assert not (tmp_path / "site").exists()


def test_a_kb_without_any_evidence_exports(tmp_path: Path) -> None:
    from site_kbdata import write_site_kb

    settings = write_site_kb(tmp_path / "src")
    for path in settings.evidence_dir.glob("*.json"):
        path.unlink()
    alpha = settings.entries_dir / "alpha-pickle.toml"
    # Unverified boundaries are only valid on a kind other than version-bug.
    text = alpha.read_text().replace('status = "verified"', 'status = "unverified"')
    text = text.replace(
        'verified_by = "fix-import-string"', 'unverified = "no recorded runs in this test at all"'
    )
    alpha.write_text(text.replace('kind = "version-bug"', 'kind = "regression"'))
    export_site(settings, tmp_path / "site")
    page = (tmp_path / "site" / "fixes" / "alpha-pickle" / "index.html").read_text()
    assert "No recorded runs yet" in page
