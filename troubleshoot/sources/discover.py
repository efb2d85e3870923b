"""Which sources check-env reads when none is named on the command line.

The running interpreter's environment when uvicorn is installed there (the tool
installed in the project's venv); otherwise the project's own pins in the
current folder: requirements files, ``uv.lock``, ``poetry.lock``,
``pylock*.toml`` (a pre-commit hook runs in an isolated environment, in the
repository root). When neither shows uvicorn, the check is blind and says so
(exit status 4): it never passes on what it could not see.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from troubleshoot.report.model import Location
from troubleshoot.sources.interface import EnvSource

# requirements.txt, requirements-dev.txt, requirements/prod.txt is not read (a folder)
_REQUIREMENTS = re.compile(r"^requirements[\w.-]*\.txt$")
_LOCKS = ("uv.lock", "poetry.lock")
_PYLOCK = re.compile(r"^pylock(\.[\w-]+)?\.toml$")


def project_pins(folder: Path) -> list[EnvSource]:
    """The requirement and lock files at the top of ``folder``, in a stable order."""
    from troubleshoot.sources.locks import lock_source
    from troubleshoot.sources.requirements import RequirementsSource

    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_file())
    except OSError:
        return []
    found: list[EnvSource] = []
    for name in names:
        path = folder / name if folder != Path() else Path(name)
        if _REQUIREMENTS.match(name):
            found.append(RequirementsSource(str(path)))
        elif name in _LOCKS or _PYLOCK.match(name):
            found.append(lock_source(path))
    return found


def uvicorn_installed() -> bool:
    try:
        metadata.distribution("uvicorn")
    except metadata.PackageNotFoundError:
        return False
    return True


def default_sources(folder: Path) -> list[EnvSource]:
    from troubleshoot.sources.installed import InstalledSource

    if uvicorn_installed():
        return [InstalledSource()]
    return project_pins(folder) or [InstalledSource()]


# Files that declare a project's dependencies, in the order a finding prefers them.
_MANIFESTS = ("pyproject.toml", "requirements.txt", "setup.cfg", "setup.py", "Pipfile")


def manifest_location(folder: Path) -> Location | None:
    """The first line naming uvicorn in the project's dependency files, if any."""
    from troubleshoot import bounded

    for name in _MANIFESTS:
        path = folder / name
        if not bounded.is_regular(path):
            continue
        try:
            text = bounded.read_bytes(path, 1 << 20).decode("utf-8", errors="replace")
        except (OSError, bounded.TooLarge):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if re.search(r"\buvicorn\b", line, re.IGNORECASE):
                shown = path if folder != Path() else Path(name)
                return Location(str(shown), number)
    return None
