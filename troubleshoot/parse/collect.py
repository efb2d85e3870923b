"""Bounded containers, so a huge paste cannot make the parser keep everything."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from troubleshoot.parse.model import Chain, ExceptionRecord, Frame

T = TypeVar("T")


class Bounded(Generic[T]):
    """Keeps the first ``head`` and the last ``tail`` items added; counts the rest."""

    def __init__(self, head: int, tail: int) -> None:
        self._head: list[T] = []
        self._tail: deque[T] = deque(maxlen=tail)
        self._head_size = head
        self.added = 0

    def add(self, item: T) -> None:
        self.added += 1
        if len(self._head) < self._head_size:
            self._head.append(item)
        else:
            self._tail.append(item)

    @property
    def dropped(self) -> int:
        return self.added - len(self._head) - len(self._tail)

    def items(self) -> list[T]:
        return [*self._head, *self._tail]

    def __len__(self) -> int:
        return len(self._head) + len(self._tail)


@dataclass(slots=True)
class ExceptionBuilder:
    """An exception being parsed; turned into a frozen :class:`ExceptionRecord` at the end."""

    type: str
    line_no: int
    frames: list[Frame] = field(default_factory=list)
    frames_dropped: int = 0
    message_lines: list[str] = field(default_factory=list)
    chained_from: Chain | None = None
    group_depth: int = 0
    process: str | None = None
    complete: bool = True

    def build(self) -> ExceptionRecord:
        return ExceptionRecord(
            type=self.type,
            message=_join_message(self.message_lines),
            frames=tuple(self.frames),
            line_no=self.line_no,
            chained_from=self.chained_from,
            group_depth=self.group_depth,
            process=self.process,
            complete=self.complete,
        )


def _join_message(lines: list[str]) -> str:
    """First line as printed; the continuation lines dedented together."""
    if len(lines) <= 1:
        return lines[0] if lines else ""
    rest = lines[1:]
    indents = [len(s) - len(s.lstrip()) for s in rest if s.strip()]
    cut = min(indents) if indents else 0
    body = [lines[0], *(s[cut:] for s in rest)]
    return "\n".join(body).strip("\n")
