"""In-process checks: one settings record drives the CLI and run(); log lines round-trip."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reference_server.cli import build_parser, parse
from reference_server.errors import ConfigError
from reference_server.guard import line_is_guarded
from reference_server.logs import format_line, parse_line
from reference_server.settings import Settings


def test_every_setting_is_a_cli_option() -> None:
    parser = build_parser()
    dests = {action.dest for action in parser._actions}
    fields = {f.name for f in dataclasses.fields(Settings)} - {"app"}
    assert fields <= dests


def test_cli_values_reach_the_settings() -> None:
    settings = parse(
        [
            "main:app",
            "--port",
            "0",
            "--workers",
            "3",
            "--reload",
            "--reload-dir",
            "a",
            "--reload-dir",
            "b",
            "--reload-include",
            "*.toml",
            "--no-access-log",
            "--ssl-cert-reqs",
            "2",
            "--lifespan",
            "off",
            "--limit-concurrency",
            "7",
        ]
    )
    assert settings == Settings(
        app="main:app",
        port=0,
        workers=3,
        reload=True,
        reload_dirs=("a", "b"),
        reload_includes=("*.toml",),
        access_log=False,
        ssl_cert_reqs=2,
        lifespan="off",
        limit_concurrency=7,
    )


def test_defaults_match_between_cli_and_run() -> None:
    assert parse(["main:app"]) == Settings.from_kwargs("main:app", {})


def test_run_kwargs_normalise_a_single_reload_dir() -> None:
    assert Settings.from_kwargs("m:a", {"reload_dirs": "src"}).reload_dirs == ("src",)


def test_unknown_run_option_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown option.*relaod.*known options: "):
        Settings.from_kwargs("m:a", {"relaod": True})


def test_invalid_combinations_are_reported_together() -> None:
    with pytest.raises(ConfigError) as info:
        Settings(app="m:a", workers=0, port=70000, uds="x", fd=3).check()
    message = info.value.message
    assert "--workers" in message and "--port" in message and "--uds and --fd" in message


values = st.one_of(
    st.integers(),
    st.booleans(),
    st.none(),
    st.text(max_size=40),
    st.floats(allow_nan=False, allow_infinity=False),
)


@given(
    event=st.from_regex(r"[a-z_]{1,20}", fullmatch=True),
    fields=st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), values, max_size=6),
    level=st.sampled_from(["info", "warning", "error", "debug", "critical"]),
)
def test_log_lines_round_trip(event: str, fields: dict[str, object], level: str) -> None:
    line = format_line(level, event, fields)  # type: ignore[arg-type]
    assert "\n" not in line
    parsed = parse_line(line)
    assert parsed is not None
    assert parsed[0] == level.upper() and parsed[1] == event
    assert parsed[2] == {k: str(v) for k, v in fields.items()}


def test_log_line_format_is_the_documented_one() -> None:
    line = format_line("info", "listening", {"url": "http://127.0.0.1:8000", "pid": 1})
    assert line == "INFO:     reference_server: listening url=http://127.0.0.1:8000 pid=1"
    assert format_line("error", "x", {"error": 'a "b"'}).endswith('error="a \\"b\\""')


@pytest.mark.parametrize(
    ("source", "line", "expected"),
    [
        ('import x\nx.run("m:a", reload=True)\n', 2, False),
        ('if __name__ == "__main__":\n    run("m:a")\n', 2, True),
        ("if '__main__' == __name__:\n    pass\n    run()\n", 3, True),
        ("def main():\n    run()\nmain()\n", 3, False),
        ("if DEBUG:\n    run()\n", 2, False),
        ("def broken(:\n", 1, None),
    ],
)
def test_main_guard_detection(source: str, line: int, expected: bool | None) -> None:
    assert line_is_guarded(source, line) is expected


def test_docs_list_every_option_and_event() -> None:
    """docs/reference-server.md cannot drift from the settings record or the events."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "reference-server.md").read_text()
    parser = build_parser()
    flags = [
        flag
        for action in parser._actions
        for flag in action.option_strings
        if flag.startswith("--") and flag != "--help"
    ]
    # what the discovery finds today (29 options, 38 events): finding next to nothing
    # would make the loops below pass on nothing
    assert len(flags) >= 25, flags
    for flag in flags:
        assert f"`{flag}" in doc, f"{flag} is not documented"
    source = "\n".join(p.read_text() for p in (root / "reference_server").glob("*.py"))
    events = set(re.findall(r'\.(?:info|warning|debug|failure)\(\s*"([a-z_]+)"', source))
    events |= set(re.findall(r'event = "([a-z_]+)"', source))
    events |= set(re.findall(r'^\s+"([a-z_]+)",\n\s+(?:exc|status|reason)=', source, re.M))
    assert len(events) >= 30, sorted(events)
    for event in events:
        assert f"`{event}`" in doc, f"event {event} is not documented"
