"""Deterministic mutations of a paste, as users and platforms produce them.

Every mutation is a pure function ``str -> str`` with a name and a category; its
docstring says in one line what it does. ``MUTATIONS`` lists them all. A mutation
that has nothing to work on in a paste (no uvicorn log line to reformat, no
exception line to strip, too few lines to cut) returns the text unchanged:
:func:`apply` reports that as ``None`` (not applicable).

Categories:

- ``cut``: the paste is only part of the output (head, tail, the last lines);
- ``bare``: the exception message without its exception type;
- ``logger``: uvicorn's log records rendered by another logging setup (JSON,
  structlog, loguru, the logging module's default format...); the lines of a
  record after its first (a traceback) stay as the formatter leaves them;
- ``platform``: what a platform puts before every line of output it collects
  (docker compose, kubectl, journald, GitHub Actions, heroku, Ray, Cloud Logging);
- ``markdown``: how the paste is decorated in an issue or a chat;
- ``terminal``: what the terminal adds (CRLF, ANSI colours, a narrow window).

The uvicorn log lines recognised are those of uvicorn's default formatter:
``INFO:     message`` (the level, a colon, padding to column 10). Access lines
(``127.0.0.1:5000 - "GET / HTTP/1.1" 200 OK``) are the ``uvicorn.access``
logger's, every other line is ``uvicorn.error``'s.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

CATEGORIES = ("cut", "bare", "logger", "platform", "markdown", "terminal")


@dataclass(frozen=True)
class Mutation:
    name: str
    category: str
    func: Callable[[str], str]

    @property
    def doc(self) -> str:
        return (self.func.__doc__ or "").strip().splitlines()[0]

    def __call__(self, text: str) -> str:
        return self.func(text)


def apply(mutation: Mutation, text: str) -> str | None:
    """The mutated text, or None when the mutation does not apply to this paste."""
    out = mutation(text)
    return None if out == text else out


# --- lines ------------------------------------------------------------------


def _split(text: str) -> tuple[list[str], str]:
    """Lines without their ends, and the end the text finishes with ("" or "\\n")."""
    body = text.replace("\r\n", "\n")
    end = "\n" if body.endswith("\n") else ""
    return (body[:-1] if end else body).split("\n"), end


def _join(lines: list[str], end: str) -> str:
    return "\n".join(lines) + end


def _each_line(text: str, fn: Callable[[int, str], str]) -> str:
    lines, end = _split(text)
    return _join([fn(i, line) for i, line in enumerate(lines)], end)


LOG_LINE = re.compile(r"^(TRACE|DEBUG|INFO|WARNING|ERROR|CRITICAL):( +)(.*)$")
_ACCESS = re.compile(r'^\S+ - "[A-Z]+ \S* ?HTTP/[\d.]+" \d{3}')
_SERIOUS = {"WARNING", "ERROR", "CRITICAL"}


def _logger_of(message: str) -> str:
    return "uvicorn.access" if _ACCESS.match(message) else "uvicorn.error"


@dataclass
class _Record:
    """A log record (level set) or a run of other output (level None, raw lines)."""

    index: int  # line number of its first line
    level: str | None
    message: str = ""
    rest: list[str] = field(default_factory=list)

    @property
    def logger(self) -> str:
        return _logger_of(self.message)

    @property
    def traceback(self) -> list[str]:
        """The record's exc_info lines: what follows the first line when it is a
        traceback (the message is then its first line only)."""
        body = _trim(self.rest)
        if body and body[0].startswith("Traceback (most recent call last):"):
            return body
        return []

    @property
    def text(self) -> str:
        """The whole message as the program logged it (with its newlines)."""
        return "\n".join([self.message, *_trim(self.rest)])


def _trim(lines: list[str]) -> list[str]:
    out = list(lines)
    while out and not out[-1].strip():
        out.pop()
    return out


def _records(lines: list[str]) -> list[_Record]:
    """Group the lines into records: a uvicorn log line starts one; the lines after a
    warning or an error belong to it (uvicorn logs tracebacks with them); any other
    line is raw output (Python's own traceback on stderr, a print)."""
    records: list[_Record] = []
    for i, line in enumerate(lines):
        if m := LOG_LINE.match(line):
            records.append(_Record(i, m.group(1), m.group(3)))
        elif records and (records[-1].level in _SERIOUS or records[-1].level is None):
            records[-1].rest.append(line)
        else:
            records.append(_Record(i, None, "", [line]))
    return records


def _has_log_line(lines: list[str]) -> bool:
    return any(LOG_LINE.match(line) for line in lines)


def _render(text: str, render: Callable[[_Record], list[str]]) -> str:
    """Reformat every log record of the paste (raw output stays as it is)."""
    lines, end = _split(text)
    if not _has_log_line(lines):
        return text
    out: list[str] = []
    for rec in _records(lines):
        out += rec.rest if rec.level is None else render(rec)
    return _join(out, end)


# deterministic clocks: a few milliseconds per line
_T0 = datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)


