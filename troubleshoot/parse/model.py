"""What a paste was parsed into: exceptions with their frames, log events, versions.

The parser (``troubleshoot.parse.parse_paste``) produces one :class:`Parsed`;
the matcher only reads these records, never the raw text (except
``Parsed.text`` for ``text`` signatures).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Chain = Literal["cause", "context"]


@dataclass(frozen=True)
class Frame:
    """One ``File "...", line N, in func`` entry of a traceback."""

    file: str  # as printed, with the original separators
    line: int | None
    function: str
    module: str | None = None  # dotted module derived from the path, e.g. "uvicorn.config"
    source: str | None = None  # the source line printed under the frame, stripped


@dataclass(frozen=True)
class ExceptionRecord:
    """The final ``Type: message`` of a traceback, with the frames above it."""

    type: str  # qualified as printed: "TypeError", "h11._util.LocalProtocolError"
    message: str  # may span several lines (multiprocessing's bootstrapping text)
    frames: tuple[Frame, ...] = ()
    line_no: int = 0  # 1-based line in the paste where "Type: message" starts
    chained_from: Chain | None = None  # how the *next* exception relates to this one
    group_depth: int = 0  # >0 when found inside an exception group's sub-tracebacks
    process: str | None = None  # "SpawnProcess-2", a PID, when the paste says so
    # False when the paste stops (or is cut) before the "Type: message" line: only the
    # frames are known, and ``type`` and ``message`` are "".
    complete: bool = True

    @property
    def short_type(self) -> str:
        return self.type.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class LogEvent:
    """One log line with its prefix (level, timestamp, logger) removed."""

    message: str
    line_no: int
    level: str | None = None  # "INFO", "WARNING", "ERROR", ... as printed, upper-cased


@dataclass(frozen=True)
class Parsed:
    exceptions: tuple[ExceptionRecord, ...] = ()
    log_events: tuple[LogEvent, ...] = ()
    # package (normalised, lower-case) -> version found in the paste
    versions: dict[str, str] = field(default_factory=dict)
    python_version: str | None = None  # "3.7" from ".../lib/python3.7/..." etc.
    platform: str | None = None  # "win32" | "linux" | "darwin" when the paths tell
    text: str = ""  # the normalised paste: no ANSI, no CR, no rich box borders
    line_count: int = 0
    truncated: bool = False  # the paste says it was cut ("... (truncated) ...")
    notes: tuple[str, ...] = ()  # what the parser had to skip or guess, for the user
    frozen: bool = False  # the frames come from a frozen program (PyInstaller)
    uvicorn_log_lines: int = 0  # lines in uvicorn's default format ("INFO:     ...")

    @property
    def facts(self) -> dict[str, bool | str]:
        """Entry conditions the paste itself settles (see ``conditions.CONDITIONS``)."""
        found: dict[str, bool | str] = {}
        if self.platform:
            found["platform"] = self.platform
        if self.frozen:
            found["frozen"] = True
        return found

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary (the ``parsed`` object of ``--json`` output)."""
        return {
            "exceptions": [
                {
                    "type": e.type,
                    "message": e.message,
                    "line": e.line_no,
                    "frames": len(e.frames),
                    "group_depth": e.group_depth,
                    "chained_from": e.chained_from,
                }
                for e in self.exceptions
            ],
            "log_events": len(self.log_events),
            "versions": dict(sorted(self.versions.items())),
            "python_version": self.python_version,
            "platform": self.platform,
            "frozen": self.frozen,
            "lines": self.line_count,
            "truncated": self.truncated,
            "notes": list(self.notes),
        }
