"""Message templates: literal text and placeholders, their text form and their RE2 pattern.

A template is a sequence of parts: ``Lit`` (literal text) and ``Hole`` (a value filled
in at run time). Its text form uses ``{}`` for each hole and doubles literal braces
(``{{``/``}}``), so ``template.format(*values)`` renders it. Each hole has a kind:
``int`` (``%d``, ``{:d}``: digits) or ``any`` (everything else: one line of text).

The pattern of a template finds any rendering of it inside a longer text with RE2
(no look-arounds, no back-references, linear time). Holes become lazy ``[^\\n]*?``
(or ``-?[0-9]+`` for ints); holes at either end are left out, since they can match
anything and would only stretch the match over the surrounding text. A newline in
the template also matches the two characters ``\\n`` (a JSON-encoded log line), and
a double quote also matches ``\\"``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

HoleKind = Literal["any", "int"]


@dataclass(frozen=True)
class Lit:
    """Literal text of a template."""

    text: str


@dataclass(frozen=True)
class Hole:
    """A placeholder: a value rendered at run time."""

    kind: HoleKind = "any"


Part = Lit | Hole
Parts = tuple[Part, ...]

# printf-style conversion: %(name)s, %-5.2f, %*d, %%
_PERCENT = re.compile(
    r"%(?:\((?P<key>[^)]*)\))?(?P<flags>[-#0 +]*)(?P<width>\*|\d+)?"
    r"(?:\.(?P<precision>\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])"
)
_MIN_LITERAL = 12
_WORD = re.compile(r"[A-Za-z0-9_]+")


def normalize(parts: Iterable[Part]) -> Parts:
    """Merge adjacent literals and adjacent holes, drop empty literals."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, Lit):
            if not part.text:
                continue
            if out and isinstance(out[-1], Lit):
                out[-1] = Lit(out[-1].text + part.text)
                continue
        elif isinstance(part, Hole) and out and isinstance(out[-1], Hole):
            # "{}{}" renders as one run of text: one hole, an int only if both are.
            if out[-1].kind != part.kind:
                out[-1] = Hole("any")
            continue
        out.append(part)
    return tuple(out)


def percent(parts: Sequence[Part]) -> Parts:
    """The template after ``% args``: each printf conversion of a literal becomes a hole."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, Hole):
            out.append(part)
            continue
        pos = 0
        for found in _PERCENT.finditer(part.text):
            out.append(Lit(part.text[pos : found.start()]))
            if found.group("conv") == "%":
                out.append(Lit("%"))
            else:
                plain = not (found.group("flags") or found.group("width"))
                is_int = found.group("conv") in "diu" and plain
                out.append(Hole("int" if is_int else "any"))
            pos = found.end()
        out.append(Lit(part.text[pos:]))
    return normalize(out)


def braces(parts: Sequence[Part]) -> Parts:
    """The template after ``str.format``: each replacement field of a literal becomes a hole."""
    out: list[Part] = []
    formatter = string.Formatter()
    for part in parts:
        if isinstance(part, Hole):
            out.append(part)
            continue
        try:
            pieces = list(formatter.parse(part.text))
        except ValueError:  # not a valid format string: str.format would raise
            out.append(part)
            continue
        for literal, field, spec, conversion in pieces:
            out.append(Lit(literal))
            if field is not None:
                is_int = conversion is None and (spec or "").rstrip().endswith("d")
                out.append(Hole("int" if is_int else "any"))
    return normalize(out)


def text(parts: Sequence[Part]) -> str:
    """The template's text form: ``{}`` for holes, literal braces doubled."""
    return "".join(
        p.text.replace("{", "{{").replace("}", "}}") if isinstance(p, Lit) else "{}" for p in parts
    )


def kinds(parts: Sequence[Part]) -> tuple[HoleKind, ...]:
    """The kind of each hole, in order."""
    return tuple(p.kind for p in parts if isinstance(p, Hole))


def parse(template: str, hole_kinds: Sequence[HoleKind] = ()) -> Parts:
    """The parts of a template's text form (the inverse of ``text``)."""
    out: list[Part] = []
    buf: list[str] = []
    holes = iter(hole_kinds)
    i = 0
    while i < len(template):
        pair = template[i : i + 2]
        if pair in ("{{", "}}"):
            buf.append(pair[0])
            i += 2
        elif pair == "{}":
            out.append(Lit("".join(buf)))
            buf = []
            out.append(Hole(next(holes, "any")))
            i += 2
        else:
            buf.append(template[i])
            i += 1
    out.append(Lit("".join(buf)))
    return normalize(out)


def strip(parts: Sequence[Part]) -> Parts:
    """The parts without surrounding whitespace (a rendering in a log line loses it)."""
    items = list(normalize(parts))
    if items and isinstance(items[0], Lit):
        items[0] = Lit(items[0].text.lstrip())
    if items and isinstance(items[-1], Lit):
        items[-1] = Lit(items[-1].text.rstrip())
    return normalize(items)


