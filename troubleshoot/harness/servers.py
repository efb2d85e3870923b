"""The server under test: the bundled reference server, or one uvicorn release.

``parse_server("reference" | "uvicorn==X.Y.Z")`` gives a :class:`ServerSpec`;
``prepare(spec)`` turns it into a :class:`PreparedServer` (an interpreter, the
command prefix, the flags that release needs) or an :class:`Unavailable` value
with the reason, never an exception for "this machine cannot run it".
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from packaging.version import InvalidVersion, Version

from troubleshoot.errors import HarnessError, InputError
from troubleshoot.harness import interpreters, venvs
from troubleshoot.harness.recipes import Recipe, recipe_for

ServerKind = Literal["reference", "uvicorn"]


@dataclass(frozen=True)
class ServerSpec:
    kind: ServerKind
    version: str | None = None  # a uvicorn release; None for the reference server

    @property
    def label(self) -> str:
        return "reference" if self.kind == "reference" else f"uvicorn=={self.version}"


@dataclass(frozen=True)
class PreparedServer:
    """Everything a scenario needs to start the server under test."""

    kind: ServerKind
    version: str
    python: Path  # runs the repro's scripts
    python_version: str
    cli: tuple[str, ...]  # command prefix taking uvicorn-style options
    module: str  # "uvicorn" or "reference_server": what scripts import `run` from
    cli_flags: tuple[str, ...] = ()  # appended to every CLI start (old releases)
    run_kwargs: dict[str, str] = field(default_factory=dict)  # the same, for run()
    env: dict[str, str] = field(default_factory=dict)
    extras: tuple[str, ...] = ()  # requirements installed next to the release

    @property
    def label(self) -> str:
        return "reference" if self.kind == "reference" else f"uvicorn=={self.version}"

    @property
    def release(self) -> Version | None:
        return Version(self.version) if self.kind == "uvicorn" else None


@dataclass(frozen=True)
class Unavailable:
    """This machine cannot run the server (an interpreter is missing, say)."""

    spec: ServerSpec
    reason: str
    python: str = "-"


def parse_server(text: str) -> ServerSpec:
    """``reference`` or ``uvicorn==X.Y.Z``; anything else is the user's mistake."""
    text = text.strip()
    if text == "reference":
        return ServerSpec("reference")
    match = re.fullmatch(r"uvicorn==(\S+)", text)
    if match:
        try:
            Version(match[1])
        except InvalidVersion:
            raise InputError(f"--server: {match[1]!r} is not a version") from None
        return ServerSpec("uvicorn", match[1])
    raise InputError(f"--server must be 'reference' or 'uvicorn==X.Y.Z', got {text!r}")


def prepare(spec: ServerSpec, extras: Sequence[str] = ()) -> PreparedServer | Unavailable:
    """``extras``: requirements installed next to a uvicorn release (the reference
    server runs on this interpreter and ignores them: a scenario that needs them
    there declares ``requires=``)."""
    if spec.kind == "reference":
        return _reference()
    assert spec.version is not None
    # The boundary to the file system and the installers: what they refuse becomes
    # one HarnessError naming the server (exit 3), never a traceback.
    try:
        return _uvicorn(spec, spec.version, tuple(extras))
    except (OSError, subprocess.SubprocessError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise HarnessError(f"cannot prepare {spec.label}: {reason}") from exc


def _reference() -> PreparedServer:
    from reference_server import __version__

    found = importlib.util.find_spec("reference_server")
    if found is None or found.origin is None:
        raise HarnessError("the reference_server package is not importable")
    package_root = str(Path(found.origin).resolve().parent.parent)
    return PreparedServer(
        kind="reference",
        version=__version__,
        python=Path(sys.executable),
        python_version=".".join(str(n) for n in sys.version_info[:3]),
        cli=(sys.executable, "-m", "reference_server"),
        module="reference_server",
        env={"PYTHONPATH": package_root},
    )


def _uvicorn(
    spec: ServerSpec, version: str, extras: tuple[str, ...]
) -> PreparedServer | Unavailable:
    recipe = recipe_for(version)
    search = interpreters.find_interpreter(recipe.pythons)
    if search.found is None:
        wanted = " or ".join(recipe.pythons)
        return Unavailable(
            spec,
            f"no Python {wanted} interpreter found for uvicorn {version}; "
            f"tried: {'; '.join(search.tried)}",
        )
    env = venvs.ensure_env(version, search.found, recipe, extras)
    chosen = pure_python_flags(recipe, env, extras)
    flags = [word for pair in chosen for word in pair]
    kwargs = {option.lstrip("-").replace("-", "_"): value for option, value in chosen}
    return PreparedServer(
        kind="uvicorn",
        version=version,
        python=env / "bin" / "python",
        python_version=search.found.version,
        cli=(str(env / "bin" / "uvicorn"),),
        module="uvicorn",
        cli_flags=tuple(flags),
        run_kwargs=kwargs,
        extras=extras,
    )


# The implementations a pure-Python flag stands in for: when a scenario installs one
# next to a --no-deps release, that flag is not forced (the scenario passes its own).
_IMPLEMENTATIONS = {
    "httptools": "--http",
    "uvloop": "--loop",
    "websockets": "--ws",
    "wsproto": "--ws",
}


def _supplied_options(extras: Sequence[str]) -> set[str]:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    options = set()
    for text in extras:
        try:
            name = canonicalize_name(Requirement(text).name)
        except InvalidRequirement:
            continue
        if name in _IMPLEMENTATIONS:
            options.add(_IMPLEMENTATIONS[name])
    return options


def pure_python_flags(
    recipe: Recipe, env: Path, extras: Sequence[str] = ()
) -> list[tuple[str, str]]:
    """The recipe's pure-Python choices (``--http h11``, ...) that the release in
    ``env`` lists in its ``--help``, except those an extra brings an implementation
    for (the scenario then picks it)."""
    if not recipe.pure_python_flags:
        return []
    help_text = venvs.cli_choices(env)
    supplied = _supplied_options(extras)
    return [
        (option, value)
        for option, value in recipe.pure_python_flags
        if option not in supplied and value in _choices(help_text, option)
    ]


def _choices(help_text: str, option: str) -> set[str]:
    """The values click lists for ``option`` (``--ws [none|auto|...]``)."""
    match = re.search(re.escape(option) + r"\s+\[([A-Za-z0-9_|-]+)\]", help_text)
    return set(match[1].split("|")) if match else set()
