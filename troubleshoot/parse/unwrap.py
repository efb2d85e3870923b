"""Take program output out of what wrapped it: markdown, viewers, prompts, log records.

Users paste what their platform shows, so a uvicorn line may arrive as
``**WARNING:  Unsupported upgrade request.**`` (bold in a code block), ``> `` quoted,
behind a log viewer's line numbers or a ``$ `` prompt, behind Ray's
``(ServeReplica pid=12) `` actor prefix, inside a JSON record (``{"levelname":
"ERROR", "name": "uvicorn.error", "message": ...}``, Cloud Logging's
``textPayload``, docker's ``{"log": ...}``), as structlog/logfmt ``key=value`` pairs,
or with a log format of the user's own (``08:06:41 WARNING | uvicorn.error: ...``,
``[uvicorn.error] ERROR ...``). :func:`unwrap` returns the lines the program
printed, with a log level written the way uvicorn writes it (``ERROR:    ``) so the
rest of the parser reads them as log events. Every pattern is anchored and bounded.
"""

from __future__ import annotations

import json
import re

MAX_RECORD_CHARS = 200_000  # a JSON or logfmt record larger than this stays as text
_LEVELS = "DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|TRACE|NOTICE"

_QUOTE = re.compile(r"(?:> ?)+(?=[^>]|$)")
_GUTTER = re.compile(r" {0,8}\d{1,6}(?: ?[|│] ?|\t)")
_PROMPT = re.compile(
    r"(?:\([\w.-]{1,40}\) ?)?(?:[\w.@-]{1,60}:[^$\s]{0,200})?\$ (?=\S)|PS [A-Za-z]:\\[^>]{0,200}> "
)
_RAY = re.compile(r"\([^()\n]{0,120}\bpid=\d{1,10}[^()\n]{0,80}\) ")
# "08:06:41 WARNING | uvicorn.error: msg", "2024-01-02 03:04:05 [error    ] msg",
# "WARNING | uvicorn.error | msg", "[INFO] msg"
_LEVEL_PREFIX = re.compile(
    r"(?P<ts>\[?[\d][\d:.,TZ+/ -]{4,40}\]?)? ?[\[(]?(?P<level>(?i:" + _LEVELS + r")) {0,8}[\])]?"
    r"(?: ?[|:\-] ?| )(?:(?P<logger>[A-Za-z_][\w.]{0,100})(?::[\w<>]{1,100}:\d{1,7})? ?[|:\-] )?"
)
# "[uvicorn.error] ERROR msg", "uvicorn.error ERROR msg", "uvicorn.error - ERROR - msg"
_LOGGER_FIRST = re.compile(
    r"\[?(?P<logger>uvicorn(?:\.[a-z]{1,20})?)\]? {1,4}(?:- )?(?P<level>" + _LEVELS + r")(?: -)? "
)
_LOGFMT_PAIR = re.compile(
    r"(\w{1,40})=(\"(?:[^\"\\]|\\.){0,100000}\"|'(?:[^'\\]|\\.){0,100000}'|\S{1,10000})"
)

_MESSAGE_KEYS = ("message", "msg", "event", "textPayload", "log", "MESSAGE")
_LEVEL_KEYS = ("levelname", "level", "severity", "log.level", "PRIORITY")
_EXC_KEYS = ("exc_info", "exc_text", "exception", "stack_trace", "stack", "traceback", "error")


def _uvicorn_style(level: str, message: str) -> list[str]:
    """``message`` as uvicorn's formatter prints it (level padded to 10 columns)."""
    name = level.upper()
    name = {"WARN": "WARNING", "FATAL": "CRITICAL"}.get(name, name)
    lines = message.split("\n")
    if name.upper() not in _LEVELS.split("|"):
        return lines
    return [f"{name + ':':<10}{lines[0]}", *lines[1:]]


def _record_lines(record: dict[str, object]) -> list[str] | None:
    """The lines a structured log record carries (message, then any traceback)."""
    payload = record.get("jsonPayload")
    if isinstance(payload, dict):
        record = {**record, **payload}
    message = next((record[k] for k in _MESSAGE_KEYS if isinstance(record.get(k), str)), None)
    if message is None:
        return None
    level = next((record[k] for k in _LEVEL_KEYS if isinstance(record.get(k), str)), None)
    text = str(message).rstrip("\n")
    out = _uvicorn_style(str(level), text) if level else text.split("\n")
    for key in _EXC_KEYS:
        value = record.get(key)
        if isinstance(value, str) and value.strip() and value.strip() not in text:
            out += value.rstrip("\n").split("\n")
    return out


def _json_lines(line: str) -> list[str] | None:
    stripped = line.strip()
    if (
        not (stripped.startswith("{") and stripped.endswith("}"))
        or len(stripped) > MAX_RECORD_CHARS
    ):
        return None
    try:
        record = json.loads(stripped)
    except (ValueError, RecursionError):
        return None
    return _record_lines(record) if isinstance(record, dict) else None


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        body = value[1:-1]
        return (
            body.replace("\\n", "\n").replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\\")
        )
    return value


def _logfmt_lines(line: str) -> list[str] | None:
    """structlog's KeyValueRenderer / logfmt: ``event='...' level=error logger=...``."""
    if "=" not in line or len(line) > MAX_RECORD_CHARS:
        return None
    if not any(f"{k}=" in line for k in ("event", "msg", "message")) or "level=" not in line:
        return None
    pairs = {k: _unquote(v) for k, v in _LOGFMT_PAIR.findall(line)}
    return _record_lines(dict(pairs)) if "level" in pairs else None


def _strip_decorations(line: str) -> str:
    stripped = line.strip()
    if len(stripped) > 4 and stripped.startswith("**") and stripped.endswith("**"):
        line = stripped[2:-2]
    elif len(stripped) > 2 and stripped.startswith("`") and stripped.endswith("`"):
        line = stripped.strip("`")
    if line.startswith(">") and not line.startswith(">>>"):
        found = _QUOTE.match(line)
        if found:
            line = line[found.end() :]
    for pattern in (_GUTTER, _PROMPT, _RAY):
        found = pattern.match(line)
        if found and found.end() < len(line):
            line = line[found.end() :]
    return line


def _level_prefix(line: str) -> list[str] | None:
    """A log line in a format of the user's own, as uvicorn prints it."""
    head = line[:1]
    if not head or head.isspace():
        return None
    found = _LOGGER_FIRST.match(line) if head in "[u" else None
    if found is None and (head.isdigit() or head in "[(" or head.isalpha()):
        found = _LEVEL_PREFIX.match(line)
        if found is not None and not (found.group("ts") or found.group("logger")):
            # a bare "ERROR:    msg" is uvicorn's own format: the parser reads it
            if line[found.start("level") :].startswith(found.group("level") + ":"):
                return None
            if head not in "[(":
                return None
    if found is None or found.end() >= len(line):
        return None
    return _uvicorn_style(found.group("level"), line[found.end() :])


def unwrap(line: str) -> list[str]:
    """The lines of program output inside one pasted line (usually just that line)."""
    if not line.strip():
        return [line]
    line = _strip_decorations(line)
    head = line.lstrip()[:1]
    if head == "{":
        records = _json_lines(line)
        if records is not None:
            return records
    elif "level=" in line:
        pairs = _logfmt_lines(line)
        if pairs is not None:
            return pairs
    return _level_prefix(line) or [line]
