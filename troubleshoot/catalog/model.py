"""The catalog's records as Python objects, read from ``kb/catalog/*.json``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from troubleshoot.catalog import ranges
from troubleshoot.catalog import template as tpl


@dataclass(frozen=True)
class Message:
    """One message that a package can log, raise, print, warn or exit with.

    ``template`` uses ``{}`` for each value filled in at run time (literal braces are
    doubled, so ``template.format(*values)`` renders it); ``placeholders`` gives each
    one's kind (``int`` or ``any``). ``pattern`` is an RE2 regular expression that
    finds any rendering of the template inside a longer text (use ``search``; the
    placeholders at either end are left out). ``releases`` are PEP 440 ranges of the
    package's releases (for ``stdlib``/``os``: of ``python_version``). ``specific`` is
    False when the template has too little literal text to identify anything; such
    messages are never returned by ``Catalog.find``.
    """

    id: str
    package: str  # "uvicorn", "h11", "websockets", "stdlib", "os"
    kind: str  # "log" | "raise" | "print" | "warn" | "exit"
    level: str | None  # for logs: "info", "warning", "error", "trace", ...
    exc_type: str | None  # for raises: the exception class; for warns: the category
    template: str
    pattern: str
    releases: tuple[str, ...]
    module: str  # where the newest release has it: "uvicorn/lifespan/on.py"
    specific: bool
    function: str | None = None  # "LifespanOn.startup"
    placeholders: tuple[tpl.HoleKind, ...] = ()
    locations: tuple[str, ...] = ()  # every "module:function" of every release
    source: str = "python"  # "python" (extracted) or "c" (hand-written C/OS text)
    note: str | None = None

    @property
    def parts(self) -> tpl.Parts:
        """The template as literal parts and holes."""
        return tpl.parse(self.template, self.placeholders)

    def in_release(self, version: str) -> bool:
        """Whether the release ``version`` (or Python version) has this message."""
        return ranges.contains(self.releases, version)


@dataclass(frozen=True)
class Found:
    """Where a message occurs in a line: ``line[start:end]`` is its rendering.

    For a message whose template spans several lines, each of its lines is looked
    for on its own: ``part`` is the index of the template line found (0 otherwise).
    """

    message: Message
    start: int
    end: int
    part: int = 0


@dataclass(frozen=True)
class CatalogFile:
    """The header of one catalog file."""

    package: str
    version_key: str  # "release" or "python_version"
    releases: tuple[str, ...]
    messages: tuple[Message, ...] = field(default=(), repr=False)


def message_from_record(record: Mapping[str, Any]) -> Message:
    """A ``Message`` from one JSON record."""
    return Message(
        id=record["id"],
        package=record["package"],
        kind=record["kind"],
        level=record.get("level"),
        exc_type=record.get("exc_type"),
        template=record["template"],
        pattern=record["pattern"],
        releases=tuple(record["releases"]),
        module=record["module"],
        specific=bool(record["specific"]),
        function=record.get("function"),
        placeholders=tuple(record.get("placeholders", ())),
        locations=tuple(record.get("locations", ())),
        source=record.get("source", "python"),
        note=record.get("note"),
    )


def read_file(path: Path) -> CatalogFile:
    """One ``kb/catalog/<name>.json``."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return CatalogFile(
        package=document["package"],
        version_key=document.get("version_key", "release"),
        releases=tuple(document.get("releases", ())),
        messages=tuple(message_from_record(r) for r in document["messages"]),
    )
