"""``-r requirements.txt`` and ``pip freeze`` output.

The pip requirements-file syntax, read the way pip reads it: ``\\`` continuation
lines joined, ``#`` comments dropped (a ``#`` must start the line or follow
whitespace, so ``#egg=`` fragments in URLs survive), ``${VAR}`` expanded, ``-r``
includes followed relative to the including file (``-c`` constraints are read
for validity but install nothing), per-requirement options such as
``--hash=sha256:...`` accepted.

Only a ``==`` or ``===`` pin gives a version. Everything else that names a
package (``uvicorn>=0.20``, ``-e`` checkouts, ``name @ URL`` of a source tree)
is reported as :class:`UndecidedVersion` with the reason. A line pip would reject is
an :class:`EnvSourceError` naming ``file:line``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import overload

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)

from troubleshoot import bounded
from troubleshoot.errors import EnvSourceError
from troubleshoot.sources.interface import (
    EnvSource,
    MarkerEnv,
    Package,
    Record,
    UndecidedVersion,
    marker_applies,
)

_ENV_VAR = re.compile(r"\$\{([A-Z0-9_]+)\}")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9._-]+)")  # in a URL's fragment: see _egg()

# Options a requirements file may carry on a line of their own.
_INCLUDE = {
    "-r": "requirement",
    "--requirement": "requirement",
    "-c": "constraint",
    "--constraint": "constraint",
}
_EDITABLE = {"-e", "--editable"}
_GLOBAL_WITH_VALUE = {
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "--trusted-host",
    "--only-binary",
    "--no-binary",
    "--use-feature",
}
_GLOBAL_FLAGS = {"--no-index", "--pre", "--prefer-binary", "--require-hashes"}
# Options allowed after a requirement on the same line.
_PER_REQUIREMENT = {"--hash", "--config-settings", "--global-option", "--install-option"}


class RequirementsSource(EnvSource):
    """One requirements file (``-`` reads standard input), with its ``-r`` includes."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)

    @property
    def description(self) -> str:
        return "<stdin>" if self.path == "-" else self.path

    def collect(self, env: MarkerEnv) -> Iterator[Record]:
        yield from _File(env).read(self.path, stack=(), constraint=False)


class _File:
    def __init__(self, env: MarkerEnv) -> None:
        self.env = env

    def read(self, path: str, *, stack: tuple[str, ...], constraint: bool) -> Iterator[Record]:
        text, label, key = _load(path, stack)
        for number, line in _logical_lines(text):
            yield from self._line(line, label, number, (*stack, key), constraint)

    def _line(
        self, line: str, file: str, number: int, stack: tuple[str, ...], constraint: bool
    ) -> Iterator[Record]:
        where = f"{file}:{number}"
        tokens = line.split()
        if tokens[0].startswith("-"):
            yield from self._option_line(tokens, file, number, stack)
            return
        first_option = next((i for i, t in enumerate(tokens) if t.startswith("-")), len(tokens))
        _check_per_requirement(tokens[first_option:], where)
        record = self._requirement(" ".join(tokens[:first_option]), file, number, where)
        if record is not None and not constraint:
            yield record

    def _option_line(
        self, tokens: list[str], file: str, number: int, stack: tuple[str, ...]
    ) -> Iterator[Record]:
        where = f"{file}:{number}"
        option, value = _split_option(tokens, where)
        if option in _INCLUDE:
            if value is None:
                raise EnvSourceError(f"{where}: {option} needs a file name")
            if "://" in value:
                raise EnvSourceError(
                    f"{where}: remote requirement files are not supported "
                    f"(check-env works offline): {value}"
                )
            base = Path.cwd() if file == "<stdin>" else Path(file).parent
            yield from self.read(
                str(base / value), stack=stack, constraint=_INCLUDE[option] == "constraint"
            )
        elif option in _EDITABLE:
            if value is None:
                raise EnvSourceError(f"{where}: {option} needs a path or URL")
            if egg := _egg(value):
                yield UndecidedVersion(
                    egg.group(1), f"editable install ({value}): no release version", file, number
                )
        elif option in _GLOBAL_WITH_VALUE:
            if value is None:
                raise EnvSourceError(f"{where}: {option} needs a value")
        elif option not in _GLOBAL_FLAGS:
            raise EnvSourceError(f"{where}: unknown option {option}")

    def _requirement(self, text: str, file: str, number: int, where: str) -> Record | None:
        if _looks_like_path_or_url(text):
            return _from_artifact(text, file, number)
        try:
            req = Requirement(text)
        except InvalidRequirement as exc:
            raise EnvSourceError(f"{where}: invalid requirement {text!r}: {exc}") from exc
        if req.marker is not None:
            applies = marker_applies(str(req.marker), {"extra": "", **self.env})
            if applies is False:
                return None  # not installed on the target platform/Python
            if applies is None:
                return UndecidedVersion(
                    req.name, f"marker cannot be evaluated: {req.marker}", file, number
                )
        if req.url:  # "name @ URL": a wheel or sdist names its version, a tree does not
            return _from_artifact(req.url, file, number, name=req.name)
        pins = [
            s.version
            for s in req.specifier
            if s.operator in ("==", "===") and not s.version.endswith("*")
        ]
        if pins:
            return Package(req.name, pins[0], file, number)
        shown = str(req.specifier) or "no version given"
        return UndecidedVersion(req.name, f"not pinned ({shown})", file, number)


