"""Never break what a user copies (issue 13): at 80 columns, every code line of every
entry's fixes comes out whole on one line, in `paste-traceback` (compact and
--explain) and `show`; no entry id is cut in any table or list, piped or on a
terminal; no box drawing when piped; colour only on a terminal, never with NO_COLOR.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, run_doctor
from troubleshoot.config import Settings
from troubleshoot.kbload import load_kb
from troubleshoot.render.md import code_lines

KB = REPO / "kb"
BOXES = "╭╮╰╯│┃━┏┓┗┛─"


@pytest.fixture(scope="module")
def entries() -> list:  # type: ignore[type-arg]
    return list(load_kb(Settings.resolve(KB)).entries)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "DOCTOR_KB_DIR": str(KB),
        "DOCTOR_CACHE_DIR": str(tmp_path / "cache"),
        "COLUMNS": "80",
        **extra,
    }


def test_every_fix_code_line_is_whole_at_80_columns(entries: list, tmp_path: Path) -> None:  # type: ignore[type-arg]
    """Render each entry's fixes through the paste report's and show's renderers at 80
    columns and find each code line, unwrapped and uncut, on a line of its own."""
    from rich.console import Console

    from troubleshoot.render.entry_text import entry_doc
    from troubleshoot.render.md import CODE_INDENT, Doc

    checked = 0
    for entry in entries:
        console = Console(width=80, file=io.StringIO(), color_system=None)
        shown = entry_doc(entry, [], console).lines
        out = {line.text.plain.strip() for line in shown}
        for fix in entry.fixes:
            doc = Doc(console)
            doc.md(fix.body, "    ")
            rendered = [line.text.plain for line in doc.lines]
            for code in code_lines(fix.body):
                if not code.strip():
                    continue
                checked += 1
                want = ("    " + CODE_INDENT + code).rstrip()
                assert want in rendered, f"{entry.id}: code line wrapped or cut: {code!r}"
                assert code.strip() in out, f"show {entry.id}: {code!r} not on one line"
    assert checked > 100  # the KB's fixes have hundreds of code lines


def test_paste_output_keeps_code_lines_whole(entries: list, tmp_path: Path) -> None:  # type: ignore[type-arg]
    """The paste report as the command prints it when piped (80 columns, no colour),
    with --explain (every fix shown), for a paste of each entry's own error text."""
    from rich.console import Console

    from troubleshoot.diagnose import diagnose
    from troubleshoot.kbstore import Store
    from troubleshoot.render.match_text import build

    by_id = {e.id: e for e in entries}
    checked = 0
    store = Store.open(Settings.resolve(KB, db_path=tmp_path / "kb.db"))
    try:
        for entry in entries:
            if not entry.error.strip():
                continue
            result = diagnose(entry.error, store, use_environment=False)
            console = Console(width=80, file=io.StringIO(), color_system=None)
            build(result, console, explain=True, paste=entry.error).print()
            out = console.file.getvalue()  # type: ignore[attr-defined]
            shown = {line.strip() for line in out.splitlines()}
            for m in result.matches:
                for fix in m.fixes:
                    assert f"{fix.title}  [{fix.type}]" in out, (entry.id, fix.title)
                    for code in code_lines(fix.body):
                        if code.strip():
                            checked += 1
                            assert code.strip() in shown, f"{m.entry.id}: {code!r} wrapped or cut"
            assert not any(ch in out for ch in BOXES), entry.id
            assert by_id  # every id printed is a KB id
            for found in re.findall(r"^(?:\d+\. )?([a-z0-9][a-z0-9-]+): ", out, re.M):
                assert found in by_id, found
    finally:
        store.close()
    assert checked > 50


@pytest.mark.parametrize("columns", ["80", "40"])
def test_ids_are_never_cut_in_lists_piped(entries: list, tmp_path: Path, columns: str) -> None:  # type: ignore[type-arg]
    ids = {e.id for e in entries}
    listed = run_doctor("list", env=_env(tmp_path, COLUMNS=columns))
    assert listed.returncode == 0, listed.stderr
    first_words = {line.split()[0] for line in listed.stdout.splitlines()[1:] if line.strip()}
    assert first_words == ids  # every id whole, one per line
    found = run_doctor("search", "reload", env=_env(tmp_path, COLUMNS=columns))
    for line in found.stdout.splitlines():
        assert line.split()[0] in ids, line
    # show's evidence table: scenarios and outcomes whole
    from troubleshoot.kbstore import Store

    store = Store.open(Settings.resolve(KB, db_path=tmp_path / "kb.db"))
    try:
        with_runs = [e.id for e in entries if store.evidence(e.id)][:5]
        runs = {e_id: store.evidence(e_id) for e_id in with_runs}
    finally:
        store.close()
    for entry_id in with_runs:
        shown = run_doctor("show", entry_id, env=_env(tmp_path, COLUMNS=columns)).stdout
        assert shown.splitlines()[0].startswith(f"{entry_id}: ")
        rows = [line.split() for line in shown.splitlines()]
        for record in runs[entry_id]:
            assert [record.server, record.version] in [r[:2] for r in rows]
            assert any(record.scenario in r and record.outcome in r for r in rows), record
        assert "…" not in shown.split("Evidence")[-1]


