"""Find package versions, the Python version and the platform in a paste.

Only explicit evidence counts: a version next to the package's name in a form
that tools print (``uvicorn==0.7.0``, ``uvicorn-0.10.1.dist-info``,
``Running uvicorn 0.30.1 with CPython 3.11.4 on Linux``), a Python version in an
interpreter path, and platform-specific path shapes. A number that merely
appears near a name is never taken for a version.

Each line is checked for cheap literal triggers before any regex runs, and every
pattern starts at a word boundary, so scanning is linear in the paste.
"""

from __future__ import annotations

import re
from collections import Counter

_VER = r"\d{1,4}(?:\.\d{1,6}){1,3}(?:(?:a|b|rc|\.post|\.dev)\d{1,6}){0,2}(?:\+[\w.]{1,40})?"
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,80}[A-Za-z0-9])?"

# a requirement token: uvicorn==0.13.4, 'uvicorn[standard]==0.13.4', "uvicorn==0.7.0",
_PINNED = re.compile(
    r"(?<![\w.=-])(?P<name>" + _NAME + r")(?:\[[\w,. -]{0,100}\])?==(?P<ver>" + _VER + r")"
    r"(?=$|[\s'\",;)#\]])"
)
# conda-style or "--version uvicorn=0.10.1": a single "=" needs a three-part version
_SINGLE_EQ = re.compile(
    r"(?<![\w.=-])(?P<name>" + _NAME + r")=(?P<ver>\d{1,4}\.\d{1,6}\.\d{1,6}(?:(?:a|b|rc)\d+)?)"
    r"(?=$|[\s'\",;)])"
)
_DIST_INFO = re.compile(
    r"(?<![\w.-])(?P<name>[A-Za-z0-9][\w.]{0,80})-(?P<ver>" + _VER + r")\.(?:dist-info|egg-info)"
)
_EGG = re.compile(
    r"(?<![\w.-])(?P<name>[A-Za-z0-9][\w.]{0,80})-(?P<ver>" + _VER + r")"
    r"(?:-py(?P<py>\d\.\d{1,2}))?(?:-[\w.]{1,40})?\.egg(?=[/\\'\"\s]|$)"
)
_RUNNING = re.compile(
    r"Running uvicorn (?P<ver>"
    + _VER
    + r") with (?P<impl>\w{1,20}) (?P<py>\d\.\d{1,2})[\w.+]{0,20}"
    r"(?: on (?P<os>\w{1,20}))?"
)
_STARTING_GUNICORN = re.compile(r"Starting gunicorn (?P<ver>" + _VER + r")")
# "uvicorn 0.30.1", "uvicorn version: 0.30.1", "uvicorn v0.30.1" for the servers we care about
_NAMED = re.compile(
    r"(?<![\w.-])(?P<name>uvicorn|gunicorn|starlette|fastapi|watchfiles|watchgod|uvloop|httptools"
    r"|h11|websockets|wsproto|anyio)(?: version)?:? v?(?P<ver>" + _VER + r")(?![\w.])",
    re.IGNORECASE,
)
_NAMED_TRIGGER = re.compile(
    r"uvicorn|gunicorn|starlette|fastapi|watch|uvloop|httptools|h11|websockets|wsproto|anyio",
    re.IGNORECASE,
)
_PIP_SHOW_NAME = re.compile(r"Name: (?P<name>" + _NAME + r")$")
_PIP_SHOW_VERSION = re.compile(r"Version: (?P<ver>" + _VER + r")$")

_PY_PATH = re.compile(r"(?<![\w.])python(?P<v>\d\.\d{1,2})t?[/\\]", re.IGNORECASE)
_PY_WIN = re.compile(r"(?<![\w.])python(?P<major>3)(?P<minor>\d{1,2})(?:-32)?[/\\]", re.IGNORECASE)
_PY_TEXT = re.compile(r"(?<![\w.])(?:C?Python):? v?(?P<v>[23]\.\d{1,2})(?:\.\d{1,3})?(?![\w.])")
_EGG_PY = re.compile(r"-py(?P<v>\d\.\d{1,2})\.egg")

_WIN_PATH = re.compile(r"(?<![\w])[A-Za-z]:\\|(?<![\w\\])\\\\[\w.$-]{1,80}\\")
# Spyder, pathlib's as_posix() and many IDEs print Windows paths with forward slashes.
_WIN_SLASH_PATH = re.compile(r"(?<![\w/])[A-Za-z]:/(?=[\w.$ -])")
# The interpreter's banner: "Python 3.11.4 (...) [MSC v.1934 64 bit (AMD64)] on win32"
_BANNER = re.compile(r"\] on (?P<os>win32|linux|darwin|cygwin)$")
_POSIX_ROOT = re.compile(
    r"(?<![\w.~/:-])/(?P<root>Users|Library/Frameworks|opt/homebrew|usr/local/Cellar|private/var/folders"
    r"|home|root|app|srv|snap|usr/lib/python\d|usr/local/lib/python\d)[/.]"
)
_ROOT_PLATFORM: dict[str, str] = {
    "Users": "darwin",
    "Library/Frameworks": "darwin",
    "opt/homebrew": "darwin",
    "usr/local/Cellar": "darwin",
    "private/var/folders": "darwin",
}
_OS_NAMES = {"linux": "linux", "darwin": "darwin", "windows": "win32"}
_NOT_PACKAGES = frozenset({"version", "v", "python", "py", "ver"})


