"""The traceback state machine: one reader per output stream and exception-group depth.

A reader sees the lines of one stream (a docker compose service, a journald
process, or the plain terminal) at one exception-group depth, free of prefixes
and group margins. It moves between three states:

``IDLE``      outside a traceback: log lines, ``Process X:`` headers, lone
              ``Type: message`` lines (strict: they must look like exceptions);
``FRAMES``    after ``Traceback (most recent call last):``: ``File`` lines, source
              lines, ``^^^^`` markers, until the ``Type: message`` line;
``MESSAGE``   after that line: continuation lines of a multi-line message.

Lines that fit none of these (another process's output interleaved with a
traceback) become log events and leave the state alone.
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache

from troubleshoot.parse import lines as ln
from troubleshoot.parse.collect import Bounded, ExceptionBuilder
from troubleshoot.parse.model import Frame, LogEvent
from troubleshoot.parse.modules import module_for

MAX_EXCEPTIONS = 100  # kept at each end of the paste
MAX_LOG_EVENTS = 1000  # kept at each end of the paste
MAX_FRAMES = 100  # kept at each end of one traceback
MAX_MESSAGE_LINES = 60
MAX_MESSAGE_CHARS = 8000
MAX_NOTES = 30

# lines that start new output and so end a multi-line exception message
_MESSAGE_STOPS = (
    "Exception ignored in",
    "Exception in thread",
    "Exception in callback",
    "Task exception was never retrieved",
    "Future exception was never retrieved",
    "Process ",
)


@lru_cache(maxsize=4096)
def _module(path: str) -> str | None:
    return module_for(path)


class Sink:
    """Everything the readers produce, bounded."""

    def __init__(self) -> None:
        self.exceptions: Bounded[ExceptionBuilder] = Bounded(MAX_EXCEPTIONS, MAX_EXCEPTIONS)
        self.log_events: Bounded[LogEvent] = Bounded(MAX_LOG_EVENTS, MAX_LOG_EVENTS)
        self.notes: dict[str, int] = {}
        self.truncated = False

    def note(self, text: str) -> None:
        if text in self.notes or len(self.notes) < MAX_NOTES:
            self.notes[text] = self.notes.get(text, 0) + 1

    def log(self, line_no: int, message: str, level: str | None) -> None:
        if message:
            self.log_events.add(LogEvent(message=message, line_no=line_no, level=level))


class State(Enum):
    IDLE = "idle"
    FRAMES = "frames"
    MESSAGE = "message"


class Reader:
    """Reads the tracebacks of one stream at one exception-group depth."""

    def __init__(self, sink: Sink, depth: int, stream: str | None) -> None:
        self.sink = sink
        self.depth = depth
        self.stream = stream
        self.state = State.IDLE
        self.last: ExceptionBuilder | None = None  # for chain separators
        self.process: str | None = None
        self.pending_process: str | None = None
        self._after_chain = False
        self._reset_traceback(0, 0)

    # -- traceback bookkeeping -------------------------------------------------------

    def _reset_traceback(self, line_no: int, indent: int) -> None:
        self._header_line = line_no
        self._indent = indent
        self._frames: Bounded[Frame] = Bounded(MAX_FRAMES, MAX_FRAMES)
        self._frame: tuple[str, int, str] | None = None
        self._source: str | None = None
        self._after_box = False
        self._message: ExceptionBuilder | None = None
        self._has_colon = False
        self._blank = 0
        self._message_chars = 0

    def _flush_frame(self) -> None:
        if self._frame is not None:
            file, line, function = self._frame
            self._frames.add(Frame(file, line, function, _module(file), self._source))
            self._frame = None
            self._source = None

    def start(self, line_no: int, indent: int) -> None:
        """A ``Traceback (most recent call last):`` header (or the top of a rich box)."""
        self.end()
        self.process = self.process if self._after_chain else (self.pending_process or self.stream)
        self.pending_process = None
        self._after_chain = False
        self.state = State.FRAMES
        self._reset_traceback(line_no, indent)

    def add_frame(self, file: str, line: int, function: str) -> None:
        self._flush_frame()
        self._frame = (file, line, function)

    def add_source(self, source: str) -> None:
        if self._frame is not None and self._source is None:
            self._source = source

    def box_closed(self) -> None:
        """The bottom of a rich box: the next plain line is the exception."""
        if self.state is State.FRAMES:
            self._flush_frame()
            self._after_box = True

    def end(self) -> None:
        """Close whatever is open; a traceback without its exception line is kept as such."""
        if self.state is State.FRAMES:
            self._flush_frame()
            if len(self._frames):
                self.sink.note("a traceback ends before its exception line (cut or interleaved)")
                self._emit("", "", self._header_line, complete=False)
        self.state = State.IDLE
        self._message = None

    def finish(self) -> None:
        """End, and forget the chain: the next exception is unrelated."""
        self.end()
        self.last = None
        self._after_chain = False

    def _emit(
        self,
        exc_type: str,
        message: str,
        line_no: int,
        *,
        complete: bool = True,
        indent: int = 0,
        colon: bool = False,
    ) -> None:
        self._flush_frames_dropped()
        builder = ExceptionBuilder(
            type=exc_type,
            line_no=line_no,
            frames=self._frames.items(),
            group_depth=self.depth,
            process=self.process if self.state is State.FRAMES else self._lone_process(),
            complete=complete,
        )
        builder.message_lines.append(message)
        self.sink.exceptions.add(builder)
        self.last = builder
        self._frames = Bounded(MAX_FRAMES, MAX_FRAMES)
        self.state = State.MESSAGE if complete else State.IDLE
        self._message = builder if complete else None
        self._blank = 0
        self._indent = indent
        self._has_colon = colon
        self._message_chars = len(message)

    def _lone_process(self) -> str | None:
        process = self.pending_process or self.stream
        self.pending_process = None
        return process

    def _flush_frames_dropped(self) -> None:
        if self._frames.dropped:
            self.sink.note(f"a traceback had {self._frames.added} frames; kept the first and last")

    # -- lines -------------------------------------------------------------------------

    def feed(self, line_no: int, line: str) -> None:
        """One plain line of output (no log prefix)."""
        if self.state is State.MESSAGE and self._continue_message(line):
            return
        stripped = line.strip()
        if not stripped:
            return
        if ln.is_truncation(stripped):
            self.sink.truncated = True
            if ln.is_cut_line(stripped):
                return
            line = ln.strip_truncation(line)
            stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if ln.is_header(line):
            self.start(line_no, indent)
            return
        chain = ln.chain_kind(stripped)
        if chain is not None:
            self.end()
            if self.last is not None and self.last.chained_from is None:
                self.last.chained_from = chain
            self._after_chain = True
            return
        name = ln.process_name(stripped)
        if name is not None:
            self.end()
            self.pending_process = name
            return
        frame = ln.parse_frame(line)
        if frame is not None:
            if self.state is not State.FRAMES:
                self.sink.note("a traceback starts without its header line")
                self.start(line_no, max(indent - 2, 0))
            self.add_frame(*frame)
            return
        if self.state is State.FRAMES:
            self._traceback_line(line_no, line, stripped, indent)
        else:
            self._idle_line(line_no, stripped, indent)

    def feed_logged(self, line_no: int, message: str, level: str | None, pid: str | None) -> None:
        """A line with a log prefix: a log event, unless it carries traceback content."""
        if self.state is State.MESSAGE:
            self.end()
        if ln.is_header(message):
            self.start(line_no, 0)
            return
        if self.state is State.FRAMES:
            frame = ln.parse_frame(message)
            if frame is not None:
                self.add_frame(*frame)
                return
            if ln.is_marker(message) or ln.is_repeat_note(message):
                return
            exc = ln.parse_exception(message.strip(), strict=True)
            if exc is not None:
                self._emit(exc[0], exc[1], line_no, colon=":" in message)
                return
        elif pid is not None:
            self.pending_process = pid
        self.sink.log(line_no, message.strip(), level)

    def _idle_line(self, line_no: int, stripped: str, indent: int) -> None:
        exc = ln.parse_exception(stripped, strict=self.depth == 0)
        if exc is not None:
            self._emit(exc[0], exc[1], line_no, indent=indent, colon=":" in stripped)
            return
        self.pending_process = None
        self.sink.log(line_no, stripped, None)

    def _traceback_line(self, line_no: int, line: str, stripped: str, indent: int) -> None:
        if ln.is_marker(stripped) or ln.is_repeat_note(stripped):
            return
        if indent > self._indent and not self._after_box:
            # a source line, or more of a multi-line statement (3.13), or loguru's notes
            if self._source is None and stripped[:1] not in "│└":
                self.add_source(stripped)
            return
        strict = ln.parse_exception(stripped, strict=True)
        expects_source = (
            self._frame is not None
            and self._source is None
            and not self._frame[0].startswith("<")
            and not self._after_box
        )
        exc = strict
        if exc is None and not expects_source:
            exc = ln.parse_exception(stripped, strict=False)
        if exc is not None:
            self._flush_frame()
            self._emit(exc[0], exc[1], line_no, indent=indent, colon=":" in stripped)
        elif expects_source:
            # pasted without indentation: the line under a frame is its source
            self.add_source(stripped)
        else:
            self.sink.log(line_no, stripped, None)

    def _continue_message(self, line: str) -> bool:
        """Add ``line`` to the open multi-line message; False when the message has ended."""
        builder = self._message
        stripped = line.strip()
        if builder is None:
            self.state = State.IDLE
            return False
        if not stripped:
            self._blank += 1
            if self._blank > 2:
                self.end()
            return True
        indent = len(line) - len(line.lstrip())
        ends = (
            not self._has_colon
            or (self._blank and indent <= self._indent)
            or len(builder.message_lines) >= MAX_MESSAGE_LINES
            or self._message_chars > MAX_MESSAGE_CHARS
            or stripped.startswith(_MESSAGE_STOPS)
            or ln.is_header(line)
            or ln.chain_kind(stripped) is not None
            or ln.parse_frame(line) is not None
            or (indent <= self._indent and ln.parse_exception(stripped, strict=True) is not None)
            or ln.is_truncation(stripped)
        )
        if ends:
            self.end()
            return False
        builder.message_lines.extend([""] * self._blank)
        builder.message_lines.append(line.rstrip()[min(indent, self._indent) :])
        self._message_chars += len(line)
        self._blank = 0
        return True
