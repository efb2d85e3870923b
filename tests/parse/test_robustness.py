"""Bad input, huge input, and properties that must hold for any text."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import pytest
from helpers import SAMPLES, sample
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from troubleshoot.parse import parse_paste
from troubleshoot.parse.model import Parsed
from troubleshoot.parse.reader import MAX_EXCEPTIONS, MAX_LOG_EVENTS
from troubleshoot.parse.traceback import MAX_TEXT_CHARS


@contextmanager
def guard(seconds: int) -> Iterator[None]:
    """Fail instead of hanging if something is super-linear; not a speed target."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise AssertionError(f"parsing took more than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def check_invariants(parsed: Parsed) -> None:
    for exc in parsed.exceptions:
        assert 1 <= exc.line_no <= parsed.line_count
        assert exc.group_depth >= 0
        assert exc.complete or (exc.type == "" and exc.message == "")
    for event in parsed.log_events:
        assert 1 <= event.line_no <= parsed.line_count
        assert event.message
    assert len(parsed.text) <= MAX_TEXT_CHARS


# -- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\n", "\r\n\r\n"])
def test_empty_paste(text: str) -> None:
    parsed = parse_paste(text)
    assert parsed.exceptions == () and parsed.log_events == ()
    assert parsed.notes == ("the paste is empty",)
    assert parsed.text == ""


def test_binary_replacement_chars_and_nul_bytes() -> None:
    raw = bytes(range(256)) * 4 + b"\nTraceback (most recent call last):\n\x00\x00"
    raw += b'  File "/a\xff.py", line 1, in f\x00\nValueError: bad \xfe\x00byte\n'
    parsed = parse_paste(raw.decode("utf-8", errors="replace"))
    check_invariants(parsed)
    (exc,) = parsed.exceptions
    assert exc.type == "ValueError"
    assert exc.message == "bad \ufffdbyte"
    assert exc.frames[0].file == "/a\ufffd.py"
    assert "\x00" not in parsed.text


def test_only_a_long_line() -> None:
    with guard(60):
        parsed = parse_paste("x" * 5_000_000)
    assert parsed.line_count == 1
    assert any("longer than" in note for note in parsed.notes)


# -- scale ------------------------------------------------------------------------------


def _count_calls(text: str) -> int:
    """Python and C function calls (regex methods included) made while parsing."""
    calls = 0

    def profiler(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(profiler)
    try:
        parse_paste(text)
    finally:
        sys.setprofile(None)
    return calls


@pytest.mark.parametrize(
    "name", ["starlette_group_py312.txt", "compose_interleaved.txt", "rich_box.txt"]
)
def test_work_is_linear_in_the_paste(name: str) -> None:
    one = sample(name)
    small = _count_calls(one * 20)
    large = _count_calls(one * 200)
    assert large <= 10 * small + 10_000


def test_many_exceptions_and_log_lines_are_capped() -> None:
    block = sample("starlette_group_py312.txt")
    with guard(120):
        parsed = parse_paste(block * 2000)  # 66,000 lines, 6,000 exceptions
    check_invariants(parsed)
    assert len(parsed.exceptions) == 2 * MAX_EXCEPTIONS
    assert len(parsed.log_events) == 2 * MAX_LOG_EVENTS
    assert parsed.exceptions[0].line_no == 11  # the first ones are kept ...
    assert parsed.exceptions[-1].line_no == parsed.line_count - 1  # ... and the last ones
    assert any("6000 exceptions" in note for note in parsed.notes)


def test_a_million_lines() -> None:
    line = 'INFO:     127.0.0.1:5000 - "GET / HTTP/1.1" 200 OK\n'
    with guard(300):
        parsed = parse_paste(line * 1_000_000)
    assert parsed.line_count == 1_000_000
    assert len(parsed.log_events) == 2 * MAX_LOG_EVENTS
    assert len(parsed.text) <= MAX_TEXT_CHARS
    assert any("normalised text was cut" in note for note in parsed.notes)


@pytest.mark.parametrize(
    "line",
    [
        "a." * 4000,
        'File "' + '"' * 8000,
        ' File "x", line 1, in f' * 300 + " ValueError:" * 100,
        "[" * 8000,
        "\x1b[" + "1;" * 4000,
        "| " * 4000,
        "uvicorn==" * 900,
        "a-" * 4000 + ".dist-info",
        "╭" + "│" * 8000,
        "Process " + "x" * 8000,
        'Traceback (most recent call last): File "' * 200,
    ],
    ids=lambda line: repr(line[:24]),
)
def test_pathological_lines_stay_fast(line: str) -> None:
    with guard(60):
        parsed = parse_paste((line + "\n") * 400)
    check_invariants(parsed)


# -- properties -------------------------------------------------------------------------

_FRAGMENTS = [
    line
    for path in sorted(SAMPLES.glob("*.txt"))
    for line in path.read_text(encoding="utf-8").splitlines()
] + [
    "",
    "  ",
    "\x00",
    "\ufffd\ufffd",
    "\r",
    "\x1b[31m",
    "... (truncated) ...",
    "< truncated lines 1-2 >",
    "During handling of the above exception, another exception occurred:",
    "The above exception was the direct cause of the following exception:",
    "  + Exception Group Traceback (most recent call last):",
    "  +-+---------------- 1 ----------------",
    "    +------------------------------------",
    "      | ValueError: x",
    "╭─ Traceback (most recent call last) ─╮",
    "│ /a.py:1 in f │",
    "╰──╯",
    "RuntimeError:",
    "KeyboardInterrupt",
    "web_1  | Traceback (most recent call last):",
    "Process SpawnProcess-1:",
]

_pastes = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=30)), max_size=80).map(
        "\n".join
    ),
    st.lists(st.sampled_from(_FRAGMENTS), max_size=80).map("\r\n".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_pastes)
def test_never_raises_and_is_deterministic(text: str) -> None:
    parsed = parse_paste(text)
    check_invariants(parsed)
    assert parse_paste(text) == parsed
