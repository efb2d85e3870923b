"""Output formats for ``check-env`` (and ``scan``): one module per format.

Formats are imported by name only when used, so ``--format json`` never pays
for rich.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:  # the interface pulls in the schema: keep it off the start-up path
    from troubleshoot.formats.interface import Format

FormatName = Literal["text", "json", "github", "sarif", "junit", "markdown"]
FORMAT_NAMES: tuple[str, ...] = get_args(FormatName)

# name -> module under troubleshoot.formats defining the class `FORMAT`
FORMAT_MODULES: dict[str, str] = {
    "text": "text",
    "json": "json_format",
    "github": "github",
    "sarif": "sarif",
    "junit": "junit",
    "markdown": "markdown",
}


def get_format(
    name: str, *, color: bool = False, width: int | None = None, detail: bool = False
) -> Format:
    """An instance of the format called ``name`` (one of FORMAT_NAMES)."""
    module = import_module(f"troubleshoot.formats.{FORMAT_MODULES[name]}")
    cls: type[Format] = module.FORMAT
    return cls(color=color, width=width, detail=detail)


__all__ = ["FORMAT_NAMES", "FormatName", "get_format"]
