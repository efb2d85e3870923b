"""What the readers extract from a file: launches, imports and file facts.

Readers (``python``, ``commands``) turn source files into these frozen records;
detectors (``detectors``) only ever look at records, never at source text, so a
new file type needs a reader and a new entry needs no code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Via = Literal["python", "cli", "gunicorn"]
Call = Literal["run", "config", "server-run", "command", "gunicorn-config"]
AppKind = Literal["object", "import-string", "unknown"]
# A literal option value; None when the option is given but its value is not a literal.
OptionValue = bool | int | float | str | None


@dataclass(frozen=True)
class Span:
    path: str
    line: int
    column: int  # 1-based
    end_line: int | None = None

    @property
    def lines(self) -> range:
        return range(self.line, (self.end_line or self.line) + 1)


@dataclass(frozen=True)
class Launch:
    """One way the code starts a server: a Python call or a command line."""

    span: Span
    via: Via
    call: Call
    text: str  # what the user wrote, shortened: `uvicorn.run(app, reload=True)`
    app: AppKind = "unknown"
    app_ref: str | None = None  # the import string, when it is a literal
    options: Mapping[str, OptionValue] = field(default_factory=dict)
    guard_missing: bool = False  # runs at import time, outside `if __name__ == "__main__":`
    guard_note: str = ""  # how it runs at import time (through which call)
    contexts: frozenset[str] = frozenset()  # "async", "notebook"
    module: str | None = None  # the file's module name, for cross-file checks


@dataclass(frozen=True)
class ImportFact:
    span: Span
    module: str  # fully qualified module imported, e.g. "uvicorn.workers"


@dataclass(frozen=True)
class LoopAtImport:
    """The module runs an event loop while it is being imported."""

    span: Span
    text: str


@dataclass(frozen=True)
class FileFacts:
    """Everything one file contributed."""

    path: str
    launches: tuple[Launch, ...] = ()
    imports: tuple[ImportFact, ...] = ()
    loops_at_import: tuple[LoopAtImport, ...] = ()
    ignores: Mapping[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # line -> ((entry id, reason), ...) from `# doctor: ignore[ID]` comments


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str
    line: int | None = None
