"""docs/repro-harness.md names every public call a scenario has on a Launch."""

from __future__ import annotations

from dataclasses import fields

from tests.conftest import REPO
from troubleshoot.harness.launch import Launch


def test_every_public_launch_call_is_documented() -> None:
    doc = (REPO / "docs" / "repro-harness.md").read_text(encoding="utf-8")
    data = {f.name for f in fields(Launch)} | {"pid"}
    calls = [n for n in vars(Launch) if not n.startswith("_") and n not in data]
    assert len(calls) > 20  # the class was read
    assert [n for n in calls if f".{n}" not in doc] == []
