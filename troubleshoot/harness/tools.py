"""External tools the harness runs, found in one place (imported by both the
interpreter search and the environment builder, so neither imports the other)."""

from __future__ import annotations

import shutil


def uv_executable() -> str | None:
    """The uv binary: the one the `uv` dependency installed next to us, else PATH's."""
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found, unused-ignore]

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")
