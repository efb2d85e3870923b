"""Reading what users point the tool at, never more than a bound.

A requirements file, a lock file or a scanned source may be ``/dev/zero``, an endless
``-r -`` pipe, a symlink a repository carries to a device, or a 46 MB generated module.
Every reader here takes at most ``limit`` bytes and raises :class:`TooLarge` past it,
so memory stays bounded whatever the input; the callers turn it into their own
error with the file's name (the CLI exits 2).
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import BinaryIO

MB = 2**20
# A requirements, lock or config file (the largest real uv.lock files are a few MB).
MAX_FILE_BYTES = 32 * MB


class TooLarge(OSError):
    """The input holds more than the bound."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"larger than {describe(limit)}")
        self.limit = limit


def describe(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit // 1024} KB"


def read_stream(stream: BinaryIO, limit: int = MAX_FILE_BYTES) -> bytes:
    """Up to ``limit`` bytes of ``stream``; :class:`TooLarge` if it holds more."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(limit)
    return data


def read_stdin(limit: int = MAX_FILE_BYTES) -> bytes:
    """Standard input (text stdin replaced by a test has no ``buffer``: its text)."""
    import sys

    stream = getattr(sys.stdin, "buffer", None)
    if stream is not None:
        return read_stream(stream, limit)
    text = sys.stdin.read(limit + 1)
    if len(text) > limit:
        raise TooLarge(limit)
    return text.encode("utf-8")


def read_bytes(path: str | Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path`` (a file, or a pipe such as ``/dev/stdin``), at most
    ``limit``; a device such as ``/dev/zero`` is refused as too large."""
    with Path(path).open("rb") as handle:
        return read_stream(handle, limit)


def is_regular(path: str | Path) -> bool:
    """A regular file, after following links: what a scan may read."""
    try:
        return stat.S_ISREG(Path(path).stat().st_mode)
    except OSError:
        return False
