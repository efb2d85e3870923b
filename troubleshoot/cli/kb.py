"""`doctor kb ...`: validate and compile the knowledge base."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from troubleshoot.cli import app
from troubleshoot.cli._common import settings

kb_app = typer.Typer(help="Validate, compile and inspect the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


@kb_app.command("validate")
def validate(ctx: typer.Context) -> None:
    """Check every entry and evidence file against the schema (exit 1 on problems)."""
    from troubleshoot.errors import EntryInvalid
    from troubleshoot.kbstore import load_kb

    try:
        kb = load_kb(settings(ctx))
    except EntryInvalid as exc:
        sys.stderr.write(exc.message + "\n")
        raise typer.Exit(1) from None
    evidence = sum(len(v) for v in kb.evidence.values())
    sys.stdout.write(f"ok: {len(kb.entries)} entries, {evidence} evidence records\n")


@kb_app.command("build")
def build(
    ctx: typer.Context,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the database here instead of the cache."),
    ] = None,
) -> None:
    """Compile the KB into SQLite (FTS5); the previous file is kept if the build fails."""
    from troubleshoot.kbstore import build_db, load_kb, source_files, source_hash

    s = settings(ctx)
    target = output or s.db_path
    build_db(load_kb(s), target, source_hash(source_files(s), s.kb_dir))
    sys.stdout.write(f"built {target}\n")


@kb_app.command("path")
def path(ctx: typer.Context) -> None:
    """Print where the KB sources and the compiled database are."""
    s = settings(ctx)
    sys.stdout.write(f"sources: {s.kb_dir}\nfixes: {s.fixes_dir}\ndatabase: {s.db_path}\n")
