"""A scenario that installs an implementation beside a --no-deps release picks it itself:
the release's pure-Python flag for that choice is not forced on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from troubleshoot.harness import interpreters, servers, venvs
from troubleshoot.harness.interpreters import Interpreter, InterpreterSearch
from troubleshoot.harness.servers import PreparedServer, ServerSpec

HELP = (
    "  --loop [auto|asyncio|uvloop]\n  --http [auto|h11|httptools]\n  --ws [none|auto|websockets]\n"
)


@pytest.fixture
def fake_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    interpreter = Interpreter(Path("/usr/bin/python3.8"), "3.8.18")
    monkeypatch.setattr(
        interpreters, "find_interpreter", lambda _: InterpreterSearch(interpreter, ())
    )
    monkeypatch.setattr(venvs, "ensure_env", lambda *a, **k: tmp_path)
    monkeypatch.setattr(venvs, "cli_choices", lambda _: HELP)


def _prepare(extras: tuple[str, ...]) -> PreparedServer:
    prepared = servers.prepare(ServerSpec("uvicorn", "0.11.6"), extras)
    assert isinstance(prepared, PreparedServer)
    return prepared


@pytest.mark.usefixtures("fake_env")
def test_old_release_runs_pure_python_without_extras() -> None:
    prepared = _prepare(())
    assert prepared.cli_flags == ("--loop", "asyncio", "--http", "h11", "--ws", "none")
    assert prepared.run_kwargs == {"loop": "asyncio", "http": "h11", "ws": "none"}


@pytest.mark.usefixtures("fake_env")
@pytest.mark.parametrize(
    ("extras", "lifted"),
    [
        (("httptools==0.6.4",), "--http"),
        (("uvloop",), "--loop"),
        (("websockets<11",), "--ws"),
        (("WSProto>=1",), "--ws"),
    ],
)
def test_an_extra_implementation_lifts_its_flag(extras: tuple[str, ...], lifted: str) -> None:
    prepared = _prepare(extras)
    assert lifted not in prepared.cli_flags
    assert lifted.lstrip("-") not in prepared.run_kwargs
    assert len(prepared.cli_flags) == 4  # the two other choices stay forced


@pytest.mark.usefixtures("fake_env")
def test_unrelated_or_unreadable_extras_change_nothing() -> None:
    assert _prepare(("h11==0.14.0", "not a requirement!")).cli_flags == (
        "--loop",
        "asyncio",
        "--http",
        "h11",
        "--ws",
        "none",
    )
