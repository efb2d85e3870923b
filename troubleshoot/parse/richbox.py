"""Read rich's boxed tracebacks (``rich.traceback``, typer's pretty exceptions).

::

    ╭──────── Traceback (most recent call last) ────────╮
    │ /app/main.py:12 in <module>                       │
    │ ❱ 12 │ uvicorn.run(app, workers=2)                │
    │ ╭──── locals ────╮                                │
    │ │ app = <...>    │                                │
    │ ╰────────────────╯                                │
    ╰───────────────────────────────────────────────────╯
    TypeError: ...

A box yields frames and source lines; the ``Type: message`` line after it is a
plain line that the traceback reader handles.
"""

from __future__ import annotations

from typing import NamedTuple

TOP, SIDE, BOTTOM = "╭", "│", "╰"
_SOURCE_MARK = "❱"
_PATH_STARTS = ("/", "~", "\\", "<", ".")


class BoxFrame(NamedTuple):
    file: str
    line: int
    function: str


def box_inner(line: str) -> str:
    """The text between a box line's side borders."""
    inner = line.strip()
    if inner.startswith(SIDE):
        inner = inner[1:]
    if inner.endswith(SIDE):
        inner = inner[:-1]
    return inner.strip()


def parse_box_frame(text: str) -> BoxFrame | None:
    """``/path/file.py:123 in func`` (rich's frame title), or None."""
    left, sep, function = text.rpartition(" in ")
    if not sep or not function or " " in function:
        return None
    file, colon, number = left.rpartition(":")
    if not colon or not number.isdigit() or len(number) > 9 or not file:
        return None
    if not (file.startswith(_PATH_STARTS) or file[1:3] == ":\\" or file.endswith((".py", ">"))):
        return None
    return BoxFrame(file, int(number), function)


def parse_box_source(text: str) -> str | None:
    """The code of rich's highlighted line ``❱ 12 │ code``, or None."""
    if not text.startswith(_SOURCE_MARK):
        return None
    _, bar, code = text.partition(SIDE)
    if not bar:
        return None
    return code.replace(SIDE, " ").strip()


class RichBox:
    """State of one open box: nesting depth (locals panels) and a wrapped path line."""

    def __init__(self, is_traceback: bool) -> None:
        self.is_traceback = is_traceback
        self.depth = 1
        self._carry = ""

    def feed(self, line: str) -> tuple[str, BoxFrame | str | None]:
        """Read one line of the box; returns (text for the normalised paste, frame/source/None)."""
        stripped = line.strip()
        if stripped.startswith(BOTTOM):
            self.depth -= 1
            return "", None
        inner = box_inner(stripped)
        if inner.startswith(TOP):
            self.depth += 1
            return inner.strip("╭─╮ "), None
        if inner.startswith(BOTTOM):
            self.depth -= 1
            return "", None
        if self.depth > 1:
            return box_inner(inner), None
        if not self.is_traceback:
            return inner, None
        return inner, self._frame_or_source(inner)

    def _frame_or_source(self, inner: str) -> BoxFrame | str | None:
        if self._carry:
            # rich wraps a long path onto the next line
            joined = self._carry + inner
            self._carry = ""
            frame = parse_box_frame(joined)
            if frame is not None:
                return frame
        frame = parse_box_frame(inner)
        if frame is not None:
            return frame
        source = parse_box_source(inner)
        if source is not None:
            return source
        if inner.startswith(_PATH_STARTS) or inner[1:3] == ":\\":
            self._carry = inner[:1000]
        return None

    @property
    def closed(self) -> bool:
        return self.depth <= 0
