"""Markers and title code spans in words (troubleshoot.site.words)."""

from __future__ import annotations

import pytest

from troubleshoot.site.words import inline_code, marker_words, title_text


@pytest.mark.parametrize(
    ("marker", "words"),
    [
        ("sys_platform == 'win32'", "on Windows"),
        ("sys_platform != 'win32'", "not on Windows"),
        ("sys_platform == 'win32' and python_version >= '3.8'", "on Windows and Python >= 3.8"),
        ('python_version >= "3.12"', "Python >= 3.12"),
        ("'3.8' <= python_version", "Python >= 3.8"),
        (
            "sys_platform == 'win32' or (sys_platform == 'darwin' and python_version >= '3.8')",
            "on Windows, or on macOS and Python >= 3.8",
        ),
        (
            "(sys_platform == 'win32' or sys_platform == 'darwin') and python_version < '3.8'",
            "(on Windows or on macOS) and Python < 3.8",
        ),
        ("platform_system == 'Linux'", "on Linux"),
        ("os_name == 'nt'", "on Windows"),
        ("implementation_name == 'pypy'", "on PyPy"),
        # Not worded: shown as written, never dropped.
        ("extra == 'standard'", "extra == 'standard'"),
        ("sys_platform == 'win32' and", "sys_platform == 'win32' and"),
        ("((", "(("),
    ],
)
def test_marker_words(marker: str, words: str) -> None:
    assert marker_words(marker) == words


@pytest.mark.parametrize(
    ("title", "html", "text"),
    [
        ("plain", "plain", "plain"),
        (
            "Ctrl+C prints a traceback (or `Aborted!`) after",
            "Ctrl+C prints a traceback (or <code>Aborted!</code>) after",
            "Ctrl+C prints a traceback (or Aborted!) after",
        ),
        (
            "`<script>x</script>`",
            "<code>&lt;script&gt;x&lt;/script&gt;</code>",
            "<script>x</script>",
        ),
        ("<b>`&`</b>", "&lt;b&gt;<code>&amp;</code>&lt;/b&gt;", "<b>&</b>"),
        ("a ``x`y`` b", "a <code>x`y</code> b", "a x`y b"),
        ("an `unclosed span", "an `unclosed span", "an `unclosed span"),
        ("`` ` ``", "<code>`</code>", "`"),
        ("__call__() missing", "__call__() missing", "__call__() missing"),
    ],
)
def test_title_code_spans(title: str, html: str, text: str) -> None:
    assert str(inline_code(title)) == html
    assert title_text(title) == text
