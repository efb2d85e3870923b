"""The paste service: read input safely, parse it, match it against the KB."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

from troubleshoot.errors import InputError
from troubleshoot.kbstore import Store
from troubleshoot.match import DEFAULT_MIN_SCORE, Match, MatchResult, match
from troubleshoot.parse import parse_paste
from troubleshoot.parse.model import Parsed

MAX_PASTE_BYTES = 64 * 1024 * 1024
_PLATFORM_MARKERS = {
    "win32": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    "darwin": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
}


def read_paste(stream: BinaryIO, name: str) -> str:
    """Read a paste as text; refuse what cannot be a paste, saying why."""
    data = stream.read(MAX_PASTE_BYTES + 1)
    if len(data) > MAX_PASTE_BYTES:
        raise InputError(
            f"{name}: the input is larger than {MAX_PASTE_BYTES // 2**20} MB; "
            "paste the traceback and the log lines around it, not the whole log"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its BOM (Windows tools)
        text = data.decode("utf-16", errors="replace")
    elif _looks_binary(data[:8192]):
        raise InputError(f"{name}: this looks like binary data, not a traceback or a log")
    else:
        text = data.decode("utf-8", errors="replace")
    text = text.replace("\0", "")
    if not text.strip():
        raise InputError(f"{name}: the paste is empty; paste the traceback or log output")
    return text


_CONTROL = frozenset(range(32)) - {9, 10, 11, 12, 13, 27} | {127}


def _looks_binary(head: bytes) -> bool:
    """Text pastes have almost no control bytes (tab, newlines and ESC aside) and
    decode as UTF-8; a few stray ones are tolerated, since copies pick some up."""
    if not head:
        return False
    controls = sum(1 for b in head if b in _CONTROL)
    undecodable = head.decode("utf-8", errors="replace").count("\ufffd")
    return controls > len(head) // 20 or undecodable > len(head) // 20


def read_source(source: str | None) -> tuple[str, str]:
    """(text, display name) from a file path, '-' or stdin."""
    if source is None or source == "-":
        return read_paste(sys.stdin.buffer, "stdin"), "stdin"
    path = Path(source)
    try:
        with path.open("rb") as fh:
            return read_paste(fh, source), source
    except FileNotFoundError as exc:
        raise InputError(f"{source}: no such file") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{source}: is a directory, not a file") from exc
    except OSError as exc:
        raise InputError(f"{source}: cannot read: {exc.strerror}") from exc


def installed_version(name: str, path: list[str] | None = None) -> str | None:
    """The version of ``name`` that ``import`` would find, like
    ``importlib.metadata.version`` but read from the ``.dist-info`` folder name
    (importing importlib.metadata costs more than the whole lookup). Other kinds of
    install (``.egg-info``) fall back to importlib.metadata."""
    prefix = re.sub(r"[-_.]+", "_", name).lower() + "-"
    for entry in sys.path if path is None else path:
        try:
            names = [child.name for child in Path(entry or ".").iterdir()]
        except OSError:
            continue
        for found in names:
            low = found.lower()
            if not low.startswith(prefix):
                continue
            if low.endswith(".dist-info"):
                return found[len(prefix) : -len(".dist-info")]
            if low.endswith(".egg-info"):
                from importlib import metadata

                try:
                    return metadata.version(name)
                except metadata.PackageNotFoundError:
                    return None
    return None


class _Lazy(Mapping[str, str]):
    """A mapping computed on first use."""

    _values: dict[str, str] | None = None

    def _compute(self) -> dict[str, str]:
        raise NotImplementedError

    def _load(self) -> dict[str, str]:
        if self._values is None:
            self._values = self._compute()
        return self._values

    def __getitem__(self, key: str) -> str:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


class InstalledVersions(_Lazy):
    """Versions of ``packages`` installed here, looked up on first use: most pastes
    show their version, or match nothing."""

    def __init__(self, packages: tuple[str, ...] = ("uvicorn",)) -> None:
        self._packages = packages

    def _compute(self) -> dict[str, str]:
        versions = {name: installed_version(name) for name in self._packages}
        return {name: v for name, v in versions.items() if v}


class MarkerEnvironment(_Lazy):
    """PEP 508 marker values for the paste's machine, computed on first use.

    The current interpreter's values, overridden by what the paste shows; the
    platform is unknown unless the paste tells it (it may come from another
    machine). Lazy, because most verdicts need no marker and packaging.markers
    is slow to import.
    """

    def __init__(self, parsed: Parsed) -> None:
        self._parsed = parsed

    def _compute(self) -> dict[str, str]:
        from packaging.markers import default_environment

        env = {k: str(v) for k, v in default_environment().items()}
        parsed = self._parsed
        if parsed.platform in _PLATFORM_MARKERS:
            env.update(_PLATFORM_MARKERS[parsed.platform])
        else:
            for key in ("sys_platform", "platform_system", "os_name", "platform_machine"):
                env.pop(key, None)
        if parsed.python_version:
            env["python_version"] = ".".join(parsed.python_version.split(".")[:2])
            env["python_full_version"] = parsed.python_version
        return env


def diagnose(
    text: str,
    store: Store,
    *,
    use_environment: bool = True,
    min_score: float = DEFAULT_MIN_SCORE,
    versions: Mapping[str, str] | None = None,
    uvicorn_version: str | None = None,
) -> MatchResult:
    """Parse and match a paste. ``uvicorn_version`` is the user's own version (the
    ``--uvicorn-version`` option): every candidate whose paste shows none is judged
    for it, and the version is not asked."""
    parsed = parse_paste(text)
    env_versions: Mapping[str, str] = (
        dict(versions)
        if versions
        else InstalledVersions()
        if use_environment and uvicorn_version is None
        else {}
    )
    marker_env = MarkerEnvironment(parsed)
    result = match(
        parsed, store, env_versions=env_versions, marker_env=marker_env, min_score=min_score
    )
    if uvicorn_version is None:
        return result
    from dataclasses import replace

    from troubleshoot.match import with_version

    def judged(ms: tuple[Match, ...]) -> tuple[Match, ...]:
        return tuple(
            with_version(m, uvicorn_version, marker_env, source="option")
            if m.entry.package.lower() == "uvicorn"
            else m
            for m in ms
        )

    separators = tuple(s for s in result.separators if s.condition != "version")
    return replace(
        result, matches=judged(result.matches), likely=judged(result.likely), separators=separators
    )


def check_version(value: str) -> str:
    """``value`` if it is a PEP 440 version, else an InputError naming it."""
    from packaging.version import InvalidVersion, Version

    try:
        Version(value)
    except InvalidVersion as exc:
        raise InputError(
            f"--uvicorn-version: {value!r} is not a version number (like 0.18.1)"
        ) from exc
    return value
