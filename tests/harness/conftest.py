"""Fixtures for the repro harness tests: the repo's fixes/ and a shared venv cache."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXES = REPO / "fixes"


@pytest.fixture(autouse=True)
def _shared_envs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """uvicorn venvs are expensive and keyed by release: share them across runs.

    The suite's conftest points DOCTOR_CACHE_DIR at a temporary folder; the venv
    pool keeps its own stable location (``DOCTOR_ENVS_DIR``, which CI caches),
    defaulting to the user's doctor cache.
    """
    if "DOCTOR_ENVS_DIR" not in os.environ:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        monkeypatch.setenv("DOCTOR_ENVS_DIR", str(Path(base) / "uvicorn-doctor" / "envs"))
    yield


def repro_ids() -> list[str]:
    return sorted(p.parent.name for p in FIXES.glob("*/scenario.py"))
