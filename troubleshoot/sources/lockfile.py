"""What the TOML lock-file sources share: reading with line-numbered errors,
locating each ``[[package]]`` table's line, and telling the formats apart.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from troubleshoot import bounded
from troubleshoot.errors import DoctorError, EnvSourceError
from troubleshoot.sources.interface import EnvSource, MarkerEnv, Record

try:
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)")
_NAME_LINE = re.compile(r"""^\s*name\s*=\s*["']""")


class TomlLockSource(EnvSource):
    """A lock file whose packages are an array of tables (``[[package]]``-style)."""

    complete = True

    #: the array-of-tables key holding the packages: ``package`` or ``packages``
    array_key = "package"
    #: what the format is called in messages
    format_name = "lock file"

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)

    @property
    def description(self) -> str:
        return f"{self.path} ({self.format_name})"

    def collect(self, env: MarkerEnv) -> Iterator[Record]:
        text = read_text(self.path)
        data = parse_toml(text, self.path)
        raw = data.get(self.array_key, [])
        if not isinstance(raw, list):
            raise EnvSourceError(f"{self.path}: '{self.array_key}' must be an array of tables")
        lines = package_lines(text, self.array_key, len(raw))
        for index, table in enumerate(raw):
            line = lines[index]
            if not isinstance(table, dict):
                raise EnvSourceError(f"{self._at(line)}: each {self.array_key} must be a table")
            yield from self.records(table, line, env, data)

    @abstractmethod
    def records(
        self, table: Mapping[str, Any], line: int | None, env: MarkerEnv, data: Mapping[str, Any]
    ) -> Iterator[Record]:
        """The records of one package table (at ``line``) for the target ``env``."""

    def _at(self, line: int | None) -> str:
        return f"{self.path}:{line}" if line else self.path

    def field(
        self, table: Mapping[str, Any], key: str, line: int | None, *, required: bool = False
    ) -> str | None:
        """A string field of a package table; a wrong type is an error naming file:line."""
        value = table.get(key)
        if value is None:
            if required:
                raise EnvSourceError(f"{self._at(line)}: {self.array_key} has no '{key}'")
            return None
        if not isinstance(value, str):
            raise EnvSourceError(
                f"{self._at(line)}: '{key}' must be a string, got {type(value).__name__}"
            )
        return value


def read_text(path: str, error: type[DoctorError] = EnvSourceError) -> str:
    try:
        return bounded.read_bytes(path).decode("utf-8")
    except bounded.TooLarge as exc:
        raise error(f"{path}: {exc}; not a lock or config file") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text") from exc
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc.strerror or exc}") from exc


def parse_toml(text: str, path: str, error: type[DoctorError] = EnvSourceError) -> dict[str, Any]:
    """Parse TOML; a syntax error becomes ``EnvSourceError('path:line: ...')``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        message = str(getattr(exc, "msg", None) or exc)
        if line is None and (found := _AT_LINE.search(message)):
            line = int(found.group(1))
        elif line is None and "at end of document" in message:
            line = max(1, len(text.splitlines()))
        message = _AT_LINE.sub("", message).replace("(at end of document)", "").strip()
        where = f"{path}:{line}" if line else path
        raise error(f"{where}: invalid TOML: {message}") from exc
    except RecursionError as exc:  # tomllib recurses once per nesting level
        raise error(f"{path}: invalid TOML: nested too deeply to read") from exc


def package_lines(text: str, key: str, count: int) -> list[int | None]:
    """Line of each ``[[key]]`` table's ``name =`` (or of its header), in array order.

    tomllib keeps no positions, so the headers are found in the text; when their
    number disagrees with the parsed array (an inline array), lines are unknown.
    """
    header = re.compile(rf"^\s*\[\[\s*{re.escape(key)}\s*\]\]\s*(#.*)?$")
    other = re.compile(r"^\s*\[")
    found: list[int | None] = []
    in_table = False
    for number, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            found.append(number)
            in_table = True
        elif other.match(line):
            in_table = False
        elif in_table and _NAME_LINE.match(line):
            found[-1] = number
            in_table = False
    if len(found) != count:
        return [None] * count
    return found
