"""`doctor paste-traceback` end to end, through the real entry point."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import run_doctor

PASTE = """\
INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)
Traceback (most recent call last):
  File "/srv/app/.venv/bin/uvicorn", line 8, in <module>
    sys.exit(main())
  File "/srv/app/.venv/lib/python3.8/site-packages/uvicorn/main.py", line 340, in run
    supervisor.run()
  File "/usr/lib/python3.8/multiprocessing/process.py", line 121, in start
    self._popen = self._Popen(self)
AttributeError: Can't pickle local object 'make.<locals>.app'
"""


def test_match_from_file_json_shape(mini_kb: Path, tmp_path: Path) -> None:
    paste = tmp_path / "paste.txt"
    paste.write_text(PASTE, encoding="utf-8")
    result = run_doctor("paste-traceback", "--json", "--no-env", str(paste))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    top = data["matches"][0]
    assert top["id"] == "alpha-pickle"
    assert set(top) >= {
        "id",
        "title",
        "score",
        "confidence",
        "upstream_issues",
        "upstream_prs",
        "fixed_in",
        "version_status",
        "why",
    }
    assert top["upstream_issues"] == [478, 484]  # canonical first
    assert 0 < top["score"] <= 1 and top["confidence"] in {"high", "medium", "low"}
    assert any("line 9" in why for why in top["why"])
    assert data["parsed"]["exceptions"][0]["type"] == "AttributeError"


@pytest.mark.parametrize("how", ["stdin", "dash"])
def test_match_from_stdin(mini_kb: Path, how: str) -> None:
    args = ["paste-traceback", "--json", "--no-env"] + (["-"] if how == "dash" else [])
    result = run_doctor(*args, stdin=PASTE)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["matches"][0]["id"] == "alpha-pickle"


def test_text_output_has_fix_why_and_links(mini_kb: Path) -> None:
    """Issue 13: the diagnosis first (candidates, what tells them apart, then for each
    the verdict, the confidence and the fix), the entry's details only with --explain,
    and a closing summary line."""
    paste = "uvicorn 0.10.3\n" + PASTE
    result = run_doctor("paste-traceback", "--no-env", stdin=paste.replace("\n", "\r\n"))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "2 known failures fit this paste:",
        "  1. alpha-pickle — affected (0.10.3), confidence high (0.93)",
        "  2. beta-pickle-reload — not version-specific, confidence high (0.85)",
    ]
    assert lines[3] == "What tells them apart:"  # right after the candidates
    assert "Did you start uvicorn with --reload" in lines[4]
    out = result.stdout
    assert "1. alpha-pickle: Alpha: pickle error with workers" in out
    assert "  verdict: affected — uvicorn 0.10.3 is in >=0.10.1,<0.10.6" in out
    assert "  verdict: not version-specific — any uvicorn release can hit it" in out
    assert "  confidence: high (0.93)" in out
    assert "  fix: Pass an import string  [code-change]" in out
    assert "When not to use it" not in out and "Why this matched" not in out
    assert "https://" not in out
    assert lines[-1] == (
        "2 known failures fit: alpha-pickle — affected (0.10.3) — pass an import string; "
        "beta-pickle-reload — not version-specific — drop --reload"
    )
    assert not any(ch in out for ch in "╭│╰─┃━"), "no box drawing in a pipe"

    explained = run_doctor("paste-traceback", "--no-env", "--explain", stdin=paste).stdout
    assert "When not to use it: Never wrong." in explained
    assert "https://github.com/Kludex/uvicorn/issues/478" in explained
    assert "  why it matched:" in explained and "  why it breaks:" in explained
    assert "exception signature 'pickle-local', line 10:" in explained
    assert explained.splitlines()[-1] == lines[-1]
    assert run_doctor("paste-traceback", "--no-env", "-v", stdin=paste).stdout == explained


def test_no_match_says_so_and_what_was_parsed(mini_kb: Path) -> None:
    paste = (
        'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n'
        "KeyError: 'user_id'\n"
    )
    result = run_doctor("paste-traceback", "--no-env", stdin=paste)
    assert result.returncode == 1
    assert "No known uvicorn failure matches" in result.stdout
    assert "KeyError" in result.stdout


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", "the paste is empty"),
        (b"   \n\t\n", "the paste is empty"),
        (bytes(range(256)) * 40, "binary data"),
        (b"\0" * 1000, "binary data"),
    ],
    ids=["empty", "whitespace", "binary", "nul"],
)
def test_bad_input_exit_2_with_message(mini_kb: Path, stdin: bytes, message: str) -> None:
    result = run_doctor("paste-traceback", stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_and_directory(mini_kb: Path, tmp_path: Path) -> None:
    missing = run_doctor("paste-traceback", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2 and "nope.txt: no such file" in missing.stderr
    folder = run_doctor("paste-traceback", str(tmp_path))
    assert folder.returncode == 2 and "is a directory" in folder.stderr


def test_invalid_utf8_is_read_with_replacement(mini_kb: Path) -> None:
    data = PASTE.encode() + b"\xff\xfe broken bytes \xc3\x28\n"
    result = run_doctor("paste-traceback", "--json", "--no-env", stdin=data)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["matches"][0]["id"] == "alpha-pickle"


@pytest.mark.slow
def test_huge_paste_a_million_lines(mini_kb: Path) -> None:
    """A million log lines around the traceback: a result, not a crash or a hang."""
    noise = 'INFO:     127.0.0.1:5000 - "GET / HTTP/1.1" 200 OK\n' * 1_000_000
    result = run_doctor("paste-traceback", "--json", "--no-env", stdin=noise + PASTE, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["matches"][0]["id"] == "alpha-pickle"


def test_oversized_paste_refused(mini_kb: Path) -> None:
    result = run_doctor("paste-traceback", stdin=b"x" * (64 * 1024 * 1024 + 10), timeout=120)
    assert result.returncode == 2
    assert "larger than 64 MB" in result.stderr


def test_show_search_list(mini_kb: Path) -> None:
    show = run_doctor("show", "alpha-pickle")
    assert show.returncode == 0 and "Pass an import string" in show.stdout
    assert "no recorded runs yet" in show.stdout
    typo = run_doctor("show", "alpha-pikle")
    assert typo.returncode == 2 and "did you mean alpha-pickle" in typo.stderr
    found = run_doctor("search", "--json", "zebrafish")
    assert found.returncode == 0 and json.loads(found.stdout)[0]["id"] == "gamma-log"
    assert run_doctor("search", "nothingmatchesthis").returncode == 1
    listed = json.loads(run_doctor("list", "--json", "--version", "0.10.3").stdout)
    assert [row["id"] for row in listed] == ["alpha-pickle"]
    assert json.loads(run_doctor("list", "--json", "--version", "0.11.0").stdout) == []
    by_tag = json.loads(run_doctor("list", "--json", "--tag", "reload").stdout)
    assert [row["id"] for row in by_tag] == ["beta-pickle-reload"]
    bad = run_doctor("list", "--kind", "bogus")
    assert bad.returncode == 2 and "--kind must be one of" in bad.stderr


def test_closed_pipe_is_not_a_traceback(mini_kb: Path) -> None:
    """`doctor show ID | head -1`: the reader leaves early; no BrokenPipeError noise."""
    import subprocess
    import sys

    doctor = subprocess.Popen(
        [sys.executable, "-m", "troubleshoot", "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert doctor.stdout is not None
    doctor.stdout.close()  # nobody reads
    _, err = doctor.communicate(timeout=60)
    assert b"Traceback" not in err


def test_installed_version_reads_what_importlib_metadata_reads(tmp_path: Path) -> None:
    from importlib import metadata

    from troubleshoot.diagnose import InstalledVersions, installed_version

    for name in ("typer", "rich", "packaging", "pytest", "sqlite-utils"):
        assert installed_version(name) == metadata.version(name)
    assert installed_version("no-such-distribution-here") is None
    # The first match in path order wins; a longer name sharing the prefix is not it.
    first, second = tmp_path / "a", tmp_path / "b"
    (first / "uvicorn-0.30.6.dist-info").mkdir(parents=True)
    (second / "uvicorn_worker-0.1.0.dist-info").mkdir(parents=True)
    (second / "uvicorn-0.10.3.dist-info").mkdir()
    assert installed_version("uvicorn", [str(first), str(second)]) == "0.30.6"
    assert installed_version("uvicorn", [str(tmp_path / "missing"), str(second)]) == "0.10.3"
    assert dict(InstalledVersions(("no-such-distribution-here",))) == {}


def test_version_comes_from_the_environment_when_the_paste_has_none(
    mini_kb: Path, tmp_path: Path
) -> None:
    import os

    site = tmp_path / "site"
    (site / "uvicorn-0.10.3.dist-info").mkdir(parents=True)
    env = {"PYTHONPATH": str(site) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    top = json.loads(run_doctor("paste-traceback", "--json", stdin=PASTE, env=env).stdout)
    top = top["matches"][0]
    assert (top["version"], top["version_source"], top["version_status"]) == (
        "0.10.3",
        "environment",
        "affected",
    )
    ignored = json.loads(
        run_doctor("paste-traceback", "--json", "--no-env", stdin=PASTE, env=env).stdout
    )["matches"][0]
    assert (ignored["version"], ignored["version_source"]) == (None, None)


def test_a_misuse_the_release_refuses_still_asks_for_the_fix() -> None:
    """uvicorn >= 0.10.6 refuses an app object with workers: that is not "fixed" for
    the user, whose code still has to change."""
    paste = (
        "INFO:     Uvicorn running on http://127.0.0.1:8000\n"
        "WARNING:  You must pass the application as an import string to enable 'reload' "
        "or 'workers'.\n"
    )
    result = run_doctor("paste-traceback", "--no-env", "-", stdin=paste, env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "version verdict unknown" in result.stdout  # no version: no verdict
    with_version = run_doctor(
        "paste-traceback",
        "--no-env",
        "-",
        stdin="uvicorn 0.30.6\n" + paste,
        env={"COLUMNS": "200"},
    )
    text = " ".join(with_version.stdout.split())
    assert "verdict: your version reports this clearly" in text
    assert "the fix below is still needed" in text
    assert "your version has the fix" not in text
    assert text.endswith("reported clearly by 0.30.6 — pass an import string instead of the object")


def test_uvicorn_version_option_gives_the_verdict(mini_kb: Path, tmp_path: Path) -> None:
    """Issue 11: the verdict for a version the paste does not show, in JSON and text."""
    paste = tmp_path / "paste.txt"
    paste.write_text(PASTE, encoding="utf-8")
    for version, status in (("0.10.3", "affected"), ("0.10.6", "fixed")):
        result = run_doctor("paste-traceback", "--json", "--uvicorn-version", version, str(paste))
        assert result.returncode == 0, result.stderr
        top = json.loads(result.stdout)["matches"][0]
        assert (top["version"], top["version_source"], top["version_status"]) == (
            version,
            "option",
            status,
        )
    text = run_doctor("paste-traceback", "--uvicorn-version", "0.10.3", str(paste))
    assert "--uvicorn-version)" in text.stdout  # "(version from --uvicorn-version)"
    bad = run_doctor("paste-traceback", "--uvicorn-version", "soon", str(paste))
    assert bad.returncode == 2
    assert "'soon' is not a version number" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_a_likely_answer_comes_first_in_the_text_output(tmp_path: Path) -> None:
    """Issue 11: with no match, the likely candidate and the fact that would confirm it
    are the first lines; what the paste was read as follows."""
    from tests.conftest import REPO

    paste = tmp_path / "paste.txt"
    paste.write_text("OSError: [Errno 98] Address already in use\n", encoding="utf-8")
    result = run_doctor(
        "paste-traceback",
        "--no-env",
        str(paste),
        env={"DOCTOR_KB_DIR": str(REPO / "kb"), "DOCTOR_CACHE_DIR": str(tmp_path / "c")},
    )
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Likely, not confirmed: address-already-in-use")
    assert "What would confirm it: that this output comes from uvicorn" in " ".join(lines[:4])
    assert "uvicorn: not shown by the paste" in result.stdout


def test_explain_shows_each_matched_log_line_on_its_own_line(tmp_path: Path) -> None:
    """Issue 13: a text signature spanning three log lines showed them joined; with
    --explain each comes on its own line, as pasted."""
    from tests.conftest import REPO

    paste = REPO / "tests/corpus/pastes/ssl-with-reload-crash/0.7.2-ssl-reload.txt"
    env = {"DOCTOR_KB_DIR": str(REPO / "kb"), "DOCTOR_CACHE_DIR": str(tmp_path / "c")}
    out = run_doctor("paste-traceback", "--explain", str(paste), env=env).stdout
    lines = out.splitlines()
    at = lines.index("    text signature 'https-reloader-dies-at-start', lines 9-11:")
    assert lines[at + 1 : at + 4] == [
        "      INFO: Uvicorn running on https://127.0.0.1:45173 (Press CTRL+C to quit)",
        "      INFO: Started reloader process [19873]",
        "      Traceback (most recent call last):",
    ]
    assert "    commit 54633394: https://github.com/Kludex/uvicorn/commit/54633394" in lines
    brief = run_doctor("paste-traceback", str(paste), env=env).stdout.splitlines()
    assert brief[:3] == [
        "ssl-with-reload-crash: --reload with --ssl-keyfile/--ssl-certfile crashes at start "
        "(and 0.7.3-0.8.0 crash every reload/workers run)",
        "  verdict: affected — uvicorn 0.7.2 is in >=0.5.0,<0.7.3 (version from the",
        "    paste)",
    ]
    assert re.fullmatch(r"  confidence: high \(0\.\d\d\)", brief[3])
    assert brief[-1] == (
        "1 known failure: ssl-with-reload-crash — affected (0.7.2) — upgrade to >= 0.8.1"
    )
    assert len(brief) <= 22  # with the prompt and the command line: one 24-row screen
