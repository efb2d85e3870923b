"""Recognise and remove the prefixes that log collectors put in front of each line.

Two kinds:

* *stream* prefixes say where a line came from and are otherwise transparent: the
  rest of the line is raw program output (docker compose ``web_1  | ``, journald
  ``Jan 02 10:11:12 host python[123]: ``, ``kubectl logs --prefix``, a bare
  timestamp from ``docker logs -t`` or CI logs);
* *log* prefixes belong to a logging call and carry a level: uvicorn's
  ``INFO:     ``, ``logging.basicConfig``'s ``ERROR:uvicorn.error:``, the default
  ``asctime - name - levelname - `` format, gunicorn, loguru.

All patterns are anchored at the start of the line and cannot backtrack.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_LEVEL = r"(?P<level>DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|TRACE|SUCCESS|NOTICE)"

_COMPOSE = re.compile(r"(?P<name>[A-Za-z0-9][\w.-]{0,62})\s*\|(?: |$)")
_JOURNALD = re.compile(
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d \S{1,64} "
    r"(?P<ident>[^\s:\[]{1,64})(?:\[(?P<pid>\d{1,10})\])?: ?"
)
_KUBECTL = re.compile(r"\[(?P<name>pod/[^\]\s]{1,200})\] ")

_TIMESTAMP = (
    r"(?P<ts>\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?"
    r"(?: ?(?:Z|[+-]\d\d:?\d\d|UTC))?\]?)"
)
_TS_START = re.compile(_TIMESTAMP)
# after the timestamp
_AFTER_TS = (
    # logging: "%(asctime)s - %(name)s - %(levelname)s - %(message)s"
    re.compile(r"\s+-\s+(?P<logger>[\w.]{1,200})\s+-\s+" + _LEVEL + r"\s+-\s?"),
    # loguru: "{time} | {level: <8} | {name}:{function}:{line} - {message}"
    re.compile(r"\s+\|\s+" + _LEVEL + r"\s*\|\s+(?P<logger>\S{1,300}) - "),
    # gunicorn: "[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s"
    re.compile(r"\s+\[(?P<pid>\d{1,10})\]\s+\[" + _LEVEL + r"\]\s?"),
    # anything else with a level word right after the timestamp
    re.compile(r"[\s,|:-]{0,5}\[?" + _LEVEL + r"\]?(?::|\s|$)[\s|:-]{0,8}"),
)
_SOURCE_TAG = re.compile(r"[\w.-]{1,40}\[[\w.:-]{1,60}\]: ")
# uvicorn's default formatter: "INFO:     message" (level padded to 10 columns)
_UVICORN = re.compile(_LEVEL + r":(?:\s+|$)")
# logging.basicConfig: "ERROR:uvicorn.error:message"
_BASIC = re.compile(_LEVEL + r":(?P<logger>[A-Za-z_][\w.]{0,200}):")


class Prefix(NamedTuple):
    """A line with its prefixes taken off."""

    content: str
    stream: str | None  # where the line came from (compose service, journald ident)
    level: str | None  # the log level, when a log prefix was removed
    logged: bool  # a log prefix was removed: the content is a log message
    pid: str | None  # a process id printed in a log prefix (gunicorn)


def _stream_prefix(line: str) -> tuple[str, str | None, str | None] | None:
    """(rest, stream, pid) when the line starts with a transparent prefix."""
    first = line[:1]
    if not first:
        return None
    if first in "JFMASOND":
        m = _JOURNALD.match(line)
        if m:
            pid = m.group("pid")
            ident = m.group("ident")
            return line[m.end() :], f"{ident}[{pid}]" if pid else ident, None
    if first == "[":
        m = _KUBECTL.match(line)
        if m:
            return line[m.end() :], m.group("name"), None
    if first.isalnum():
        m = _COMPOSE.match(line)
        if m:
            return line[m.end() :], m.group("name"), None
    return None


def _log_prefix(line: str) -> tuple[str, str | None, bool, str | None] | None:
    """(rest, level, logged, pid) for timestamped or levelled lines."""
    first = line[:1]
    if first.isdigit() or first == "[":
        ts = _TS_START.match(line)
        if ts is None:
            return None
        for pattern in _AFTER_TS:
            m = pattern.match(line, ts.end())
            if m:
                groups = m.groupdict()
                return line[m.end() :], m.group("level"), True, groups.get("pid")
        # a bare timestamp (docker logs -t, CI logs): transparent, and so is a syslog
        # style source after it (Heroku's "app[web.1]: ", "python[1234]: ")
        rest = line[ts.end() :]
        rest = rest[1:] if rest.startswith(" ") else rest
        source = _SOURCE_TAG.match(rest)
        return (rest[source.end() :] if source else rest), None, False, None
    if first.isupper():
        m = _BASIC.match(line) or _UVICORN.match(line)
        if m:
            return line[m.end() :], m.group("level"), True, None
    return None


def strip_prefixes(line: str) -> Prefix:
    """Remove stream prefixes (several may nest), then at most one log prefix."""
    stream: str | None = None
    pid: str | None = None
    for _ in range(3):
        found = _stream_prefix(line)
        if found is None:
            break
        line, name, found_pid = found
        stream = stream or name
        pid = pid or found_pid
    logged = False
    level: str | None = None
    for _ in range(2):  # a bare timestamp may precede a uvicorn level prefix
        found_log = _log_prefix(line)
        if found_log is None:
            break
        line, found_level, found_logged, found_pid = found_log
        pid = pid or found_pid
        if found_logged:
            level, logged = found_level, True
            break
    return Prefix(line.rstrip(), stream, level, logged, pid)
