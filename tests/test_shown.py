"""Issue 16: text quoted from input never carries a control, bidi or XML-invalid
character into any output format (terminal and CI-log injection, ill-formed XML)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from troubleshoot.formats import FORMAT_NAMES, get_format
from troubleshoot.report.model import (
    Finding,
    Ignore,
    Ignored,
    Location,
    Report,
    Rule,
    Unevaluated,
)
from troubleshoot.shown import _UNSAFE, shown

BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOSTILE = st.text(
    alphabet=st.characters(max_codepoint=0x9F) | st.sampled_from(BIDI + "\u2028\u2029"),
    min_size=1,
    max_size=40,
)


@given(HOSTILE)
def test_shown_leaves_no_unsafe_character_and_keeps_the_rest(text: str) -> None:
    out = shown(text)
    assert _UNSAFE.search(out) is None
    assert "\n" not in out and "\x1b" not in out
    if _UNSAFE.search(text) is None:
        assert out == text


def test_every_code_point_below_a0_and_the_bidi_controls() -> None:
    for code in [*range(0xA0), *map(ord, BIDI)]:
        char = chr(code)
        out = shown(f"a{char}b")
        if code < 0x20 or 0x7F <= code < 0xA0 or char in BIDI:
            assert char not in out and out.startswith("a\\") and out.endswith("b"), hex(code)
        else:
            assert out == f"a{char}b"


def _report(evil: str) -> Report:
    rule = Rule("some-entry", "Some entry", "high", "version-bug", "Summary.")
    finding = Finding(
        "some-entry",
        "high",
        "Some entry",
        f"uvicorn {evil} is affected",
        "Upgrade",
        Location(f"req{evil}.txt", 3),
        True,
        "version-bug",
        None,
        "uvicorn",
        evil,
        "0.30.0",
    )
    return Report(
        "check-env",
        "medium",
        (rule,),
        (finding,),
        ignored=(Ignored(finding, Ignore("some-entry", f"because {evil}", None, f"p{evil}")),),
        unevaluated=(Unevaluated(f"pkg{evil}", f"why {evil}", Location(f"f{evil}.lock")),),
        warnings=(f"warn {evil}",),
        sources=(f"requirements (req{evil}.txt)",),
    )


INJECTIONS = [
    "\x1b]0;owned\x07\x1b[2J",  # window title, clear screen
    "0.1\n::add-mask::secret\n::stop-commands::x",  # a GitHub Actions runner would obey
    "\x9b31m\x9d0;t\x07",  # C1 CSI and OSC
    "\u202egnp.exe",  # bidi override
    "\x00\x08\x0c\x7f",
]


@pytest.mark.parametrize("name", FORMAT_NAMES)
@pytest.mark.parametrize("evil", INJECTIONS)
def test_no_format_prints_what_input_smuggled(name: str, evil: str) -> None:
    out = get_format(name, color=False).render(_report(evil))
    assert "\x1b" not in out and "\x9b" not in out and "\x9d" not in out and "\u202e" not in out
    assert "\x00" not in out and "\x07" not in out
    for line in out.splitlines():
        # only the github format's own annotations start a runner command
        assert (
            not line.startswith("::")
            or (name == "github" and line.startswith("::error"))
            or (name == "github" and line.startswith(("::warning", "::notice")))
        ), line
        # (a runner obeys a command only at the start of a line: inside one it is text)
    if name == "junit":
        ET.fromstring(out)  # well-formed XML
    if name in ("json", "sarif"):
        json.loads(out)


@settings(max_examples=60, deadline=None)
@given(HOSTILE)
def test_junit_stays_well_formed_for_any_input(evil: str) -> None:
    ET.fromstring(get_format("junit").render(_report(evil)))


def test_the_paste_loses_c1_controls_and_bidi_overrides() -> None:
    from troubleshoot.parse import parse_paste

    parsed = parse_paste("ERROR:    \x9b2J\x9d0;x\x07Application startup failed.\u202e Exiting.\n")
    assert parsed.text == "Application startup failed. Exiting."


@given(HOSTILE)
def test_feed_text_is_always_well_formed_xml(text: str) -> None:
    """Issue 16: feed.xml was ill-formed when a KB entry held a control character."""
    from troubleshoot.site.feeds import xml_text

    root = ET.Element("entry")
    ET.SubElement(root, "title").text = xml_text(text)
    parsed = ET.fromstring(ET.tostring(root, encoding="unicode"))
    title = parsed.find("title")
    assert title is not None
    assert (title.text or "").replace("\r", "\n") == xml_text(text).replace(
        "\r", "\n"
    ) or "\r" in text
