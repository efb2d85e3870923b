"""Markdown and code highlighting for the site, safe by construction.

Entry prose is Markdown written by people, but a page must never run it: raw
HTML is off (markdown-it-py escapes it), images are off (the site embeds
nothing external), and a link is live only when :func:`live_href` allows it:
``https`` to a known upstream host, another fix page (``../<id>/index.html``) or
a same-page ``#fragment``. Anything else (``javascript:``, ``data:``,
``//host``, ``/\\host``, ``http:``, ``mailto:``, other hosts) is rendered as its
text. Pygments emits CSS classes (prefix ``tok-``), never
inline styles, so the Content-Security-Policy can forbid them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape
from pathlib import PurePosixPath
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name, get_lexer_for_filename
from pygments.token import STANDARD_TYPES, _TokenType
from pygments.util import ClassNotFound

# Where an entry's links may point: the upstream projects' hosts (issues, pull requests
# and commits live on GitHub) and their documentation. A link elsewhere is shown as text.
UPSTREAM_HOSTS = frozenset(
    {
        "github.com",
        "docs.python.org",
        "peps.python.org",
        "pypi.org",
        "www.uvicorn.org",
        "www.starlette.io",
        "fastapi.tiangolo.com",
        "websockets.readthedocs.io",
        "h11.readthedocs.io",
        "docs.gunicorn.org",
    }
)
# Written out in full, so no browser's URL parser can read it another way: no
# backslash, whitespace or control character anywhere (browsers drop some and read "\"
# as "/"), an https host of plain letters, digits, dots and hyphens (no user, no port).
_HTTPS = re.compile(r"https://([a-z0-9.-]+)(?:[/?#][^\x00-\x20\x7f\\]*)?", re.IGNORECASE)
_FRAGMENT = r"(?:#[A-Za-z0-9._~%-]*)?"
_OWN_PAGE = re.compile(
    rf"(?:#[A-Za-z0-9._~%-]+|\.\./[a-z0-9]+(?:[.-][a-z0-9]+)*/index\.html{_FRAGMENT})"
)
_TOKEN_CLASS: dict[_TokenType, str] = {}


def live_href(url: str) -> bool:
    """True when ``url`` may be a live link: https to a known upstream host, another fix
    page (``../<id>/index.html``, from a fix page) or a ``#fragment`` of the same page."""
    if _OWN_PAGE.fullmatch(url):
        return True
    match = _HTTPS.fullmatch(url)
    return match is not None and match.group(1).lower() in UPSTREAM_HOSTS


@lru_cache(maxsize=64)
def _lexer_by_name(lang: str) -> Lexer:
    try:
        return get_lexer_by_name(lang)
    except ClassNotFound:
        return TextLexer()


@lru_cache(maxsize=256)
def _lexer_for_file(key: str) -> Lexer:
    # Keyed by suffix (or the whole name when there is none): one lookup per file type.
    try:
        return get_lexer_for_filename(key)
    except ClassNotFound:
        return TextLexer()


def _token_class(ttype: _TokenType) -> str:
    """Pygments' short CSS class for a token type (as HtmlFormatter names it)."""
    cls = _TOKEN_CLASS.get(ttype)
    if cls is None:
        parent = ttype
        while parent not in STANDARD_TYPES:
            parent = parent.parent
        cls = _TOKEN_CLASS[ttype] = STANDARD_TYPES[parent]
    return cls


def _spans(lexer: Lexer, code: str) -> str:
    # A minimal HTML formatter: HtmlFormatter's line handling is most of its cost,
    # and classes are all the stylesheet needs (no inline styles: the CSP forbids them).
    out: list[str] = []
    run_class, run = "", list[str]()
    for ttype, value in lexer.get_tokens(code):
        cls = _token_class(ttype)
        if cls != run_class and run:
            text = escape("".join(run), quote=False)
            out.append(f'<span class="tok-{run_class}">{text}</span>' if run_class else text)
            run = []
        run_class = cls
        run.append(value)
    if run:
        text = escape("".join(run), quote=False)
        out.append(f'<span class="tok-{run_class}">{text}</span>' if run_class else text)
    return "".join(out)


def highlight_code(code: str, lang: str = "") -> str:
    """Highlighted HTML spans for ``code`` (escaped; no wrapper element)."""
    lexer = _lexer_by_name(lang.strip().lower()) if lang.strip() else TextLexer()
    return _spans(lexer, code)


def highlight_file(name: str, code: str) -> str:
    """Highlighted HTML spans for a repro file, the lexer chosen by its name."""
    path = PurePosixPath(name)
    return _spans(_lexer_for_file(f"x{path.suffix}" if path.suffix else path.name), code)


def _fence_highlight(code: str, lang: str, _attrs: Any) -> str:
    return highlight_code(code, lang)


# A code block on a page is a thing to copy: it gets a Copy button (hidden until site.js
# shows it; without JavaScript the block stays, and the stylesheet makes one click
# select all of it). The button names no id: it copies the <pre> it sits beside.
_COPY_BUTTON = '<button type="button" class="copy" hidden>Copy</button>'


def _copyable(rule: Any) -> Any:
    def render(_self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        return f'<div class="copyable">{rule(tokens, idx, options, env)}{_COPY_BUTTON}</div>\n'

    return render


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "highlight": _fence_highlight})
    md.enable(["table", "strikethrough"])
    md.disable(["image", "html_inline", "html_block"])
    md.validateLink = live_href  # type: ignore[method-assign]
    rules = md.renderer.rules  # type: ignore[attr-defined]  # RendererHTML's
    for name in ("fence", "code_block"):
        md.add_render_rule(name, _copyable(rules[name]))
    return md


def _shift_headings(tokens: list[Token], base: int) -> None:
    """Renumber headings so they start at ``base`` and never skip a level."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if not levels:
        return
    top = min(levels)
    previous = base - 1
    stack: list[str] = []
    for token in tokens:
        if token.type == "heading_open":
            wanted = base + int(token.tag[1]) - top
            level = min(6, max(base, min(wanted, previous + 1)))
            token.tag = f"h{level}"
            stack.append(token.tag)
            previous = level
        elif token.type == "heading_close":
            token.tag = stack.pop()


def render_markdown(text: str, heading_base: int = 3) -> str:
    """Markdown to HTML (a trusted string: every piece of input text is escaped)."""
    md = _parser()
    tokens = md.parse(text)
    _shift_headings(tokens, heading_base)
    return str(md.renderer.render(tokens, md.options, {}))


def render_inline(text: str) -> str:
    """A short Markdown text (a note) as inline HTML: code spans, emphasis and allowed
    links, never a block (it goes inside a paragraph or a table cell)."""
    return str(_parser().renderInline(" ".join(text.split())))


@lru_cache(maxsize=8192)
def plain_text(text: str) -> str:
    """The words of a Markdown text, without markup (for descriptions and search)."""
    words: list[str] = []
    for token in _parser().parse(text):
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        if token.type in {"code_block", "fence"}:
            words.append(" " + token.content.strip() + " ")
        elif token.type.endswith("_close") and token.block:
            words.append(" ")
    return " ".join("".join(words).split())
