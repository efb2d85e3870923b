"""Shared CLI plumbing: the resolved settings and lazily-created consoles."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from troubleshoot.config import Settings

if TYPE_CHECKING:
    from rich.console import Console


def settings(ctx: typer.Context) -> Settings:
    """Settings resolved once per invocation by the root callback."""
    root = ctx.find_root()
    if not isinstance(root.obj, Settings):
        kb_dir = root.params.get("kb_dir") if root.params else None
        root.obj = Settings.resolve(Path(kb_dir) if kb_dir else None)
    return root.obj


def console(*, stderr: bool = False) -> Console:
    """A rich console; rich is imported only by the text renderers that need it."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)