def canonical_name(name: str) -> str:
    """PEP 503 normalisation: lower case, runs of ``-_.`` become ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


_SEEN_CAP = 200_000  # distinct lines remembered; beyond it every line is scanned


class VersionScanner:
    """Collects version evidence line by line; :meth:`result` picks the answers."""

    def __init__(self) -> None:
        self.versions: dict[str, str] = {}
        self.conflicts: dict[str, set[str]] = {}
        self._python: Counter[str] = Counter()
        self._platform: Counter[str] = Counter()
        self._pip_show_name: str | None = None
        self._seen: set[str] = set()

    def _package(self, name: str, version: str) -> None:
        key = canonical_name(name)
        if key in _NOT_PACKAGES or not key[:1].isalpha():
            return
        seen = self.versions.setdefault(key, version)
        if seen != version and len(self.conflicts) < 50:
            self.conflicts.setdefault(key, set()).add(version)

    def scan(self, line: str) -> None:
        """Look at one normalised line (each distinct line once: a traceback that
        several workers print alike is one piece of evidence, not several)."""
        self._scan_pip_show(line)  # stateful (Name:, then Version:): sees every line
        if line in self._seen:
            return
        if len(self._seen) < _SEEN_CAP:
            self._seen.add(line)
        if "=" in line:
            if "==" in line:
                for m in _PINNED.finditer(line):
                    self._package(m.group("name"), m.group("ver"))
            for m in _SINGLE_EQ.finditer(line):
                self._package(m.group("name"), m.group("ver"))
        if "-info" in line:
            for m in _DIST_INFO.finditer(line):
                self._package(m.group("name"), m.group("ver"))
        if ".egg" in line:
            for m in _EGG.finditer(line):
                self._package(m.group("name"), m.group("ver"))
                if m.group("py"):
                    self._python[m.group("py")] += 1
        self._scan_named(line)
        self._scan_python(line)
        self._scan_platform(line)

    def _scan_named(self, line: str) -> None:
        if "Running uvicorn" in line:
            m = _RUNNING.search(line)
            if m:
                self._package("uvicorn", m.group("ver"))
                if m.group("impl").lower() in ("cpython", "pypy"):
                    self._python[m.group("py")] += 1
                os_name = _OS_NAMES.get((m.group("os") or "").lower())
                if os_name:
                    self._platform[os_name] += 3
                return
        if "Starting gunicorn" in line:
            m = _STARTING_GUNICORN.search(line)
            if m:
                self._package("gunicorn", m.group("ver"))
        if _NAMED_TRIGGER.search(line):
            for m in _NAMED.finditer(line):
                self._package(m.group("name"), m.group("ver"))

    def _scan_pip_show(self, line: str) -> None:
        if line.startswith("Name: "):
            m = _PIP_SHOW_NAME.match(line)
            self._pip_show_name = m.group("name") if m else None
        elif line.startswith("Version: ") and self._pip_show_name:
            m = _PIP_SHOW_VERSION.match(line)
            if m:
                self._package(self._pip_show_name, m.group("ver"))
            self._pip_show_name = None

    def _scan_python(self, line: str) -> None:
        if "ython" not in line:
            if "-py" in line and ".egg" in line:
                for m in _EGG_PY.finditer(line):
                    self._python[m.group("v")] += 1
            return
        for m in _PY_PATH.finditer(line):
            self._python[m.group("v")] += 1
        for m in _PY_WIN.finditer(line):
            self._python[f"{m.group('major')}.{m.group('minor')}"] += 1
        for m in _PY_TEXT.finditer(line):
            self._python[m.group("v")] += 1

    def _scan_platform(self, line: str) -> None:
        if "\\" in line and _WIN_PATH.search(line):
            self._platform["win32"] += 1
        if ":/" in line and _WIN_SLASH_PATH.search(line):
            self._platform["win32"] += 1
        if line.endswith(("] on win32", "] on linux", "] on darwin", "] on cygwin")):
            m = _BANNER.search(line)
            if m:
                self._platform["win32" if m.group("os") == "cygwin" else m.group("os")] += 3
        if "/" in line:
            for m in _POSIX_ROOT.finditer(line):
                self._platform[_ROOT_PLATFORM.get(m.group("root"), "linux")] += 1
        if "dist-packages" in line:
            self._platform["linux"] += 1

    def python_version(self) -> tuple[str | None, str | None]:
        """(major.minor, note when several were seen)."""
        return _pick(self._python, "Python versions")

    def platform(self) -> tuple[str | None, str | None]:
        """(sys.platform value, note when the evidence disagrees)."""
        return _pick(self._platform, "platforms")


def _pick(votes: Counter[str], what: str) -> tuple[str | None, str | None]:
    """The clear winner of ``votes`` (at least twice any other), else None."""
    if not votes:
        return None, None
    ranked = votes.most_common()
    best, count = ranked[0]
    if len(ranked) == 1:
        return best, None
    runner_up = ranked[1][1]
    seen = ", ".join(sorted(votes))
    if count >= 2 * runner_up:
        return best, f"several {what} in the paste ({seen}); using {best}"
    return None, f"several {what} in the paste ({seen}); not guessing"
