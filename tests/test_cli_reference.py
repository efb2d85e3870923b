"""docs/cli.md is the commands' own --help: regenerate it when a command changes."""

from __future__ import annotations

from tests.conftest import REPO
from troubleshoot.cli.reference import render


def test_cli_reference_is_current() -> None:
    committed = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == render(), (
        "docs/cli.md is stale: run `python -m troubleshoot.cli.reference > docs/cli.md`"
    )
