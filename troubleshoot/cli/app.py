"""The ``doctor`` Typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="doctor",
    help="Diagnose uvicorn failures: paste a traceback, check an environment, read the fixes.",
    no_args_is_help=False,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    rich_markup_mode=None,
)
