"""Long output through a pager on a terminal, as git and gh do; never in a pipe.

The pager is ``$DOCTOR_PAGER``, else ``$PAGER``, else ``less`` when it is installed,
with ``LESS=FRX`` when ``$LESS`` is unset (quit when it fits, keep colours, leave
the text on the screen). An empty pager or ``cat`` means none. Output that fits in
the terminal is written directly, whatever the pager.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable

from rich.console import Console


def rows(text: str, width: int) -> int:
    """Terminal rows ``text`` takes at ``width`` columns (long lines fold)."""
    from rich.text import Text

    total = 0
    for line in text.split("\n"):
        cells = Text.from_ansi(line).cell_len if "\x1b" in line else Text(line).cell_len
        total += max(1, -(-cells // max(width, 1)))
    return total


def pager_command() -> str | list[str] | None:
    """A shell command line from the environment, or the argv of ``less``; None: no pager."""
    for name in ("DOCTOR_PAGER", "PAGER"):
        if name in os.environ:
            chosen = os.environ[name].strip()
            return None if chosen in ("", "cat") else chosen
    less = shutil.which("less")
    return [less] if less else None


def output(write: Callable[[Console], None], console: Console, *, page: bool = True) -> None:
    """Run ``write`` on ``console``; when stdout is a terminal and what it wrote is
    taller than the terminal, show it through the pager (not on a dumb terminal:
    TERM=dumb, an editor's shell buffer)."""
    if not page or not console.is_terminal or console.is_dumb_terminal or not sys.stdout.isatty():
        write(console)
        return
    with console.capture() as captured:
        write(console)
    text = captured.get()
    command = pager_command()
    if command is None or rows(text.rstrip("\n"), console.width) < console.height:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        sys.stdout.write(text)
        return
    assert proc.stdin is not None
    try:
        proc.stdin.write(text.encode("utf-8", errors="replace"))
        proc.stdin.close()
    except BrokenPipeError:  # the user quit the pager before the end
        pass
    while True:
        try:
            proc.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less ignores it)
            continue
