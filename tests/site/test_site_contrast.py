"""Every colour pair the stylesheet uses meets WCAG 2 AA contrast, light and dark."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "troubleshoot" / "site" / "static" / "style.css"

# (text, background, minimum ratio): 4.5 for text, 3 for focus outlines and control borders.
PAIRS = [
    ("--fg", "--bg", 4.5),
    ("--muted", "--bg", 4.5),
    ("--link", "--bg", 4.5),
    ("--fg", "--code-bg", 4.5),
    ("--muted", "--code-bg", 4.5),
    ("--fg", "--fix-bg", 4.5),
    ("--muted", "--fix-bg", 4.5),
    ("--link", "--fix-bg", 4.5),
    ("--badge-fg", "--badge-bg", 4.5),
    ("--link", "--badge-bg", 4.5),
    ("--ok", "--bg", 4.5),
    ("--bad", "--bg", 4.5),
    ("--warn", "--bg", 4.5),
    ("--link", "--bg", 3.0),  # focus outline
    ("--muted", "--bg", 3.0),  # input borders
]


def _blocks() -> dict[str, dict[str, str]]:
    text = CSS.read_text(encoding="utf-8")
    light = re.search(r"^:root\s*\{(.*?)\}", text, re.S | re.M)
    dark = re.search(r"prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{(.*?)\}", text, re.S)
    assert light and dark
    return {
        name: dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", m.group(1)))
        for name, m in (("light", light), ("dark", dark))
    }


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_both_schemes_define_the_same_colours() -> None:
    blocks = _blocks()
    assert blocks["light"].keys() == blocks["dark"].keys()
    assert len(blocks["light"]) >= 15


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_pairs(scheme: str) -> None:
    colours = _blocks()[scheme]
    failures = [
        f"{fg} on {bg}: {contrast(colours[fg], colours[bg]):.2f} < {minimum}"
        for fg, bg, minimum in PAIRS
        if contrast(colours[fg], colours[bg]) < minimum
    ]
    assert failures == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_syntax_colours_on_code_background(scheme: str) -> None:
    colours = _blocks()[scheme]
    tokens = [name for name in colours if name.startswith("--tok-")]
    assert len(tokens) >= 5
    failures = [
        f"{t}: {contrast(colours[t], colours['--code-bg']):.2f}"
        for t in tokens
        if contrast(colours[t], colours["--code-bg"]) < 4.5
    ]
    assert failures == []


def test_every_colour_variable_used_is_defined() -> None:
    text = CSS.read_text(encoding="utf-8")
    used = set(re.findall(r"var\((--[\w-]+)\)", text))
    assert used <= _blocks()["light"].keys()