def test_ids_are_never_cut_on_a_terminal(tmp_path: Path) -> None:
    """`doctor list` and `paste-traceback` on a real (pseudo-)terminal 80 columns wide."""
    import pexpect

    env = {**os.environ, **_env(tmp_path), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    ids = {p.stem for p in (KB / "entries").glob("*.toml")}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "troubleshoot", "list", "--kind", "regression"],
        env=env,
        encoding="utf-8",
        dimensions=(200, 80),
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    text = re.sub(r"\x1b\[[0-9;]*m", "", child.before or "")
    words = [line.split()[0] for line in text.splitlines()[1:] if line.strip()]
    assert words and all(w in ids for w in words), words


def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path: Path) -> None:
    import pexpect

    paste = REPO / "tests/corpus/pastes/ssl-with-reload-crash/0.7.2-ssl-reload.txt"
    base = {**os.environ, **_env(tmp_path), "TERM": "xterm-256color"}
    base.pop("NO_COLOR", None)
    piped = subprocess.run(
        [sys.executable, "-m", "troubleshoot", "paste-traceback", str(paste)],
        capture_output=True,
        text=True,
        env=base,
        timeout=60,
        check=False,
    )
    assert "\x1b[" not in piped.stdout
    assert piped.stdout.splitlines()[-1] == (
        "1 known failure: ssl-with-reload-crash — affected (0.7.2) — upgrade to >= 0.8.1"
    )
    for no_color, coloured in ((None, True), ("1", False)):
        env = {**base, **({"NO_COLOR": no_color} if no_color else {})}
        child = pexpect.spawn(
            sys.executable,
            ["-m", "troubleshoot", "paste-traceback", "--no-pager", str(paste)],
            env=env,
            encoding="utf-8",
            dimensions=(24, 80),
            timeout=60,
        )
        child.expect(pexpect.EOF)
        child.close()
        said = child.before or ""
        assert bool(re.search(r"\x1b\[[0-9;]*3[0-9]m|\x1b\[[0-9;]*38;", said)) is coloured, said
        assert "ssl-with-reload-crash" in said


def test_title_placeholders_take_the_users_values() -> None:
    from troubleshoot.render.match_text import title_for

    module = (
        'Error loading ASGI app. Could not import module "X": the app module is not on sys.path'
    )
    shown = 'ERROR:    Error loading ASGI app. Could not import module "main".'
    assert title_for(module, shown).startswith(
        'Error loading ASGI app. Could not import module "main":'
    )
    assert 'module "…":' in title_for(module, "no such line")  # neutral, never a bare X
    child = "--workers: `Child process [N] died` repeats forever"
    assert title_for(child, "INFO:     Child process [4242] died") == (
        "--workers: `Child process [4242] died` repeats forever"
    )
    assert title_for(child, "") == child  # [N] reads as a number already
    literal = 'Ctrl+C / SIGTERM hangs on "Waiting for connections to close"'
    assert title_for(literal, "INFO:     Waiting for connections to close.") == literal


def test_pager_is_pager_env_and_only_for_what_does_not_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal, output taller than the screen goes to $PAGER (DOCTOR_PAGER first);
    what fits, --no-pager, and PAGER=cat or empty write directly."""
    import pexpect

    from troubleshoot.render.pager import pager_command, rows

    paged = tmp_path / "paged.txt"
    base = {**os.environ, **_env(tmp_path), "TERM": "xterm-256color", "NO_COLOR": "1"}
    base.pop("DOCTOR_PAGER", None)

    def run(*args: str, **env: str) -> str:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "troubleshoot", *args],
            env={**base, "PAGER": f"cat > {paged}", **env},
            encoding="utf-8",
            dimensions=(24, 80),
            timeout=60,
        )
        child.expect(pexpect.EOF)
        child.close()
        return child.before or ""

    run("show", "ssl-with-reload-crash")
    text = re.sub(r"\x1b\[[0-9;]*m", "", paged.read_text())  # bold stays with NO_COLOR
    assert text.startswith("ssl-with-reload-crash: ")  # long: paged
    paged.unlink()
    direct = run("show", "--no-pager", "ssl-with-reload-crash")
    assert not paged.exists() and "Fix options" in direct
    short = run(
        "paste-traceback",
        str(REPO / "tests/corpus/pastes/ssl-with-reload-crash/0.7.2-ssl-reload.txt"),
    )
    assert not paged.exists() and "1 known failure: ssl-with-reload-crash" in short
    run("show", "ssl-with-reload-crash", DOCTOR_PAGER="cat")
    assert not paged.exists()
    assert rows("x" * 81 + "\n" + "y", 80) == 3
    monkeypatch.delenv("DOCTOR_PAGER", raising=False)
    monkeypatch.setenv("PAGER", "")
    assert pager_command() is None
    monkeypatch.setenv("DOCTOR_PAGER", "most -s")
    assert pager_command() == "most -s"
