"""Re-split tracebacks whose line breaks were lost (copied from a web page or a chat).

``... INFO: Started reloader process [31388] Traceback (most recent call last): File
"/x/bin/uvicorn", line 11, in <module> load_entry_point(...)() File "..."`` becomes
the lines CPython printed: the header, each ``File`` line, each source line, and
the final ``Type: message``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_BREAK = re.compile(
    r" (?=Traceback \(most recent call last\):|File \"[^\"]{0,4096}\", line \d"
    r"|During handling of the above exception|The above exception was the direct cause"
    r"|\.\.\. \(truncated\)|(?:INFO|ERROR|WARNING|DEBUG|CRITICAL):\s)"
)
_FRAME = re.compile(
    r"File \"(?P<file>[^\"]*)\", line (?P<line>\d{1,9})(?:, in (?P<func>\S+))?(?: (?P<rest>.*))?$"
)
_HEADER = "Traceback (most recent call last):"
# the exception at the end of the last frame's source: "... raise X(y) ValueError: y"
_TRAILING_EXC = re.compile(
    r"(?:^| )(?=(?:[A-Za-z_]\w{0,100}\.){0,20}[A-Z]\w{0,100}"
    r"(?:Error|Exception|Interrupt|Exit|Group|Warning)(?::|$))"
)


def looks_flattened(line: str) -> bool:
    """A whole traceback squeezed onto one line."""
    if ' File "' not in line:
        return False
    return line.count(' File "') >= 2 or f"{_HEADER} " in line


def _split_frame(piece: str) -> list[str]:
    m = _FRAME.match(piece)
    if m is None:
        return [piece]
    head = f'  File "{m.group("file")}", line {m.group("line")}'
    if m.group("func"):
        head += f", in {m.group('func')}"
    rest = (m.group("rest") or "").strip()
    if not rest:
        return [head]
    cut = None
    for found in _TRAILING_EXC.finditer(rest):
        cut = found.end()
    if cut is None:
        return [head, f"    {rest}"]
    source, exception = rest[:cut].strip(), rest[cut:].strip()
    return [head, f"    {source}", exception] if source else [head, exception]


def unflatten(line: str) -> list[str]:
    """The lines a flattened traceback had; ``[line]`` when it is not one."""
    if not looks_flattened(line):
        return [line]
    out: list[str] = []
    for raw in _BREAK.split(line):
        piece = raw.strip()
        if not piece:
            continue
        if piece.startswith("File "):
            out.extend(_split_frame(piece))
        elif piece.startswith(_HEADER) and len(piece) > len(_HEADER):
            out.extend((_HEADER, piece[len(_HEADER) :].strip()))
        else:
            out.append(piece)
    return out


# A frame line wrapped by a mail client ('File "x.py", line' then '677, in lifespan',
# or 'File "x.py",' then 'line 96, in __init__') or by a terminal at its width, which
# breaks anywhere and starts the rest at column 0 ('File "/venv/.../multiproces' then
# 's.py", line 77, in target').
_FRAME_HEAD = re.compile(r'\s*File "[^"]{1,4096}",(?: line)?$')
_FRAME_TAIL = re.compile(r"(?:line )?\d{1,9}, in \S+$")
_FRAME_START = re.compile(r'\s*(?:> ?)?File "')
_FRAME_WHOLE = re.compile(r'\s*(?:> ?)?File "[^"]*", line \d{1,9}(?:, in \S+)?$')
# the shortest line a terminal wraps (narrower windows are not worth guessing at)
MIN_WRAP_WIDTH = 70
TERMINAL_WIDTHS = frozenset({80, 100, 120, 132, 160, 200})


def _joined(held: str, line: str) -> str | None:
    """``held`` and ``line`` as the one frame line they were, or None."""
    stripped = line.strip()
    if _FRAME_HEAD.match(held) and _FRAME_TAIL.match(stripped):
        return f"{held.rstrip()} {stripped}"
    if len(held) < MIN_WRAP_WIDTH or not line:
        return None
    if _FRAME_WHOLE.match(held) and (
        len(held) not in TERMINAL_WIDTHS or line[0].isspace() or ln_exception(stripped)
    ):
        # a whole frame, then its source line (pasted without indentation, too) or the
        # exception; only a line exactly as wide as a terminal can be cut in its name
        return None
    candidate = held + line
    return candidate if _FRAME_WHOLE.match(candidate) else None


def ln_exception(line: str) -> bool:
    """A line that stands on its own after a frame: an exception or a header."""
    from troubleshoot.parse import lines as ln

    return ln.is_header(line) or ln.parse_exception(line, strict=True) is not None


def rejoin_frames(lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """The lines, with each wrapped ``File "...", line N, in f`` put back on one line."""
    held: tuple[int, str] | None = None
    for line_no, line in lines:
        if held is not None:
            joined = _joined(held[1], line)
            if joined is not None:
                yield held[0], joined
                held = None
                continue
            yield held
            held = None
        if 'File "' in line and _FRAME_START.match(line):
            held = (line_no, line)
            continue
        yield line_no, line
    if held is not None:
        yield held