def segments(parts: Sequence[Part]) -> list[Parts]:
    """The template cut at its literal newlines: one stripped, non-empty piece per line."""
    lines: list[list[Part]] = [[]]
    for part in parts:
        if isinstance(part, Hole):
            lines[-1].append(part)
            continue
        first, *rest = part.text.split("\n")
        lines[-1].append(Lit(first))
        for line in rest:
            lines.append([Lit(line)])
    pieces = [strip(line) for line in lines]
    return [piece for piece in pieces if piece]


def literal_chars(parts: Sequence[Part]) -> int:
    """How many non-blank literal characters the template has."""
    return sum(len("".join(p.text.split())) for p in parts if isinstance(p, Lit))


# Templates that render the frames of a traceback, not a message about anything.
_STRUCTURAL = ('File "{}", line {}', "Traceback (most recent call last)")


def is_specific(parts: Sequence[Part]) -> bool:
    """Enough literal text on one line to identify the message: 12+ non-blank characters
    and a word of 3+ letters, on at least one line of the template (a log line holds one).

    Templates that print traceback frames (``  File "{}", line {}, in {}``) are not.
    """
    if any(structural in text(parts) for structural in _STRUCTURAL):
        return False
    return any(_line_is_specific(piece) for piece in segments(parts))


def _line_is_specific(parts: Sequence[Part]) -> bool:
    literal = "".join(p.text for p in parts if isinstance(p, Lit))
    has_word = any(len(w) >= 3 and not w.isdigit() for w in _WORD.findall(literal))
    return literal_chars(parts) >= _MIN_LITERAL and has_word


def _escape_char(char: str) -> str:
    if char == "\n":
        return r"(?:\r?\n|\\n)"
    if char == "\r":
        return r"\r?"
    if char == "\t":
        return r"\t"
    if char == '"':
        return r'\\?"'
    if char.isalnum() or char in " _" or ord(char) > 127:
        return char
    if ord(char) < 32:
        return f"\\x{ord(char):02x}"
    return "\\" + char


def escape(literal: str) -> str:
    """``literal`` as an RE2 pattern (only ASCII punctuation is escaped)."""
    return "".join(_escape_char(c) for c in literal)


_HOLE_PATTERN: dict[HoleKind, str] = {"any": r"[^\n]*?", "int": r"-?[0-9]+"}


def pattern(parts: Sequence[Part]) -> str:
    """The RE2 pattern that finds any rendering of the template inside a text."""
    items = list(strip(parts))
    while items and isinstance(items[0], Hole) and items[0].kind == "any":
        items.pop(0)
    while items and isinstance(items[-1], Hole) and items[-1].kind == "any":
        items.pop()
    items = list(strip(items))
    return "".join(escape(p.text) if isinstance(p, Lit) else _HOLE_PATTERN[p.kind] for p in items)


def words(parts: Sequence[Part]) -> list[tuple[str, bool]]:
    """The literal words of a template, each with whether both its edges are literal.

    A word is a run of ``[A-Za-z0-9_]``. Its edges are literal when the characters on
    either side are literal non-word characters or the ends of the template; a word
    touching a hole (``{}HTTP``) may render glued to other word characters.
    """
    found: list[tuple[str, bool]] = []
    items = list(parts)
    for index, part in enumerate(items):
        if not isinstance(part, Lit):
            continue
        hole_before = index > 0
        hole_after = index < len(items) - 1
        for match in _WORD.finditer(part.text):
            left_open = match.start() == 0 and hole_before
            right_open = match.end() == len(part.text) and hole_after
            found.append((match.group(), not (left_open or right_open)))
    return found


def tokens(line: str) -> list[str]:
    """The words of a text, split the way ``words`` splits a template."""
    return _WORD.findall(line)


# C format conversions of PyErr_Format / PyUnicode_FromFormat: %R %S %U %A %V %T %N,
# %s with a precision, integer conversions, %p, %c, %%.
_C_CONVERSION = re.compile(r"%(?:\.\d+)?(?:ll|l|z|h)?(?P<conv>[RSUAVTNsdiuxpc%])")


def from_c_format(fmt: str) -> Parts:
    """The template of a C format string (``"Can't pickle local object %R"``)."""
    out: list[Part] = []
    pos = 0
    for found in _C_CONVERSION.finditer(fmt):
        out.append(Lit(fmt[pos : found.start()]))
        conv = found.group("conv")
        if conv == "%":
            out.append(Lit("%"))
        else:
            out.append(Hole("int" if conv in "diu" else "any"))
        pos = found.end()
    out.append(Lit(fmt[pos:]))
    return normalize(out)