def _at(index: int) -> datetime:
    return _T0 + timedelta(microseconds=7321 * index)


def _asctime(index: int) -> str:  # logging's default: 2024-05-01 10:00:00,123
    t = _at(index)
    return t.strftime("%Y-%m-%d %H:%M:%S") + f",{t.microsecond // 1000:03d}"


# --- cut --------------------------------------------------------------------


def head_third(text: str) -> str:
    """Drop the first third of the lines (the start of the output scrolled away)."""
    lines, end = _split(text)
    return _join(lines[len(lines) // 3 :], end)


def head_half(text: str) -> str:
    """Drop the first half of the lines (the start of a long traceback scrolled away)."""
    lines, end = _split(text)
    return _join(lines[len(lines) // 2 :], end)


def tail_third(text: str) -> str:
    """Drop the last third of the lines (the copy stopped early, or the log was cut)."""
    lines, end = _split(text)
    keep = len(lines) - len(lines) // 3
    return _join(lines[:keep], end) if keep < len(lines) else text


def _last(n: int) -> Callable[[str], str]:
    def last(text: str) -> str:
        lines, end = _split(text)
        full = [i for i, line in enumerate(lines) if line.strip()]
        if len(full) <= n:
            return text
        return _join(_trim(lines[full[-n] :]), end)

    lines_word = "line" if n == 1 else "lines"
    last.__doc__ = f"Only the last {n} non-empty {lines_word} (what the user saw last)."
    return last


# --- bare -------------------------------------------------------------------

_TB_HEAD = re.compile(r"^(?P<lead>.*?)Traceback \(most recent call last\):\s*$")
_TYPE = r"(?P<type>(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)"
_EXC_AT = re.compile(_TYPE + r": (?P<msg>\S.*)$")
_LOOSE = re.compile(r"^(?P<lead>[ \t|]*)" + _TYPE + r": (?P<msg>\S.*)$")
_EXC_TYPE = re.compile(r"(Error|Exception|Warning|Exit|Interrupt|Group|Closed\w*)$")
# click's "Error: No such option", uvicorn's own "CRITICAL: ..." are not exception lines
_NOT_TYPES = {"Error", "TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def last_exception_line(text: str) -> tuple[int, int, int] | None:
    """(line index, column of the type, column of the message) of the paste's last
    exception line with a message: the line ending a traceback (at the traceback
    header's indentation, ``|`` of an exception group included), else the last line
    whose type is named like an exception (a traceback cut before its header)."""
    lines, _ = _split(text)
    ended: tuple[int, int, int] | None = None
    loose: tuple[int, int, int] | None = None
    lead: str | None = None  # indentation of the traceback being read
    for i, line in enumerate(lines):
        if head := _TB_HEAD.match(line):
            pre = head.group("lead")
            lead = pre[: len(pre) - len(pre.lstrip(" \t|+"))].replace("+", "|")
            continue
        if lead is not None and line.startswith(lead) and line.strip():
            rest = line[len(lead) :]
            if rest[:1] not in (" ", "\t") and rest.strip() != "...":
                lead = None
                m = _EXC_AT.match(rest)
                if m and m.group("type") not in _NOT_TYPES:
                    start = len(line) - len(rest)
                    ended = (i, start, start + m.start("msg"))
                continue
        m = _LOOSE.match(line)
        if m and m.group("type") not in _NOT_TYPES and _EXC_TYPE.search(m.group("type")):
            loose = (i, m.start("type"), m.start("msg"))
    return ended or loose


def bare_message(text: str) -> str:
    """The last exception line without its type (``TypeError: run() got`` -> ``run() got``)."""
    found = last_exception_line(text)
    if found is None:
        return text
    index, start, msg = found
    lines, end = _split(text)
    lines[index] = lines[index][:start] + lines[index][msg:]
    return _join(lines, end)


def message_only(text: str) -> str:
    """Only the last exception's message, without its type (all the user quoted)."""
    found = last_exception_line(text)
    if found is None:
        return text
    index, _, msg = found
    lines, _ = _split(text)
    return lines[index][msg:] + "\n"


# --- logger: uvicorn's records through another formatter ----------------------


def _json(obj: dict[str, str]) -> str:
    return json.dumps(obj)  # ensure_ascii, ", " and ": " separators: python-json-logger's


def json_logger(text: str) -> str:
    """python-json-logger: one JSON object per record, a traceback in its exc_info field."""

    def render(rec: _Record) -> list[str]:
        obj = {
            "asctime": _asctime(rec.index),
            "levelname": rec.level or "",
            "name": rec.logger,
            "message": rec.text,
        }
        if tb := rec.traceback:
            obj["message"] = rec.message
            obj["exc_info"] = "\n".join(tb)
        return [_json(obj)]

    return _render(text, render)


def json_logger_lines(text: str) -> str:
    """python-json-logger fields, one JSON object per line (a shipper split the record)."""

    def render(rec: _Record) -> list[str]:
        return [
            _json(
                {
                    "asctime": _asctime(rec.index + k),
                    "levelname": rec.level or "",
                    "name": rec.logger,
                    "message": line,
                }
            )
            for k, line in enumerate([rec.message, *rec.rest])
        ]

    return _render(text, render)


def _cloud(severity: str, payload: str, index: int) -> str:
    ts = _at(index).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(
        {"severity": severity, "textPayload": payload, "timestamp": ts}, separators=(",", ":")
    )


def _severity(level: str | None) -> str:
    return {None: "ERROR", "TRACE": "DEBUG"}.get(level, level or "ERROR")


def cloud_logging_record(text: str) -> str:
    """Cloud Logging entries as JSON lines, one per record, its traceback in textPayload."""

    def render(rec: _Record) -> list[str]:
        return [_cloud(_severity(rec.level), rec.text, rec.index)]

    return _render(text, render)


def cloud_logging_lines(text: str) -> str:
    """Cloud Logging entries as JSON lines, one per line of output (no multi-line parser)."""

    def render(rec: _Record) -> list[str]:
        lines = [rec.message, *rec.rest]
        return [_cloud(_severity(rec.level), line, rec.index + k) for k, line in enumerate(lines)]

    return _render(text, render)


def _structlog_ts(index: int) -> str:
    return _at(index).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def structlog_console(text: str) -> str:
    """structlog's ConsoleRenderer (no colours): ``<ts> [error    ] <event> [uvicorn.error]``."""

    def render(rec: _Record) -> list[str]:
        level = (rec.level or "").lower()
        head = f"{_structlog_ts(rec.index)} [{level:<9}] {rec.message:<30} [{rec.logger}]"
        return [head, *rec.rest]

    return _render(text, render)


def structlog_kv(text: str) -> str:
    """structlog's KeyValueRenderer(sort_keys=True): ``event='...' level='error' logger=...``."""

    def render(rec: _Record) -> list[str]:
        fields = {"event": rec.text}
        if tb := rec.traceback:
            fields = {"event": rec.message, "exception": "\n".join(tb)}
        fields |= {
            "level": (rec.level or "").lower(),
            "logger": rec.logger,
            "timestamp": _structlog_ts(rec.index),
        }
        return [" ".join(f"{k}={v!r}" for k, v in fields.items())]

    return _render(text, render)


def _logfmt(value: str) -> str:
    value = value.replace("\n", "\\n")
    if " " in value or "=" in value or '"' in value:
        value = '"' + value.replace('"', '\\"') + '"'
    return value


def structlog_logfmt(text: str) -> str:
    """structlog's LogfmtRenderer: ``event="..." level=error logger=uvicorn.error``."""

    def render(rec: _Record) -> list[str]:
        fields = {"event": rec.text}
        if tb := rec.traceback:
            fields = {"event": rec.message, "exception": "\n".join(tb)}
        fields |= {"level": (rec.level or "").lower(), "logger": rec.logger}
        return [" ".join(f"{k}={_logfmt(v)}" for k, v in fields.items())]

    return _render(text, render)


def _loguru_where(rec: _Record) -> str:
    if rec.logger == "uvicorn.access":
        return "uvicorn.protocols.http.httptools_impl:send:476"
    low = rec.message.lower()
    if "startup" in low:
        return "uvicorn.error:startup:62"
    if "shutdown" in low or "shutting down" in low:
        return "uvicorn.error:shutdown:72"
    if rec.traceback or "exception" in low or "traceback" in low:
        return "uvicorn.error:run_asgi:408"
    return "uvicorn.error:serve:84"


def loguru(text: str) -> str:
    """loguru's default format (an InterceptHandler): ``<ts> | ERROR    | mod:func:line - ``."""

    def render(rec: _Record) -> list[str]:
        t = _at(rec.index)
        ts = t.strftime("%Y-%m-%d %H:%M:%S") + f".{t.microsecond // 1000:03d}"
        return [f"{ts} | {rec.level or '':<8} | {_loguru_where(rec)} - {rec.message}", *rec.rest]

    return _render(text, render)


def logging_default(text: str) -> str:
    """``%(asctime)s - %(name)s - %(levelname)s - %(message)s``, logging's cookbook format."""

    def render(rec: _Record) -> list[str]:
        head = f"{_asctime(rec.index)} - {rec.logger} - {rec.level} - {rec.message}"
        return [head, *rec.rest]

    return _render(text, render)


def clock_pipe(text: str) -> str:
    """``%(asctime)s %(levelname)s | %(name)s: %(message)s``, time only: ``08:06:41 WARNING |``."""

    def render(rec: _Record) -> list[str]:
        ts = _at(rec.index).strftime("%H:%M:%S")
        return [f"{ts} {rec.level} | {rec.logger}: {rec.message}", *rec.rest]

    return _render(text, render)


# --- platform: a prefix on every line of output ---------------------------------


def _prefix_all(text: str, prefix: Callable[[int], str]) -> str:
    """``prefix(i)`` before line ``i``; on an empty line without its trailing space."""
    return _each_line(text, lambda i, line: prefix(i) + line if line else prefix(i).rstrip())


def ray_actor(text: str) -> str:
    """Ray's prefix on a replica's output: ``(ServeReplica:default:App pid=12345) ``."""
    return _prefix_all(text, lambda i: "(ServeReplica:default:App pid=12345) ")


def docker_compose(text: str) -> str:
    """``docker compose up``: the service name padded, then ``| ``: ``api-1  | ``."""
    return _prefix_all(text, lambda i: "api-1  | ")


def kubectl_timestamps(text: str) -> str:
    """``kubectl logs --timestamps``: an RFC 3339 time with nanoseconds before each line."""
    return _prefix_all(text, lambda i: _at(i).strftime("%Y-%m-%dT%H:%M:%S.%f") + "789Z ")


def journald(text: str) -> str:
    """``journalctl -u api``: ``May 01 10:00:00 host python[1234]: `` before each line."""

    def at(i: int) -> str:
        return (_T0 + timedelta(seconds=i // 8)).strftime("%b %d %H:%M:%S host python[1234]: ")

    return _prefix_all(text, at)


def github_actions(text: str) -> str:
    """A GitHub Actions raw log: ``2024-05-01T10:00:00.1234567Z `` before each line."""
    return _prefix_all(text, lambda i: _at(i).strftime("%Y-%m-%dT%H:%M:%S.%f") + "7Z ")


def heroku(text: str) -> str:
    """``heroku logs``: ``2024-05-01T10:00:00.123456+00:00 app[web.1]: `` before each line."""
    return _prefix_all(text, lambda i: _at(i).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00 app[web.1]: "))


def docker_json(text: str) -> str:
    """Docker's json-file log (``/var/lib/docker/containers/*/*-json.log``): one object a line."""

    def wrap(i: int, line: str) -> str:
        stream = "stdout" if (m := LOG_LINE.match(line)) and _ACCESS.match(m.group(3)) else "stderr"
        ts = _at(i).strftime("%Y-%m-%dT%H:%M:%S.%f") + "789Z"
        return json.dumps({"log": line + "\n", "stream": stream, "time": ts}, separators=(",", ":"))

    return _each_line(text, wrap)


def cloud_run_text(text: str) -> str:
    """Cloud Run / GKE text output read as JSON: every line a textPayload; stderr is ERROR."""

    def wrap(i: int, line: str) -> str:
        access = (m := LOG_LINE.match(line)) and _ACCESS.match(m.group(3))
        return _cloud("INFO" if access else "ERROR", line, i)

    return _each_line(text, wrap)


# --- markdown -----------------------------------------------------------------


def _is_command(line: str) -> bool:
    return bool(_COMMAND.match(line))


_COMMAND = re.compile(
    r"^(?:[A-Z_]+=\S+ +)*(?:"
    r"(?:python[\d.]*|py)(?:\.exe)? +(?:-m +\w|-c |\S+\.py\b)"
    r"|(?:uvicorn|gunicorn|hypercorn)(?:\.exe)? +(?:-|[\w.]+:[\w.()]+|[\w.]+(?= +-))"
    r"|(?:uv +)?pip3? +install\b|pyinstaller +\S"
    r"|fastapi +(?:run|dev)\b"
    r"|(?:poetry|uv|pipenv|pdm|hatch) +run +\S"
    r"|docker(?:-compose| compose)? +(?:run|up|compose)\b"
    r")"
)


def bold_errors(text: str) -> str:
    """``**...**`` around the warning and error log messages and the last exception line."""
    found = last_exception_line(text)
    index = found[0] if found else None

    def bold(i: int, line: str) -> str:
        m = LOG_LINE.match(line)
        if (m and m.group(1) in _SERIOUS and not _TB_HEAD.match(m.group(3))) or i == index:
            return f"**{line}**"
        return line

    return _each_line(text, bold)


def quote(text: str) -> str:
    """``> `` before every line, as a reply quoting the paste (``>`` alone on empty lines)."""
    return _each_line(text, lambda i, line: f"> {line}" if line else ">")


def indent4(text: str) -> str:
    """Four spaces before every line: a markdown code block made by indentation."""
    return _each_line(text, lambda i, line: f"    {line}" if line else line)


def indent1(text: str) -> str:
    """One space before every line (copied from a chat or a web log viewer)."""
    return _each_line(text, lambda i, line: f" {line}" if line else line)


def line_numbers(text: str) -> str:
    """A log viewer's line numbers: ``  12 | `` before every line."""
    return _each_line(text, lambda i, line: f"{i + 1:>4} | {line}".rstrip())


def fenced(text: str) -> str:
    """A markdown code fence around the paste (`````` ```console `````` ... `````` ``` ``````)."""
    lines, _ = _split(text)
    return _join(["```console", *lines, "```"], "\n")


def details(text: str) -> str:
    """GitHub's collapsed block: ``<details><summary>Logs</summary>`` and a fence inside."""
    lines, _ = _split(text)
    return _join(["<details><summary>Logs</summary>", "", "```", *lines, "```", "</details>"], "\n")


def _reprompt(new: str) -> Callable[[str], str]:
    def fn(i: int, line: str) -> str:
        if _is_command(line):
            return new + line
        if line.startswith("$ ") and _is_command(line[2:]):
            return new + line[2:]
        return line

    return fn


def prompt(text: str) -> str:
    """A ``$ `` shell prompt before the command line, when the paste shows one."""
    return _each_line(text, lambda i, line: f"$ {line}" if _is_command(line) else line)


def prompt_venv(text: str) -> str:
    """A virtualenv prompt before the command (or its ``$ ``): ``(.venv) user@host:~/app$ ``."""
    return _each_line(text, _reprompt("(.venv) user@host:~/app$ "))


def prompt_powershell(text: str) -> str:
    """A PowerShell prompt before the command line (or its ``$ ``): ``PS C:\\Users\\me\\app> ``."""
    return _each_line(text, _reprompt("PS C:\\Users\\me\\app> "))


def command_of(header: str) -> str | None:
    """The command line of a corpus paste's ``## command:`` header, without the
    notes after it (``  (then SIGINT)``, ``  # ...``, ``, then ...``)."""
    command = re.split(r"\s+\(|\s+#|, then |, GET |; ", header, maxsplit=1)[0].strip()
    return command if _is_command(command) else None


def with_command(command: str) -> Mutation:
    """The mutation that puts ``$ <command>`` before the paste (the user's own command)."""

    def prompt_command(text: str) -> str:
        """The command that produced the output, after a ``$ `` prompt, as the first line."""
        return f"$ {command}\n{text}"

    return Mutation("prompt-command", "markdown", prompt_command)


# --- terminal -----------------------------------------------------------------


def crlf(text: str) -> str:
    """CRLF line endings (a Windows terminal, a file saved on Windows)."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


_LEVEL_COLOUR = {
    "TRACE": "34",
    "DEBUG": "36",
    "INFO": "32",
    "WARNING": "33",
    "ERROR": "31",
    "CRITICAL": "91",
}


def _style(s: str, *codes: str) -> str:
    return "".join(f"\x1b[{c}m" for c in codes) + s + "\x1b[0m"


def _colour_level(line: str) -> str:
    m = LOG_LINE.match(line)
    if not m:
        return line
    return _style(m.group(1), _LEVEL_COLOUR[m.group(1)]) + ":" + m.group(2) + m.group(3)


def ansi_levels(text: str) -> str:
    """uvicorn's colours on the level names: ``\\x1b[32mINFO\\x1b[0m:     ...``."""
    return _each_line(text, lambda i, line: _colour_level(line))


_STATUS_COLOUR = {"1": "97", "2": "32", "3": "33", "4": "31", "5": "91"}
_ACCESS_PARTS = re.compile(r'^(\S+ - ")([A-Z]+ \S* ?HTTP/[\d.]+)(" )(\d{3})(.*)$')
_PID = re.compile(r"^((?:Started|Finished) server process \[)(\d+)(\].*)$")
_PID_BOLD = re.compile(r"^(Started (?:reloader|parent) process \[)(\d+)(\].*)$")
_RUNNING = re.compile(r"^(Uvicorn running on )(\S+)( \(Press CTRL\+C to quit\).*)$")


def _colour_all(line: str) -> str:
    m = LOG_LINE.match(line)
    if not m:
        return line
    message = m.group(3)
    if a := _ACCESS_PARTS.match(message):
        status = _style(a.group(4) + a.group(5), _STATUS_COLOUR.get(a.group(4)[0], "97"))
        message = a.group(1) + _style(a.group(2), "1") + a.group(3) + status
    elif p := _PID.match(message):
        message = p.group(1) + _style(p.group(2), "36") + p.group(3)
    elif p := _PID_BOLD.match(message):
        message = p.group(1) + _style(p.group(2), "36", "1") + p.group(3)
    elif r := _RUNNING.match(message):
        message = r.group(1) + _style(r.group(2), "1") + r.group(3)
    return _style(m.group(1), _LEVEL_COLOUR[m.group(1)]) + ":" + m.group(2) + message


def ansi_full(text: str) -> str:
    """All of uvicorn's colours: levels, the access request line and status, pids, the URL."""
    return _each_line(text, lambda i, line: _colour_all(line))


def ansi_windows(text: str) -> str:
    """uvicorn's level colours as an old Windows console copies them: ``←[32mINFO←[0m:``."""
    return ansi_levels(text).replace("\x1b", "\u2190")


def wrap80(text: str) -> str:
    """Output lines longer than 80 columns hard-wrapped at 80 (copied from a narrow console)."""

    def wrap(line: str) -> list[str]:
        if "`" in line:  # the user's own markdown prose, not terminal output
            return [line]
        return [line[k : k + 80] for k in range(0, len(line), 80)] or [""]

    lines, end = _split(text)
    return _join([part for line in lines for part in wrap(line)], end)


# --- the list -----------------------------------------------------------------

MUTATIONS: tuple[Mutation, ...] = (
    Mutation("head-third", "cut", head_third),
    Mutation("head-half", "cut", head_half),
    Mutation("tail-third", "cut", tail_third),
    Mutation("last-1", "cut", _last(1)),
    Mutation("last-2", "cut", _last(2)),
    Mutation("last-5", "cut", _last(5)),
    Mutation("bare-message", "bare", bare_message),
    Mutation("message-only", "bare", message_only),
    Mutation("json-logger", "logger", json_logger),
    Mutation("json-logger-lines", "logger", json_logger_lines),
    Mutation("cloud-logging-record", "logger", cloud_logging_record),
    Mutation("cloud-logging-lines", "logger", cloud_logging_lines),
    Mutation("structlog-console", "logger", structlog_console),
    Mutation("structlog-kv", "logger", structlog_kv),
    Mutation("structlog-logfmt", "logger", structlog_logfmt),
    Mutation("loguru", "logger", loguru),
    Mutation("logging-default", "logger", logging_default),
    Mutation("clock-pipe", "logger", clock_pipe),
    Mutation("ray-actor", "platform", ray_actor),
    Mutation("docker-compose", "platform", docker_compose),
    Mutation("docker-json", "platform", docker_json),
    Mutation("kubectl-timestamps", "platform", kubectl_timestamps),
    Mutation("journald", "platform", journald),
    Mutation("github-actions", "platform", github_actions),
    Mutation("heroku", "platform", heroku),
    Mutation("cloud-run-text", "platform", cloud_run_text),
    Mutation("bold", "markdown", bold_errors),
    Mutation("quote", "markdown", quote),
    Mutation("indent-4", "markdown", indent4),
    Mutation("indent-1", "markdown", indent1),
    Mutation("line-numbers", "markdown", line_numbers),
    Mutation("fence", "markdown", fenced),
    Mutation("details", "markdown", details),
    Mutation("prompt", "markdown", prompt),
    Mutation("prompt-venv", "markdown", prompt_venv),
    Mutation("prompt-powershell", "markdown", prompt_powershell),
    Mutation("crlf", "terminal", crlf),
    Mutation("ansi-levels", "terminal", ansi_levels),
    Mutation("ansi-full", "terminal", ansi_full),
    Mutation("ansi-windows", "terminal", ansi_windows),
    Mutation("wrap-80", "terminal", wrap80),
)
BY_NAME = {m.name: m for m in MUTATIONS}
