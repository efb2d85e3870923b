"""The KB's Markdown as terminal lines: prose reflowed, code never wrapped.

rich's Markdown wraps code blocks at the terminal width (copying such a block runs
half a comment as a command) and keeps the source's hard line breaks inside
paragraphs. Here a paragraph is one run of words, wrapped at the width given; a
code line is one output line whatever its length (the terminal lets it overflow,
like ``less -S``); a list item's continuation lines hang under its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.console import Console
from rich.text import Text

CODE_STYLE = "cyan"  # inline code and code blocks, on a colour terminal only
CODE_INDENT = "    "


@dataclass(frozen=True)
class Line:
    """One output line; ``code`` lines are never wrapped or cut."""

    text: Text
    code: bool = False


def inline(source: str, *, styled: bool = True) -> Text:
    """One Markdown span as text: backticks and emphasis marks gone (styled instead on a
    colour terminal), links as ``text (url)``, soft line breaks as spaces."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt().parseInline(source)
    out = Text()
    for tok in tokens:
        _inline_children(tok.children or [], out, styled)
    return out


def _inline_children(children: list, out: Text, styled: bool) -> None:  # type: ignore[type-arg]
    style: list[str] = []
    href: list[str] = []
    for child in children:
        kind = child.type
        if kind == "text":
            out.append(child.content, style=" ".join(style) or None)
        elif kind == "code_inline":
            out.append(child.content, style=CODE_STYLE if styled else None)
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind in ("em_open", "strong_open"):
            style.append("italic" if kind == "em_open" else "bold")
        elif kind in ("em_close", "strong_close"):
            if style:
                style.pop()
        elif kind == "link_open":
            href.append(str(child.attrs.get("href", "")))
        elif kind == "link_close":
            url = href.pop() if href else ""
            if url and not out.plain.endswith(url):
                out.append(f" ({url})")
        elif kind in {"html_inline", "image"}:
            out.append(child.content)
    if not styled:
        out.spans = []


def lines(
    source: str, console: Console, *, width: int, indent: str = "", styled: bool = True
) -> list[Line]:
    """``source`` rendered for a terminal ``width`` columns wide, every line indented."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt().parse(source)
    out: list[Line] = []
    # a stack of (first-line prefix, continuation prefix) for the open list items
    prefixes: list[tuple[str, str]] = []
    counters: list[int | None] = []
    pending_first: str | None = None

    def blank() -> None:
        if out and out[-1].text.plain.strip():
            out.append(Line(Text("")))

    for tok in tokens:
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            counters.append(int(tok.attrs.get("start", 1) or 1) if kind[0] == "o" else None)
            if not prefixes:
                blank()
        elif kind in ("bullet_list_close", "ordered_list_close"):
            counters.pop()
        elif kind == "list_item_open":
            n = counters[-1] if counters else None
            mark = "• " if n is None else f"{n}. "
            if n is not None:
                counters[-1] = n + 1
            base = prefixes[-1][1] if prefixes else ""
            prefixes.append((base + mark, base + " " * len(mark)))
            pending_first = base + mark
        elif kind == "list_item_close":
            prefixes.pop()
        elif kind == "inline":
            text = Text()
            _inline_children(tok.children or [], text, styled)
            first = pending_first if pending_first is not None else _rest(prefixes)
            rest = _rest(prefixes)
            pending_first = None
            out.extend(wrap(text, console, width, indent + first, indent + rest))
        elif kind == "paragraph_close" and not prefixes:
            out.append(Line(Text("")))
        elif kind in ("fence", "code_block"):
            if not prefixes:
                blank()
            lead = indent + _rest(prefixes) + CODE_INDENT
            if pending_first is not None:
                pending_first = None
            for code in tok.content.rstrip("\n").split("\n"):
                shown = (lead + code).rstrip() if code.strip() else ""
                out.append(Line(Text(shown, style=CODE_STYLE if styled else ""), code=True))
            if not prefixes:
                out.append(Line(Text("")))
        elif kind == "heading_open":
            pass
        elif kind == "hr":
            out.append(Line(Text(indent + "---")))
    while out and not out[-1].text.plain.strip():
        out.pop()
    while out and not out[0].text.plain.strip():
        out.pop(0)
    return out


def _rest(prefixes: list[tuple[str, str]]) -> str:
    return prefixes[-1][1] if prefixes else ""


def wrap(text: Text, console: Console, width: int, first: str, rest: str) -> list[Line]:
    """Words of ``text`` wrapped at ``width`` columns; a word longer than the line (a
    URL) runs over rather than being split."""
    del console
    room = max(20, width - max(len(first), len(rest)))
    plain = text.plain
    breaks: list[int] = []
    start = col = 0
    for word in re.finditer(r"\S+", plain):
        if col and word.end() - start > room:
            breaks.append(word.start())
            start = word.start()
        col = word.end() - start
    result = []
    for n, piece in enumerate(text.divide(breaks) if breaks else [text]):
        piece.rstrip()
        line = Text(first if n == 0 else rest)
        line.append_text(piece)
        result.append(Line(line))
    return result or [Line(Text(first.rstrip()))]


def code_lines(source: str) -> list[str]:
    """The lines of every code block of ``source``, as the source has them."""
    from markdown_it import MarkdownIt

    found: list[str] = []
    for tok in MarkdownIt().parse(source):
        if tok.type in ("fence", "code_block"):
            found.extend(tok.content.rstrip("\n").split("\n"))
    return found


def prose(source: str) -> str:
    """``source`` as one plain line of words (for a summary)."""
    return " ".join(inline(source, styled=False).plain.split())


# C0 (but tab), DEL and C1 controls print as "?": never a terminal escape from a paste
_CONTROLS = {c: "?" for c in [*range(0, 9), *range(10, 32), *range(127, 160)]}


class Doc:
    """Lines of the report, as they will be printed (prose already wrapped)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.width = console.width
        self.styled = console.color_system is not None
        self.lines: list[Line] = []

    def add(self, text: str | Text = "", style: str | None = None, *, code: bool = False) -> None:
        line = text if isinstance(text, Text) else Text(text)
        if style and self.styled:
            line.stylize(style)
        if not self.styled:
            line.spans = []
        self.lines.append(Line(line, code=code))

    def md(self, source: str, indent: str) -> None:
        self.lines.extend(
            lines(source, self.console, width=self.width, indent=indent, styled=self.styled)
        )

    def prose(self, text: str, indent: str, *, hanging: str | None = None) -> None:
        """Plain words (no Markdown), wrapped."""
        rest = indent if hanging is None else hanging
        self.lines.extend(
            wrap(Text(" ".join(text.split())), self.console, self.width, indent, rest)
        )

    def blank(self) -> None:
        if self.lines and self.lines[-1].text.plain.strip():
            self.lines.append(Line(Text("")))

    def print(self) -> None:
        for line in self.lines:
            text = line.text
            plain = text.plain
            if plain != (safe := plain.translate(_CONTROLS)):  # a paste's stray control bytes
                text = Text(safe, style=text.style)
                text.spans = list(line.text.spans)
            # soft_wrap: rich neither wraps nor cuts; a long line runs on (the terminal
            # folds it on screen, a copy or a pipe gets it whole)
            self.console.print(text, soft_wrap=True, highlight=False, markup=False)
