"""Parse a paste: route each cleaned line to the reader of its stream and group depth.

Pipeline, one line at a time (so time is linear and memory bounded):

1. :mod:`normalise` removes ANSI escapes, CRs and control bytes and splits lines;
2. :mod:`unwrap` takes the output out of markdown, viewers, prompts and structured
   log records; :mod:`unflatten` re-splits a traceback that lost its line breaks;
3. :mod:`prefixes` removes stream prefixes (docker compose, journald) and log
   prefixes (uvicorn, logging, gunicorn, loguru);
4. :class:`Stream` strips exception-group margins (``  | ``) and rich box borders and
   hands the line to the :class:`~troubleshoot.parse.reader.Reader` for that depth;
5. :class:`~troubleshoot.parse.versions.VersionScanner` reads versions off every line.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import replace

from troubleshoot.parse.collect import Bounded, ExceptionBuilder
from troubleshoot.parse.frozen import is_frozen
from troubleshoot.parse.model import LogEvent, Parsed
from troubleshoot.parse.normalise import MAX_LINE_CHARS, LineSource, clean_text, count_lines
from troubleshoot.parse.prefixes import Prefix, strip_prefixes
from troubleshoot.parse.reader import Reader, Sink
from troubleshoot.parse.richbox import BOTTOM, SIDE, TOP, BoxFrame, RichBox
from troubleshoot.parse.unflatten import rejoin_frames, unflatten
from troubleshoot.parse.unwrap import unwrap
from troubleshoot.parse.versions import VersionScanner

MAX_TEXT_CHARS = 2_000_000  # of the normalised paste kept in ``Parsed.text``
MAX_STREAMS = 32
MAX_GROUP_DEPTH = 16

_GROUP_ENTRY = re.compile(
    r" *(?:\+ Exception Group Traceback|\+-\+---|\| (?:Exception Group )?Traceback \(most recent)"
)
# uvicorn's own formatter pads the level to 10 columns ("INFO:     ", "ERROR:    "),
# which logging's defaults ("INFO:name:", "INFO - ") never do.
_UVICORN_FORMAT = re.compile(
    r"(?:^|[\s|\]])(?:INFO: {5}|WARNING: {2}|ERROR: {4}|DEBUG: {4}|CRITICAL: |TRACE: {4})\S"
)
_GROUP_LINE = re.compile(r"(?P<indent> *)(?P<mark>[|+])(?P<rest>.*)$")


class Stream:
    """One source of output: its readers (by exception-group depth) and an open rich box."""

    def __init__(self, sink: Sink, name: str | None) -> None:
        self.sink = sink
        self.name = name
        self.readers: dict[int, Reader] = {0: Reader(sink, 0, name)}
        self.group_base: int | None = None
        self.box: RichBox | None = None

    def reader(self, depth: int) -> Reader:
        depth = min(max(depth, 0), MAX_GROUP_DEPTH)
        found = self.readers.get(depth)
        if found is None:
            found = self.readers[depth] = Reader(self.sink, depth, self.name)
        return found

    def feed(self, line_no: int, prefix: Prefix) -> str:
        """Read one line; returns its normalised text (for ``Parsed.text``)."""
        content = prefix.content
        if prefix.logged:
            self.readers[0].feed_logged(line_no, content, prefix.level, prefix.pid)
            return content
        head = content.lstrip()[:1]
        if self.box is not None:
            text = self._box_line(line_no, content, head)
            if text is not None:
                return text
        if self.group_base is not None or (head in "+|" and _GROUP_ENTRY.match(content)):
            text = self._group_line(line_no, content)
            if text is not None:
                return text
        if head == TOP:
            return self._open_box(line_no, content)
        self.readers[0].feed(line_no, content)
        return content

    def finish(self) -> None:
        for depth in sorted(self.readers, reverse=True):
            self.readers[depth].finish()

    # -- exception groups -------------------------------------------------------------

    def _group_line(self, line_no: int, content: str) -> str | None:
        m = _GROUP_LINE.match(content)
        indent = len(m.group("indent")) if m else 0
        if m is None or (self.group_base is not None and indent < self.group_base):
            self._leave_group()
            return None
        if self.group_base is None:
            self.group_base = indent
        depth = (indent - self.group_base) // 2
        rest = m.group("rest")
        if m.group("mark") == "+":
            if rest.startswith("-"):
                # "+-+---- 1 ----" opens the first sub-exception one level down;
                # "+---- 2 ----" and the closing "+-------" end a sibling at this level
                self._reset_from(depth + 1 if rest.startswith("-+") else depth)
                return ""
            rest = rest.strip()
            self.reader(depth).feed(line_no, rest)
            return rest
        inner = rest[1:] if rest.startswith(" ") else rest
        self.reader(depth).feed(line_no, inner)
        return inner

    def _reset_from(self, depth: int) -> None:
        for d in sorted(self.readers, reverse=True):
            if d >= max(depth, 1):
                self.readers[d].finish()

    def _leave_group(self) -> None:
        self._reset_from(1)
        self.group_base = None

    # -- rich boxes -------------------------------------------------------------------

    def _open_box(self, line_no: int, content: str) -> str:
        title = content.strip().strip("╭─╮ ")
        is_traceback = title.startswith("Traceback")
        self.box = RichBox(is_traceback)
        if is_traceback:
            self.readers[0].start(line_no, 0)
        return title

    def _box_line(self, line_no: int, content: str, head: str) -> str | None:
        box = self.box
        assert box is not None
        if head not in (SIDE, BOTTOM):
            # the box was cut off: continue as plain output
            self.box = None
            self.readers[0].box_closed()
            return None
        text, item = box.feed(content)
        reader = self.readers[0]
        if isinstance(item, BoxFrame):
            reader.add_frame(item.file, item.line, item.function)
        elif item is not None:
            reader.add_source(item)
        elif not box.is_traceback and text and box.depth == 1:
            reader.feed(line_no, text)
        if box.closed:
            self.box = None
            if box.is_traceback:
                reader.box_closed()
        return text


class _Text:
    """``Parsed.text``: one normalised line per pasted line, up to a size limit."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.cut = False

    def add(self, line: str) -> None:
        if self.cut:
            return
        self.size += len(line) + 1
        if self.size > MAX_TEXT_CHARS:
            self.cut = True
            return
        self.parts.append(line)


