"""Closed vocabularies shared by the schema and the CLI (cheap to import)."""

from __future__ import annotations

from typing import Literal

Kind = Literal[
    "version-bug", "regression", "security", "misuse", "docs-only", "environment", "wontfix"
]
Severity = Literal["low", "medium", "high", "critical"]
PLATFORMS = ("linux", "darwin", "win32")
