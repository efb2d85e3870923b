"""What an environment source produces, and the base every source implements.

A source (installed distributions, another interpreter, a requirements file, a
lock file) yields frozen records from :meth:`EnvSource.collect`:

- :class:`Package`: a distribution whose version is known;
- :class:`UndecidedVersion`: a distribution named by the source whose version cannot
  be known (``uvicorn>=0.20`` is not a pin, an editable checkout has no release
  number). This is a value with a reason, never an exception: the check reports
  it and goes on.

Sources raise :class:`~troubleshoot.errors.EnvSourceError` (naming the file and
line) only when the input itself is unreadable or malformed.

A :class:`Snapshot` gathers the records of one or more sources together with the
marker environment of the *target* (PEP 508 names such as ``sys_platform``),
which decides requirement markers, lock-file forks and the KB's ``when`` ranges.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from packaging.markers import (
    InvalidMarker,
    Marker,
    UndefinedComparison,
    UndefinedEnvironmentName,
    default_environment,
)
from packaging.utils import canonicalize_name

if TYPE_CHECKING:
    from troubleshoot.sources.install_record import RecordCheck

# The PEP 508 names a marker environment holds, as `packaging` computes them.
MarkerEnv = Mapping[str, str]

PLATFORM_NAMES = {
    # --platform value: (sys_platform, platform_system, os_name)
    "linux": ("linux", "Linux", "posix"),
    "darwin": ("darwin", "Darwin", "posix"),
    "win32": ("win32", "Windows", "nt"),
}


@dataclass(frozen=True)
class Package:
    """One distribution at a known version, and where the source found it."""

    name: str  # canonical (PEP 503) name
    version: str
    origin: str  # a file path, or a description such as "installed in /usr/bin/python3"
    line: int | None = None  # 1-based line in ``origin`` when it is a file

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", canonicalize_name(self.name))


@dataclass(frozen=True)
class UndecidedVersion:
    """A distribution the source names but whose version cannot be decided."""

    name: str
    reason: str  # "not pinned (>=0.20)", "editable install", ...
    origin: str
    line: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", canonicalize_name(self.name))


Record = Package | UndecidedVersion


class EnvSource(ABC):
    """One place package versions come from."""

    #: the source lists every distribution of the target (an environment, a lock
    #: file), so a name it lacks is not installed; a requirements file is not
    complete: bool = False

    @property
    @abstractmethod
    def description(self) -> str:
        """A short human label: ``requirements.txt``, ``installed (python3.11 at ...)``."""

    @abstractmethod
    def collect(self, env: MarkerEnv) -> Iterator[Record]:
        """Yield the records of this source, evaluating its markers against ``env``."""

    def marker_env(self) -> MarkerEnv | None:
        """The target's marker environment when the source knows it (an interpreter)."""
        return None

    def search_path(self) -> list[str] | None:
        """The ``sys.path`` of the target, when the source is an installed environment:
        where its uvicorn's files can be compared with their RECORD."""
        return None


@dataclass(frozen=True)
class Snapshot:
    """Everything check-env knows about the target environment."""

    packages: tuple[Package, ...]
    unevaluated: tuple[UndecidedVersion, ...] = ()
    markers: MarkerEnv = field(default_factory=lambda: MappingProxyType({}))
    sources: tuple[str, ...] = ()
    complete: bool = False  # every source lists the whole environment
    # uvicorn's installed files against its RECORD, per installed environment read
    installs: tuple[RecordCheck, ...] = ()

    def versions(self) -> dict[str, str]:
        """Canonical name -> version; the first record of a name wins (as on sys.path)."""
        out: dict[str, str] = {}
        for pkg in self.packages:
            out.setdefault(pkg.name, pkg.version)
        return out

    def named(self, name: str) -> list[Package]:
        """Every record of ``name`` with a distinct version (lock files may hold several)."""
        seen: set[str] = set()
        found = []
        for pkg in self.packages:
            if pkg.name == name and pkg.version not in seen:
                seen.add(pkg.version)
                found.append(pkg)
        return found


def current_env() -> dict[str, str]:
    """The marker environment of the running interpreter."""
    return {str(key): str(value) for key, value in default_environment().items()}


def target_env(
    base: MarkerEnv | None = None, *, platform: str | None = None, python_version: str | None = None
) -> dict[str, str]:
    """The marker environment of the target: ``base`` (default: this interpreter) + overrides."""
    env = dict(base) if base is not None else current_env()
    if platform is not None:
        sys_platform, system, os_name = PLATFORM_NAMES[platform]
        env.update(sys_platform=sys_platform, platform_system=system, os_name=os_name)
    if python_version is not None:
        parts = python_version.split(".")
        env["python_version"] = ".".join(parts[:2])
        env["python_full_version"] = python_version if len(parts) >= 3 else f"{python_version}.0"
    return env


def marker_applies(marker: str, env: MarkerEnv) -> bool | None:
    """Evaluate a PEP 508 marker; None when it cannot be evaluated (invalid or undefined)."""
    try:
        return Marker(marker).evaluate(dict(env))
    except (InvalidMarker, UndefinedComparison, UndefinedEnvironmentName):
        return None


def snapshot(sources: Iterable[EnvSource], env: MarkerEnv) -> Snapshot:
    """Collect every source against ``env`` into one :class:`Snapshot`."""
    sources = list(sources)
    packages: list[Package] = []
    unevaluated: list[UndecidedVersion] = []
    labels: list[str] = []
    for source in sources:
        labels.append(source.description)
        for record in source.collect(env):
            if isinstance(record, Package):
                packages.append(record)
            else:
                unevaluated.append(record)
    from troubleshoot.sources.install_record import check_installed

    installs = [
        check
        for source in sources
        if (path := source.search_path()) is not None
        and (check := check_installed("uvicorn", path)) is not None
    ]
    return Snapshot(
        tuple(packages),
        tuple(unevaluated),
        MappingProxyType(dict(env)),
        tuple(labels),
        complete=bool(sources) and all(s.complete for s in sources),
        installs=tuple(installs),
    )
