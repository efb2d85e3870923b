"""`doctor export-site` as a user runs it (a subprocess of the real entry point)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from site_kbdata import write_site_kb


def doctor(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "troubleshoot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        check=False,
    )


@pytest.fixture
def kb_env(tmp_path: Path) -> dict[str, str]:
    settings = write_site_kb(tmp_path / "src")
    return {"DOCTOR_KB_DIR": str(settings.kb_dir), "DOCTOR_CACHE_DIR": str(tmp_path / "cache")}


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_export_and_refusal(kb_env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = doctor("export-site", str(out), "--base-url", "https://x.example/docs", env=kb_env)
    assert done.returncode == 0, done.stderr
    assert "exported 4 pages, 3 OSV records" in done.stdout
    assert (out / "sitemap.xml").is_file()
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "keep.txt").write_text("mine")
    refused = doctor("export-site", str(tmp_path / "foreign"), env=kb_env)
    assert refused.returncode == 2
    assert "doctor: error: refusing to export into" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert (tmp_path / "foreign" / "keep.txt").read_text() == "mine"


def test_without_base_url_says_no_sitemap(kb_env: dict[str, str], tmp_path: Path) -> None:
    done = doctor("export-site", str(tmp_path / "site"), env=kb_env)
    assert done.returncode == 0, done.stderr
    assert "no sitemap.xml (it needs --base-url)" in done.stdout


def test_bad_base_url_is_a_user_error(kb_env: dict[str, str], tmp_path: Path) -> None:
    done = doctor("export-site", str(tmp_path / "s"), "--base-url", "example.org", env=kb_env)
    assert done.returncode == 2
    assert "--base-url must be an absolute http(s) URL" in done.stderr


def test_output_does_not_depend_on_hash_seed(kb_env: dict[str, str], tmp_path: Path) -> None:
    trees = []
    for seed in ("1", "4242"):
        out = tmp_path / f"site-{seed}"
        done = doctor("export-site", str(out), env={**kb_env, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        trees.append(_tree(out))
    assert trees[0] == trees[1]


def test_cli_start_up_does_not_import_the_renderers() -> None:
    code = (
        "import sys, troubleshoot.cli\n"
        "heavy = {'jinja2', 'markdown_it', 'pygments', 'troubleshoot.site.render'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_help_lists_the_command() -> None:
    done = doctor("export-site", "--help", env={})
    assert done.returncode == 0
    assert "--base-url" in done.stdout and "OUT_DIR" in done.stdout
