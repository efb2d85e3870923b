"""Release sources for the catalog: PyPI sdists (or wheels) and the pyenv Pythons.

PyPI is read through its JSON API (``https://pypi.org/pypi/<name>/json``) with
urllib; each release's sdist (its wheel when it has none) is downloaded once,
checked against the sha256 PyPI publishes, and unpacked under a cache folder
outside the repository, ``<cache>/<package>/<version>/``. Nothing here is ever
written inside the checkout.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.version import InvalidVersion, Version

from troubleshoot.config import cache_dir

PYPI_JSON = "https://pypi.org/pypi/{name}/json"
_TIMEOUT = 120


def default_cache() -> Path:
    """``~/.cache/uvicorn-doctor/catalog-src`` (honours DOCTOR_CACHE_DIR and XDG_CACHE_HOME)."""
    return cache_dir() / "catalog-src"


@dataclass(frozen=True)
class Artifact:
    """One downloadable file of one release."""

    package: str
    version: str
    url: str
    filename: str
    sha256: str
    yanked: bool


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=_TIMEOUT) as response:
        data: bytes = response.read()
    return data


def _pick(files: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The sdist of a release, else a pure-Python wheel, else any wheel."""
    sdists = [f for f in files if f.get("packagetype") == "sdist"]
    if sdists:
        return sdists[0]
    wheels = [f for f in files if f.get("packagetype") == "bdist_wheel"]
    wheels.sort(key=lambda f: (not str(f["filename"]).endswith("-none-any.whl"), f["filename"]))
    return wheels[0] if wheels else None


def list_releases(package: str) -> list[Artifact]:
    """Every release of ``package`` on PyPI that has a usable file, oldest first."""
    index_url = PYPI_JSON.format(name=package)
    payload = json.loads(_get(index_url))
    found: list[Artifact] = []
    for version, files in payload["releases"].items():
        chosen = _pick(files)
        if chosen is None:
            continue
        try:
            Version(version)
        except InvalidVersion:
            continue
        found.append(
            Artifact(
                package=package,
                version=version,
                # The index may hand out relative file URLs: resolve them against it.
                url=urllib.parse.urljoin(index_url, chosen["url"]),
                filename=chosen["filename"],
                sha256=chosen["digests"]["sha256"],
                yanked=bool(chosen.get("yanked")),
            )
        )
    found.sort(key=lambda a: Version(a.version))
    return found


def _safe_members(names: Iterable[str]) -> bool:
    for name in names:
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts:
            return False
    return True


def _unpack(data: bytes, filename: str, target: Path) -> None:
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    if filename.endswith((".whl", ".zip")):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            py_names = [n for n in archive.namelist() if n.endswith(".py")]
            if not _safe_members(py_names):
                raise ValueError(f"unsafe member path in {filename}")
            for name in py_names:
                out = tmp / name
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(archive.read(name))
    else:
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            members = [m for m in archive.getmembers() if m.isfile() and m.name.endswith(".py")]
            if not _safe_members(m.name for m in members):
                raise ValueError(f"unsafe member path in {filename}")
            for member in members:
                extracted = archive.extractfile(member)
                if extracted is None:
                    continue
                out = tmp / member.name
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(extracted.read())
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)


def fetch(artifact: Artifact, cache: Path) -> Path:
    """The unpacked ``*.py`` files of one release (downloaded and unpacked once)."""
    target = cache / artifact.package / artifact.version
    marker = target / ".complete"
    if marker.is_file():
        return target
    archive = cache / "_archives" / artifact.filename
    if archive.is_file() and hashlib.sha256(archive.read_bytes()).hexdigest() == artifact.sha256:
        data = archive.read_bytes()
    else:
        data = _get(artifact.url)
        digest = hashlib.sha256(data).hexdigest()
        if digest != artifact.sha256:
            raise ValueError(f"{artifact.filename}: sha256 {digest}, PyPI says {artifact.sha256}")
        archive.parent.mkdir(parents=True, exist_ok=True)
        archive.write_bytes(data)
    _unpack(data, artifact.filename, target)
    marker.write_text(artifact.filename + "\n")
    return target


@dataclass(frozen=True)
class Interpreter:
    """One installed CPython whose standard library is read."""

    minor: str  # "3.11"
    full: str  # "3.11.7"
    stdlib: Path


def pyenv_pythons(minimum: tuple[int, int] = (3, 6)) -> list[Interpreter]:
    """The CPythons pyenv has installed (one per minor version, the newest patch), oldest first."""
    pyenv = shutil.which("pyenv")
    if pyenv is None:
        return []
    bare = subprocess.run(
        [pyenv, "versions", "--bare"], capture_output=True, text=True, check=True
    ).stdout.split()
    root = Path(
        subprocess.run([pyenv, "root"], capture_output=True, text=True, check=True).stdout.strip()
    )
    best: dict[str, tuple[Version, Interpreter]] = {}
    for name in bare:
        try:
            version = Version(name)
        except InvalidVersion:
            continue  # "system", virtualenvs, other implementations
        if version.is_prerelease or (version.major, version.minor) < minimum:
            continue
        minor = f"{version.major}.{version.minor}"
        lib = root / "versions" / name / "lib" / f"python{minor}"
        if not (lib / "os.py").is_file():
            continue
        if minor not in best or best[minor][0] < version:
            best[minor] = (version, Interpreter(minor=minor, full=name, stdlib=lib))
    return [interp for _, interp in sorted(best.values(), key=lambda pair: pair[0])]


def binaries(interpreter: Interpreter) -> list[Path]:
    """The interpreter's executable, shared library and C extension modules."""
    prefix = interpreter.stdlib.parent.parent
    found = [
        *(prefix / "bin").glob(f"python{interpreter.minor}"),
        *(prefix / "lib").glob(f"libpython{interpreter.minor}*.so*"),
        *(interpreter.stdlib / "lib-dynload").glob("*.so"),
    ]
    return sorted(p for p in found if p.is_file())


def holds_strings(interpreter: Interpreter, needles: Iterable[str]) -> set[str]:
    """Which of the strings occur, as whole C strings, in the interpreter's binaries."""
    # The terminating NUL keeps "... main thread" from matching "... main thread of ...".
    wanted = {n: n.encode() + b"\0" for n in needles}
    found: set[str] = set()
    for path in binaries(interpreter):
        data = path.read_bytes()
        found.update(n for n, raw in wanted.items() if n not in found and raw in data)
    return found
