"""Log lines that people can read and the doctor can parse.

One event is one line on stderr::

    INFO:     reference_server: listening url=http://127.0.0.1:8000 pid=4242

``LEVEL:`` padded to ten columns (as uvicorn does), the literal
``reference_server:``, an event name (``[a-z_]+``), then ``key=value`` fields.
A value is written bare when it only contains ``[A-Za-z0-9_.:/@+,=-]``;
otherwise it is a JSON string (double quotes, backslash escapes, never a raw
newline). ``pid`` is always the last field. A traceback, when there is one,
follows its event on lines that do not start with a level prefix.
"""

from __future__ import annotations

import json
import os
import re
import sys
import traceback
from typing import TextIO

from reference_server.errors import ServerError

LEVELS: dict[str, int] = {
    "trace": 5,
    "debug": 10,
    "info": 20,
    "warning": 30,
    "error": 40,
    "critical": 50,
}
_BARE = re.compile(r"[A-Za-z0-9_.:/@+,=-]+")
LINE_PATTERN = re.compile(
    r"^(?P<level>TRACE|DEBUG|INFO|WARNING|ERROR|CRITICAL):\s+reference_server: "
    r"(?P<event>[a-z_]+)(?P<fields>(?: [a-z_]+=(?:\"(?:[^\"\\]|\\.)*\"|\S+))*)$"
)
_FIELD = re.compile(r" ([a-z_]+)=(\"(?:[^\"\\]|\\.)*\"|\S+)")

# The app's own traceback helps; ours (config errors) would only be noise.
_SHOW_CAUSE = {"AppLoadError", "LifespanStartupFailed"}

Value = str | int | float | bool | None


def format_value(value: Value) -> str:
    text = str(value)
    if _BARE.fullmatch(text):
        return text
    return json.dumps(text)


def format_line(level: str, event: str, fields: dict[str, Value]) -> str:
    prefix = f"{level.upper()}:".ljust(10)
    parts = [f"{prefix}reference_server: {event}"]
    parts.extend(f"{key}={format_value(value)}" for key, value in fields.items())
    return " ".join(parts)


def parse_line(line: str) -> tuple[str, str, dict[str, str]] | None:
    """Parse one log line into (level, event, fields); ``None`` if it is not an event."""
    match = LINE_PATTERN.match(line.rstrip("\n"))
    if match is None:
        return None
    fields: dict[str, str] = {}
    for key, raw in _FIELD.findall(match["fields"]):
        fields[key] = json.loads(raw) if raw.startswith('"') else raw
    return match["level"], match["event"], fields


class Logger:
    """Writes event lines to a stream, filtered by level; one write per event."""

    def __init__(self, level: str = "info", stream: TextIO | None = None) -> None:
        self.threshold = LEVELS.get(level, LEVELS["info"])
        self.stream = stream

    def enabled(self, level: str) -> bool:
        return LEVELS[level] >= self.threshold

    def log(
        self,
        level: str,
        event: str,
        exc: BaseException | None = None,
        detail: str | None = None,
        **fields: Value,
    ) -> None:
        """Write one event; ``detail`` and ``exc``'s traceback follow on their own lines."""
        if not self.enabled(level):
            return
        fields["pid"] = os.getpid()
        text = format_line(level, event, fields) + "\n"
        if detail:
            text += "".join(f"    {line}\n" for line in detail.splitlines())
        if exc is not None:
            text += "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        stream = self.stream if self.stream is not None else sys.stderr
        stream.write(text)
        stream.flush()

    def debug(self, event: str, **fields: Value) -> None:
        self.log("debug", event, None, None, **fields)

    def info(self, event: str, **fields: Value) -> None:
        self.log("info", event, None, None, **fields)

    def warning(self, event: str, **fields: Value) -> None:
        self.log("warning", event, None, None, **fields)

    def failure(self, event: str, exc: BaseException | None = None, **fields: Value) -> None:
        """An ``ERROR`` event, followed by ``exc``'s traceback when given."""
        self.log("error", event, exc, None, **fields)

    def fatal(self, error: ServerError) -> None:
        """The one rendering of a typed error at a process entry."""
        first, _, rest = error.message.partition("\n")
        cause = error.__cause__ if isinstance(error.__cause__, Exception) else None
        show_traceback = cause is not None and type(error).__name__ in _SHOW_CAUSE
        self.log(
            "error",
            error.event,
            cause if show_traceback else None,
            rest or None,
            exit_code=error.exit_code,
            error=first,
        )


def describe_exception(exc: BaseException) -> str:
    """``Type: message`` on one line, for a log field."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
