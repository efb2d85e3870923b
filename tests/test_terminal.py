"""`doctor` in a real terminal (issue 13): tmux at 80x24, as a user in a hurry sees it.

Each test types a command into a shell inside a private tmux server (its own ``-L``
socket, killed in a finally), waits for it to end, and reads the visible screen
with ``capture-pane``. Three real executed pastes from tests/corpus: a single match,
two candidates, no match; and the guided mode answered with "don't know". Every
screen is also rendered to a PNG in test-artifacts/terminal/ (``capture-pane -e``,
rich's SVG export, headless Chromium) for a reviewer to look at.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(
    TMUX is None, reason="no tmux: apt-get install tmux (.ci/run installs it)"
)
ARTIFACTS = REPO / "test-artifacts" / "terminal"
SINGLE = "tests/corpus/pastes/ssl-with-reload-crash/0.7.2-ssl-reload.txt"
TWO = "tests/corpus/pastes/workers-restart-loop/0.46.0-lifespan-failure-loop.txt"
NONE = "tests/corpus/negatives/fastapi-keyerror-h11-0.54.0.txt"
WIDTH, HEIGHT = 80, 24


class Term:
    """One tmux server on a private socket, one 80x24 pane running bash."""

    def __init__(self, tmp: Path, *, no_color: bool = False) -> None:
        self.socket = f"doctor-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        bindir = tmp / "bin"
        bindir.mkdir(exist_ok=True)
        doctor = bindir / "doctor"
        doctor.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m troubleshoot "$@"\n')
        doctor.chmod(0o755)
        rc = tmp / "bashrc"
        rc.write_text("PS1='$ '\n")
        self.shell = f"bash --rcfile {rc} --noprofile"
        config = tmp / "tmux.conf"
        config.write_text(
            'set -g default-terminal "screen-256color"\nset -g status off\n'
            "set -g history-limit 5000\n"
        )
        drop = {"COLUMNS", "LINES", "PAGER", "DOCTOR_PAGER", "LESS", "NO_COLOR", "TMUX"}
        env = {k: v for k, v in os.environ.items() if k not in drop}
        env.update(
            {
                "PATH": f"{bindir}{os.pathsep}{env.get('PATH', '')}",
                "TMUX_TMPDIR": str(tmp),  # the server's socket lives and dies with tmp
                "DOCTOR_KB_DIR": str(REPO / "kb"),
                "DOCTOR_CACHE_DIR": str(tmp / "cache"),
                "PYTHONPATH": str(REPO),
                **({"NO_COLOR": "1"} if no_color else {}),
            }
        )
        self.env = env
        self.tmux(
            "-f",
            str(config),
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            str(WIDTH),
            "-y",
            str(HEIGHT),
            "-c",
            str(REPO),
            self.shell,
        )

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        done = subprocess.run(
            [TMUX, "-L", self.socket, *args],
            capture_output=True,
            text=True,
            timeout=20,
            env=getattr(self, "env", None),
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)}: {done.stderr}")
        return done.stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "t", *(["-l"] if literal else []), *keys)

    def type(self, line: str) -> None:
        self.keys(line, literal=True)
        self.keys("Enter")

    def screen(self, *, ansi: bool = False) -> str:
        """The visible pane (wrapped lines joined with -J: what a copy gives)."""
        return self.tmux("capture-pane", "-p", "-J", "-t", "t", *(["-e"] if ansi else []))

    def rows(self) -> list[str]:
        """The visible pane row by row, as the eye sees it (no joining)."""
        return self.tmux("capture-pane", "-p", "-t", "t").split("\n")[:HEIGHT]

    def running(self) -> str:
        return self.tmux("display-message", "-p", "-t", "t", "#{pane_current_command}").strip()

    def scrolled_away(self) -> int:
        return int(self.tmux("display-message", "-p", "-t", "t", "#{history_size}").strip())

    def wait(self, ready: Callable[[], bool], what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.1)
        raise AssertionError(f"waited {timeout}s for {what}; the screen:\n{self.screen()}")

    def fresh(self) -> None:
        """A new shell in a new window: an empty screen and no scrollback."""
        self.tmux("new-window", "-k", "-t", "t:0", "-c", str(REPO), self.shell)
        self.wait(lambda: self.screen().strip() == "$", "a fresh prompt")

    def run(self, command: str) -> None:
        """Type ``command`` and wait until the shell prompt is back, or a pager waits."""
        self.fresh()
        self.type(command)
        self.wait(lambda: self._prompt_back() or self.paging(), "the command to end")

    def paging(self) -> bool:
        """A pager waits for a key (less's ``:`` prompt on the last row); tmux names the
        foreground group's leader, the doctor process, not less."""
        return self.running() != "bash" and self.rows()[-1].rstrip() in (":", "(END)")

    def _prompt_back(self) -> bool:
        lines = [line for line in self.screen().split("\n") if line.strip()]
        return self.running() == "bash" and len(lines) > 1 and lines[-1].strip() == "$"

    def close(self) -> None:
        subprocess.run(
            [str(TMUX), "-L", self.socket, "kill-server"],
            capture_output=True,
            timeout=20,
            env=self.env,
            check=False,
        )


@pytest.fixture
def term(tmp_path: Path) -> Iterator[Term]:
    t = Term(tmp_path)
    try:
        t.wait(lambda: t.screen().rstrip().endswith("$"), "the shell prompt")
        yield t
    finally:
        t.close()


def screenshot(term: Term, name: str) -> Path:
    """The pane as the eye sees it (colours included) as test-artifacts/terminal/NAME.png
    (and .svg); the PNG only when Chromium is installed."""
    from rich.console import Console
    from rich.text import Text

    ansi = term.tmux("capture-pane", "-p", "-e", "-t", "t")
    console = Console(
        record=True,
        width=WIDTH,
        file=io.StringIO(),
        force_terminal=True,
    )
    console.print(Text.from_ansi(ansi.rstrip("\n")), soft_wrap=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    svg = ARTIFACTS / f"{name}.svg"
    svg.write_text(console.export_svg(title=f"doctor: {name} (80x24)"), encoding="utf-8")
    chromium = shutil.which("chromium")
    png = ARTIFACTS / f"{name}.png"
    if chromium is None:
        return svg
    box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg.read_text(encoding="utf-8"))
    w, h = (int(float(box[1])) + 1, int(float(box[2])) + 1) if box else (1000, 700)
    proc = subprocess.Popen(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--hide-scrollbars",
            f"--window-size={w},{h}",
            f"--screenshot={png}",
            svg.as_uri(),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        proc.wait(timeout=90)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert png.is_file() and png.stat().st_size > 1000, f"no screenshot at {png}"
    return png


def _visible(term: Term) -> str:
    return term.screen()


def test_single_match_answers_on_one_screen(term: Term) -> None:
    term.run(f"doctor paste-traceback {SINGLE}")
    screen = _visible(term)
    screenshot(term, "paste-single-match")
    lines = screen.split("\n")
    # The whole answer fits: nothing scrolled away, the command line is still there.
    assert term.scrolled_away() == 0, screen
    assert lines[0].startswith(f"$ doctor paste-traceback {SINGLE}")
    assert lines[1].startswith("ssl-with-reload-crash: --reload with --ssl-keyfile")
    assert lines[1].endswith("(and 0.7.3-0.8.0 crash every reload/workers run)")  # never cut
    assert "  verdict: affected — uvicorn 0.7.2 is in >=0.5.0,<0.7.3" in screen
    assert "  confidence: high" in screen
    assert "  fix: Upgrade to uvicorn 0.8.1 or later  [upgrade]" in lines
    assert '        pip install --upgrade "uvicorn>=0.8.1"' in lines  # the command, whole
    assert "1 known failure: ssl-with-reload-crash — affected (0.7.2) — upgrade to >= 0.8.1" in (
        lines[-3:] + [line for line in lines if line.strip()][-2:]
    )
    assert not any(ch in screen for ch in "╭╮╰╯│")


def test_two_candidates_first_screen_tells_them_apart(term: Term) -> None:
    term.run(f"doctor paste-traceback {TWO}")
    paged = term.paging()
    if shutil.which("less"):
        assert paged, "longer than the screen: through the pager"
    first = _visible(term)
    screenshot(term, "paste-two-candidates-pager" if paged else "paste-two-candidates")
    if paged:
        term.keys("q")
        term.wait(term._prompt_back, "the pager to quit")
    after = _visible(term)
    screenshot(term, "paste-two-candidates-after")
    shown = after if paged else first
    rows = shown.split("\n")
    if paged:  # less -FRX leaves its first page on the screen
        top = rows.index("2 known failures fit this paste:")
        assert rows[top + 1].startswith("  1. workers-restart-loop — affected (0.46.0)")
        assert rows[top + 2].startswith("  2. lifespan-startup-failed — not version-specific")
        assert rows[top + 3] == "What tells them apart:"  # right after the list
        assert "  verdict: affected — uvicorn 0.46.0 is in" in shown
        assert "  fix: Upgrade to uvicorn 0.50.0 or later  [upgrade]" in rows
        assert '        pip install "uvicorn>=0.50.0"' in rows
    else:  # no pager installed: the closing line carries both verdicts and fixes
        assert "2 known failures fit: workers-restart-loop — affected (0.46.0) — upgrade" in shown

    term.run(f"doctor paste-traceback --no-pager {TWO}")
    assert term.running() == "bash"
    tail = [line for line in _visible(term).split("\n") if line.strip()]
    assert tail[-2].startswith("2 known failures fit: workers-restart-loop — affected (0.46.0)")


def test_no_match_says_so_on_one_screen(term: Term) -> None:
    term.run(f"doctor paste-traceback {NONE}")
    screen = _visible(term)
    screenshot(term, "paste-no-match")
    assert term.scrolled_away() == 0, screen
    assert "No known uvicorn failure matches this paste." in screen
    assert "line 84: KeyError: 'bob'" in screen
    last = [line for line in screen.split("\n") if line.strip()][-2]
    assert last.startswith("0 known failures: 1 exception(s), the last KeyError: 'bob'")


def test_guided_mode_takes_dont_know_for_an_answer(term: Term, tmp_path: Path) -> None:
    """The paste of the two-candidate case without its version: the session asks what
    separates them and the version; Enter, ? and dunno each skip a question."""
    text = (REPO / TWO).read_text(encoding="utf-8")
    paste = tmp_path / "paste.txt"
    paste.write_text(
        "".join(line for line in text.splitlines(True) if not line.startswith("## ")),
        encoding="utf-8",
    )
    term.fresh()
    term.type("doctor")
    term.wait(lambda: "paste what your terminal showed" in term.screen(), "the paste prompt")
    term.tmux("load-buffer", "-b", "p", str(paste))
    term.tmux("paste-buffer", "-b", "p", "-t", "t", "-d")
    term.keys("C-d")
    asked: list[str] = []
    for answer in ("", "?", "dunno", "don't know"):
        term.wait(
            lambda: (
                term.screen().rstrip().endswith("don't know]:")
                or term.paging()
                or term._prompt_back()
            ),
            "a question or the answer",
        )
        if term.paging() or term._prompt_back():
            break
        question = [line for line in term.screen().split("\n") if line.strip()][-1]
        assert question not in asked, "a 'don't know' answer must not repeat the question"
        asked.append(question)
        term.type(answer)
        term.wait(lambda q=question: term.screen().rstrip().split("\n")[-1] != q, "the next step")
    assert any("Which uvicorn version" in q for q in asked), asked
    term.wait(lambda: term.paging() or term._prompt_back(), "the answer")
    screenshot(term, "guided-dont-know")
    if term.paging():
        term.keys("q")
        term.wait(term._prompt_back, "the pager to quit")
    screen = _visible(term)
    assert "2 known failures fit this paste" in screen
    assert "version unknown" in screen or "by the paste's wording" in screen


def test_show_pages_on_a_terminal_and_never_in_a_pipe(term: Term) -> None:
    term.run("doctor show ssl-with-reload-crash --version 0.7.2")
    assert term.paging(), "show is longer than a screen: through the pager"
    rows = term.rows()
    screenshot(term, "show-pager")
    assert rows[0] == "uvicorn 0.7.2: affected by ssl-with-reload-crash (fixed in 0.8.1)"
    assert rows[1].startswith("ssl-with-reload-crash: --reload with")
    term.keys("q")
    term.wait(term._prompt_back, "the pager to quit")
    term.run("doctor show ssl-with-reload-crash | tail -n 3")
    assert not term.paging()
    assert "commit aa049b2f: https://github.com/Kludex/uvicorn/commit/aa049b2f" in term.screen()
    term.run("doctor show --no-pager ssl-with-reload-crash")
    assert not term.paging()
    assert term.scrolled_away() > 0  # it ran past the screen, as asked
