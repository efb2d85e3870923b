"""What the two corpus generators share: capture.py (real uvicorn releases) and
lookalikes.py (programs that are not uvicorn). Not run by the test suite.

* ``find_python``/``ask``: an interpreter by minor version (the harness's search:
  pyenv, uv, PATH) and what a snippet run by an interpreter prints;
* ``program_environ``/``start``: the environment a program runs in and starting it
  with the harness's ``Proc`` (its own process group, output in a log file);
* ``normalise``/``write``: machine-specific text replaced, the corpus file written;
* ``main``: the command line (``--only``, ``--list``, ``--venvs``, ``--fresh``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from troubleshoot.harness.interpreters import find_interpreter
from troubleshoot.harness.procs import Proc

CORPUS = Path(__file__).resolve().parent


def find_python(minor: str) -> Path:
    """The newest CPython ``minor`` ("3.11") on this machine, or exit saying what was tried."""
    search = find_interpreter((minor,))
    if search.found is None:
        raise SystemExit(search.reason((minor,)))
    return search.found.path


def ask(python: Path, code: str, *args: str) -> list[str]:
    """The words a snippet run by ``python`` prints."""
    done = subprocess.run(
        [str(python), "-c", code, *args], check=True, capture_output=True, text=True
    )
    return done.stdout.split()


def program_environ(venv: Path, **extra: str) -> dict[str, str]:
    """This environment without PYTHON*/VIRTUAL_ENV, the venv's ``bin`` first on PATH,
    no colours, unbuffered output; then ``extra``."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    environ.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{environ.get('PATH', '')}",
        TERM="dumb",
        NO_COLOR="1",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return environ


def start(
    argv: list[str], cwd: Path, environ: dict[str, str], logs: Path, stdin: str | None = None
) -> Proc:
    """``argv`` in its own process group; its merged output goes to a new log file in
    ``logs`` (a folder outside ``cwd``: a reloader watching ``cwd`` must not see it)."""
    name = Path(argv[0]).name
    log = logs / f"{len(list(logs.iterdir()))}-{name}.log"
    return Proc(name, argv, cwd, environ, log, stdin=stdin)


def normalise(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """Each real path replaced by the made-up one a report would show."""
    for real, fake in pairs:
        text = text.replace(real, fake)
    return text


def write(target: Path, header: Sequence[str], text: str) -> Path:
    """The corpus file: ``## key: value`` header lines (the tests strip them), then the text."""
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(header) + "\n" + text)
    return target


class Named(Protocol):
    @property
    def name(self) -> str: ...


S = TypeVar("S", bound=Named)


def main(
    doc: str,
    scenarios: Sequence[S],
    listing: Callable[[S], str],
    capture: Callable[[S, Path], Path],
    fresh: Callable[[list[S], Path], None],
    venvs: Path,
) -> None:
    """The command line: list the chosen scenarios (``listing`` gives each one's line)
    or capture each one (``capture(scenario, venvs)`` writes its corpus file and
    returns the path); with ``--fresh``, ``fresh(chosen, venvs)`` first throws away
    the environments they would reuse."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("--only", action="append", default=[], help="substring of scenario names")
    p.add_argument("--list", action="store_true")
    p.add_argument(
        "--venvs",
        "--venv",
        type=Path,
        default=venvs,
        help="where the virtualenvs are built and reused (default: %(default)s)",
    )
    p.add_argument("--fresh", action="store_true", help="build the environments again")
    a = p.parse_args()
    chosen = [s for s in scenarios if not a.only or any(o in s.name for o in a.only)]
    if a.list:
        for s in chosen:
            print(listing(s))
        return
    if a.fresh:
        fresh(chosen, a.venvs)
    a.venvs.mkdir(parents=True, exist_ok=True)
    for s in chosen:
        print(f"{s.name} ...", flush=True)
        print(f"  -> {capture(s, a.venvs).relative_to(CORPUS)}", flush=True)