def parse(text: str) -> Parsed:
    """Parse a paste into exceptions, log events, versions and notes; never raises on content."""
    if not text.strip():
        return Parsed(line_count=count_lines(text), notes=("the paste is empty",))
    cleaned = _dedent(clean_text(text))
    sink = Sink()
    scanner = VersionScanner()
    streams: OrderedDict[str | None, Stream] = OrderedDict()
    streams[None] = Stream(sink, None)
    out = _Text()
    source = LineSource(cleaned)
    plain = streams[None]
    uvicorn_lines = 0
    for line_no, line in rejoin_frames(source):
        if ":" in line[:120] and _UVICORN_FORMAT.search(line[:120]):
            uvicorn_lines += 1
        pieces = [
            piece
            for inner in unwrap(line)
            for piece in (unflatten(inner) if ' File "' in inner else (inner,))
        ]
        texts = []
        for piece in pieces:
            prefix = strip_prefixes(piece)
            stream = plain if prefix.stream is None else _stream_for(streams, sink, prefix.stream)
            normalised = stream.feed(line_no, prefix)
            scanner.scan(normalised)
            texts.append(normalised)
        out.add(texts[0] if len(texts) == 1 else " ".join(texts))
    for stream in streams.values():
        stream.finish()
    parsed = _result(sink, scanner, out, count_lines(cleaned), source.long_lines)
    return replace(parsed, uvicorn_log_lines=uvicorn_lines)


def _dedent(text: str) -> str:
    """A paste indented as a whole (a code block inside a list, a quoted mail) loses
    the indentation its lines share; CPython's own indentation stays."""
    head = text.lstrip("\n")[:1]
    if head not in (" ", "\t"):
        return text
    import textwrap

    return textwrap.dedent(text)


def _stream_for(streams: OrderedDict[str | None, Stream], sink: Sink, name: str | None) -> Stream:
    stream = streams.get(name)
    if stream is None:
        if len(streams) >= MAX_STREAMS:
            # forget the stream heard from least recently (never the plain terminal)
            for old in streams:
                if old is not None:
                    streams.pop(old).finish()
                    break
            sink.note(f"more than {MAX_STREAMS} output streams; older ones were closed")
        stream = streams[name] = Stream(sink, name)
    elif name is not None:
        streams.move_to_end(name)
    return stream


def _result(
    sink: Sink, scanner: VersionScanner, out: _Text, line_count: int, long_lines: int
) -> Parsed:
    notes = [f"{note} (x{count})" if count > 1 else note for note, count in sink.notes.items()]
    python_version, python_note = scanner.python_version()
    platform, platform_note = scanner.platform()
    notes += [n for n in (python_note, platform_note) if n]
    for name, others in sorted(scanner.conflicts.items()):
        shown = ", ".join(sorted(others))
        notes.append(f"{name}: using {scanner.versions[name]}, the paste also shows {shown}")
    notes += _cut_notes("exceptions", sink.exceptions) + _cut_notes("log lines", sink.log_events)
    if out.cut:
        notes.append(f"the normalised text was cut at {MAX_TEXT_CHARS:,} characters")
    if long_lines:
        notes.append(f"{long_lines} lines longer than {MAX_LINE_CHARS} characters were cut")
    exceptions = tuple(b.build() for b in sink.exceptions.items())
    text = "\n".join(out.parts)
    return Parsed(
        exceptions=exceptions,
        log_events=tuple(sink.log_events.items()),
        versions=dict(scanner.versions),
        python_version=python_version,
        platform=platform,
        frozen=is_frozen((f for e in exceptions for f in e.frames), text),
        text=text,
        line_count=line_count,
        truncated=sink.truncated,
        notes=tuple(notes),
    )


def _cut_notes(what: str, kept: Bounded[ExceptionBuilder] | Bounded[LogEvent]) -> list[str]:
    if not kept.dropped:
        return []
    return [
        f"{kept.added} {what}; kept the first and last {len(kept) // 2}, skipped {kept.dropped}"
    ]