def _without_comment(line: str) -> str:
    """The line before its comment: a ``#`` at the start or after whitespace (pip's
    rule), found in one pass (a regex with ``\\s+#`` backtracks on long blank runs)."""
    index = line.find("#")
    while index >= 0:
        if index == 0 or line[index - 1].isspace():
            return line[:index]
        index = line.find("#", index + 1)
    return line


def _egg(text: str) -> re.Match[str] | None:
    """``egg=NAME`` in the fragment of a URL (after its ``#``), in linear time."""
    hash_at = text.find("#")
    return _EGG.search(text, hash_at) if hash_at >= 0 else None


# pip has no limit; a chain this deep is a mistake (or an attack), not a project
MAX_INCLUDE_DEPTH = 50


def _load(path: str, stack: tuple[str, ...]) -> tuple[str, str, str]:
    """Read one file: (text, label for messages, identity for cycle detection)."""
    if path == "-":
        try:
            raw = bounded.read_stdin()
        except bounded.TooLarge as exc:
            raise EnvSourceError(f"<stdin>: {exc}; not a requirements file") from exc
        return raw.decode("utf-8-sig", errors="replace"), "<stdin>", "<stdin>"
    key = os.path.realpath(path)
    if key in stack:
        raise EnvSourceError(f"{path}: requirement files include each other in a cycle")
    if len(stack) >= MAX_INCLUDE_DEPTH:
        raise EnvSourceError(f"{path}: more than {MAX_INCLUDE_DEPTH} nested -r includes")
    try:
        raw = bounded.read_bytes(path)
    except bounded.TooLarge as exc:
        raise EnvSourceError(f"{path}: {exc}; not a requirements file") from exc
    except OSError as exc:
        raise EnvSourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8-sig"), path, key
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EnvSourceError(f"{path}:{line}: not UTF-8 text") from exc


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first physical line number, logical line) with continuations joined, comments cut."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        is_comment = raw.lstrip().startswith("#")
        if raw.endswith("\\") and not is_comment:
            if not pending:
                start = number
            pending.append(raw[:-1])
            continue
        if pending:
            pending.append("" if is_comment else raw)
            line, number_ = "".join(pending), start
            pending = []
        else:
            line, number_ = raw, number
        yield from _clean(line, number_)
    if pending:  # a file ending in a backslash: pip keeps what it has
        yield from _clean("".join(pending), start)


def _clean(line: str, number: int) -> Iterator[tuple[int, str]]:
    line = _without_comment(line).strip()
    line = _ENV_VAR.sub(lambda m: os.environ.get(m.group(1), m.group(0)), line)
    if line:
        yield number, line


def _split_option(tokens: list[str], where: str) -> tuple[str, str | None]:
    head = tokens[0]
    value: str | None
    if head.startswith("--") and "=" in head:
        option, value = head.split("=", 1)
        rest = tokens[1:]
    elif not head.startswith("--") and len(head) > 2:  # "-rfile"
        option, value, rest = head[:2], head[2:], tokens[1:]
    else:
        option, value = head, (tokens[1] if len(tokens) > 1 else None)
        rest = tokens[2:]
    if option in _GLOBAL_FLAGS:
        rest = tokens[1:]
        value = None
    if rest:
        raise EnvSourceError(f"{where}: unexpected text after {option}: {' '.join(rest)}")
    return option, value


def _check_per_requirement(tokens: list[str], where: str) -> None:
    index = 0
    while index < len(tokens):
        token = tokens[index]
        option = token.split("=", 1)[0]
        if option not in _PER_REQUIREMENT:
            raise EnvSourceError(f"{where}: unknown option {option} after a requirement")
        if "=" not in token:
            index += 1  # "--hash sha256:..." takes the next token
            if index >= len(tokens):
                raise EnvSourceError(f"{where}: {option} needs a value")
        index += 1


def _looks_like_path_or_url(text: str) -> bool:
    head = text.split(";", 1)[0].strip()
    if "@" in head.split("/", 1)[0]:
        return False  # "name @ url": a PEP 508 direct reference
    return "://" in head or head.startswith((".", "/", "~")) or "/" in head or "\\" in head


@overload
def _from_artifact(text: str, file: str, number: int, *, name: str) -> Record: ...
@overload
def _from_artifact(text: str, file: str, number: int, *, name: None = None) -> Record | None: ...
def _from_artifact(text: str, file: str, number: int, *, name: str | None = None) -> Record | None:
    """A wheel or sdist URL/path names its version; other URLs and folders cannot."""
    target = text.split(";", 1)[0].strip().split("#", 1)[0]
    filename = target.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        if filename.endswith(".whl"):
            dist, version, _, _ = parse_wheel_filename(filename)
            return Package(dist, str(version), file, number)
        if filename.endswith((".tar.gz", ".zip")):
            dist, version = parse_sdist_filename(filename)
            return Package(dist, str(version), file, number)
    except (InvalidWheelFilename, InvalidSdistFilename):
        pass
    egg = _egg(text)
    label = name or (egg.group(1) if egg else None)
    if label is None:
        return None  # nothing names the distribution: nothing to check it against
    return UndecidedVersion(label, f"installed from {target}: no release version", file, number)
