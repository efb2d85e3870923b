"""Find Python interpreters on this machine by minor version (pyenv, uv, PATH).

Nothing is hardcoded: candidates come from ``pyenv root``/versions/*/bin/python,
``uv python find X.Y`` and ``pythonX.Y`` on PATH; each is asked for its own
version, so a shim that cannot run is skipped rather than trusted.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from troubleshoot.harness.tools import uv_executable

_PROBE = (
    "import sys, platform; "
    "print('%d.%d.%d' % sys.version_info[:3], platform.python_implementation())"
)
_TIMEOUT = 20.0


@dataclass(frozen=True)
class Interpreter:
    path: Path
    version: str  # "3.8.18"

    @property
    def minor(self) -> str:
        return ".".join(self.version.split(".")[:2])


@dataclass(frozen=True)
class InterpreterSearch:
    """The outcome of a search: the interpreter, or what was tried."""

    found: Interpreter | None
    tried: tuple[str, ...]

    def reason(self, wanted: tuple[str, ...]) -> str:
        names = ", ".join(f"Python {m}" for m in wanted)
        where = "; ".join(self.tried) or "nothing"
        return f"no interpreter found ({names}); tried: {where}"


def _ask(cmd: list[str]) -> str | None:
    """What ``cmd`` prints when it succeeds within the timeout; None when it cannot
    start, fails or hangs."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _probe(path: Path) -> Interpreter | None:
    parts = (_ask([str(path), "-c", _PROBE]) or "").split()
    if len(parts) != 2 or parts[1] != "CPython":
        return None
    return Interpreter(path, parts[0])


def _pyenv_candidates() -> list[Path]:
    exe = shutil.which("pyenv")
    if exe is None:
        return []
    root = _ask([exe, "root"])
    return sorted(Path(root).glob("versions/*/bin/python")) if root else []


def _uv_candidate(minor: str) -> Path | None:
    exe = uv_executable()
    if exe is None:
        return None
    out = _ask([exe, "python", "find", "--no-python-downloads", minor])
    return Path(out) if out else None


@functools.cache
def _pyenv_interpreters() -> tuple[Interpreter, ...]:
    found = (_probe(p) for p in _pyenv_candidates())
    return tuple(i for i in found if i is not None)


def find_interpreter(minors: tuple[str, ...]) -> InterpreterSearch:
    """The first interpreter matching one of ``minors`` (in preference order)."""
    tried: list[str] = []
    pyenv = _pyenv_interpreters()
    tried.append("pyenv versions: " + (", ".join(i.version for i in pyenv) if pyenv else "none"))
    for minor in minors:
        matches = sorted(
            (i for i in pyenv if i.minor == minor),
            key=lambda i: tuple(int(p) for p in i.version.split(".")),
        )
        if matches:
            return InterpreterSearch(matches[-1], tuple(tried))
    for minor in minors:
        for candidate in (_uv_candidate(minor), _which(f"python{minor}")):
            if candidate is None:
                continue
            interp = _probe(candidate)
            if interp is not None and interp.minor == minor:
                return InterpreterSearch(interp, tuple(tried))
        tried.append(f"uv python find {minor}, python{minor} on PATH: not found")
    return InterpreterSearch(None, tuple(tried))


def _which(name: str) -> Path | None:
    found = shutil.which(name)
    return Path(found) if found else None
