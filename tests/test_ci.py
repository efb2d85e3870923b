"""The README's commands and .ci/run stay in step."""

from __future__ import annotations

import re

from tests.conftest import REPO


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "README must start with a sh block holding the two commands"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_readme_top_has_the_two_commands() -> None:
    commands = _readme_commands()
    assert len(commands) == 2
    assert "doctor paste-traceback examples/" in commands[0]
    assert "pytest" in commands[1]
    example = commands[0].split("doctor paste-traceback ", 1)[1].split()[0]
    assert (REPO / example).is_file()


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_commands()[1] in ci.splitlines()
