"""Plain words for what the KB writes in notation: PEP 508 markers and title code spans.

A reader of a fix page or of the search results should read "on Windows and Python
>= 3.8", not ``sys_platform == 'win32' and python_version >= '3.8'``; and a title
written ``... (or `Aborted!`)`` shows ``Aborted!`` as code, not its backticks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from markupsafe import Markup

# -- PEP 508 markers ---------------------------------------------------------------

_PLATFORMS = {
    ("sys_platform", "win32"): "Windows",
    ("sys_platform", "cygwin"): "Cygwin",
    ("sys_platform", "darwin"): "macOS",
    ("sys_platform", "linux"): "Linux",
    ("platform_system", "Windows"): "Windows",
    ("platform_system", "Darwin"): "macOS",
    ("platform_system", "Linux"): "Linux",
    ("os_name", "nt"): "Windows",
    ("os_name", "posix"): "POSIX systems (Linux, macOS)",
}
_IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy"}
_PYTHON = {"python_version", "python_full_version"}
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "==", "!=": "!="}
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>'[^']*'|"[^"]*")|(?P<op>===|==|!=|<=|>=|~=|<|>|\(|\))"""
    r"""|(?P<word>[A-Za-z_][A-Za-z0-9_.]*))"""
)


class _Unreadable(ValueError):
    pass


def _tokens(marker: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = marker.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise _Unreadable(marker)
        kind = m.lastgroup or ""
        value = m.group(kind)
        out.append(("str", value[1:-1]) if kind == "str" else (kind, value))
        pos = m.end()
    return out


@dataclass(frozen=True)
class _Cmp:
    left: tuple[str, str]
    op: str
    right: tuple[str, str]


@dataclass(frozen=True)
class _Group:
    kind: str  # "and" / "or"
    parts: tuple[_Cmp | _Group, ...]


_Node = _Cmp | _Group


class _Parser:
    """``or`` of ``and`` of comparisons and parenthesised groups (PEP 508's grammar)."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.i = tokens, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise _Unreadable("unexpected end")
        self.i += 1
        return token

    def whole(self) -> _Node:
        tree = self.expr()
        if self.peek() is not None:
            raise _Unreadable("trailing words")
        return tree

    def expr(self) -> _Node:
        parts = [self.conj()]
        while self.peek() == ("word", "or"):
            self.take()
            parts.append(self.conj())
        return _Group("or", tuple(parts)) if len(parts) > 1 else parts[0]

    def conj(self) -> _Node:
        parts = [self.atom()]
        while self.peek() == ("word", "and"):
            self.take()
            parts.append(self.atom())
        return _Group("and", tuple(parts)) if len(parts) > 1 else parts[0]

    def atom(self) -> _Node:
        if self.peek() == ("op", "("):
            self.take()
            inner = self.expr()
            if self.take() != ("op", ")"):
                raise _Unreadable("unbalanced")
            return inner
        left, op, right = self.take(), self.take(), self.take()
        if op == ("word", "not") and right == ("word", "in"):
            op, right = ("op", "not in"), self.take()
        elif op == ("word", "in"):
            op = ("op", "in")
        if op[0] != "op" or op[1] in "()":
            raise _Unreadable("no operator")
        return _Cmp(left, op[1], right)


def _comparison(left: tuple[str, str], op: str, right: tuple[str, str]) -> str:
    if left[0] == "str" and right[0] == "word":  # '3.8' <= python_version
        left, right, op = right, left, _FLIP.get(op, op)
    if left[0] != "word" or right[0] != "str":
        raise _Unreadable("not variable op value")
    name, value = left[1], right[1]
    if (name, value) in _PLATFORMS and op in ("==", "!="):
        return ("on " if op == "==" else "not on ") + _PLATFORMS[name, value]
    if name in _PYTHON and op in (*_FLIP, "~="):
        return f"Python {op} {value}"
    if name in ("implementation_name", "platform_python_implementation") and op in ("==", "!="):
        impl = _IMPLEMENTATIONS.get(value.lower(), value)
        return f"on {impl}" if op == "==" else f"not on {impl}"
    if name == "platform_machine" and op in ("==", "!="):
        return f"on {value} machines" if op == "==" else f"not on {value} machines"
    raise _Unreadable(name)


def _words(node: _Node, inside: str = "") -> str:
    if isinstance(node, _Cmp):
        return _comparison(node.left, node.op, node.right)
    said = [_words(p, node.kind) for p in node.parts]
    if node.kind == "and":
        text = " and ".join(said)
    else:
        text = ", or ".join(said) if any(" and " in s for s in said) else " or ".join(said)
    return f"({text})" if inside == "and" and node.kind == "or" else text


@lru_cache(maxsize=256)
def marker_words(marker: str) -> str:
    """A PEP 508 marker in words: ``sys_platform == 'win32' and python_version >= '3.8'``
    is "on Windows and Python >= 3.8". A marker it cannot word is returned as written."""
    try:
        return _words(_Parser(_tokens(marker)).whole())
    except _Unreadable:
        return marker.strip()


# -- code spans in titles --------------------------------------------------------

_TICKS = re.compile(r"`+")


def _code_spans(text: str) -> list[tuple[bool, str]]:
    """(is_code, text) runs, by CommonMark's code span rule: a run of N backticks opens a
    span that the next run of exactly N closes; an unclosed run is literal text."""
    runs: list[tuple[bool, str]] = []
    pos, plain_from = 0, 0
    while (m := _TICKS.search(text, pos)) is not None:
        ticks = m.group(0)
        close = next(
            (c for c in _TICKS.finditer(text, m.end()) if c.group(0) == ticks),
            None,
        )
        if close is None:
            pos = m.end()
            continue
        if m.start() > plain_from:
            runs.append((False, text[plain_from : m.start()]))
        code = text[m.end() : close.start()].replace("\n", " ")
        if len(code) > 2 and code[0] == " " and code[-1] == " " and code.strip():
            code = code[1:-1]
        runs.append((True, code))
        pos = plain_from = close.end()
    if plain_from < len(text):
        runs.append((False, text[plain_from:]))
    return runs


def inline_code(text: str) -> Markup:
    """A title as HTML: its code spans as ``<code>``, everything escaped."""
    return Markup(  # safe: every run is escaped
        "".join(
            f"<code>{escape(run, quote=False)}</code>" if is_code else escape(run, quote=False)
            for is_code, run in _code_spans(text)
        )
    )


def title_text(text: str) -> str:
    """A title as plain text (a code span's content without its backticks)."""
    return "".join(run for _is_code, run in _code_spans(text))
