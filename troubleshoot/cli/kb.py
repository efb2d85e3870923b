"""`doctor kb ...`: validate and compile the knowledge base."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from troubleshoot.cli._common import settings
from troubleshoot.cli.app import app

kb_app = typer.Typer(help="Validate, compile and inspect the knowledge base.", no_args_is_help=True)
app.add_typer(kb_app, name="kb")


@kb_app.command("validate")
def validate(ctx: typer.Context) -> None:
    """Check every entry and evidence file against the schema (exit 1 on problems)."""
    from troubleshoot.errors import EntryInvalid
    from troubleshoot.kbload import load_kb

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
    from troubleshoot.kbcompile import build_db
    from troubleshoot.kbload import load_kb
    from troubleshoot.kbstore import cache_errors, source_files, source_hash

    s = settings(ctx)
    target = output or s.db_path
    kb = load_kb(s)
    with cache_errors(target):
        build_db(kb, target, source_hash(source_files(s), s.kb_dir))
    sys.stdout.write(f"built {target}\n")


@kb_app.command("path")
def path(ctx: typer.Context) -> None:
    """Print where the KB sources and the compiled database are."""
    s = settings(ctx)
    sys.stdout.write(f"sources: {s.kb_dir}\nfixes: {s.fixes_dir}\ndatabase: {s.db_path}\n")


@kb_app.command("stats")
def stats(
    ctx: typer.Context,
    newest: Annotated[
        str | None,
        typer.Option(
            help="The newest uvicorn release to check evidence against "
            "(default: the newest release any evidence mentions)."
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Entries by kind, verified boundaries, evidence freshness, gaps at the newest release."""
    import json

    from troubleshoot.kbload import load_kb
    from troubleshoot.kbstats import kb_stats

    report = kb_stats(load_kb(settings(ctx)), newest)
    if json_out:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return
    from troubleshoot.cli._common import console

    out = console()
    out.print(
        f"{report['entries']} entries; by kind: "
        + ", ".join(f"{k} {n}" for k, n in report["by_kind"].items()),
        markup=False,
    )
    out.print(
        f"verified boundaries: {report['verified']} of {report['versioned']} "
        "version-bug/regression entries",
        markup=False,
    )
    fixes = report["fixes"]
    out.print(
        f"fix options tested by a repro: {fixes['tested']} of {fixes['testable']} "
        f"code/config/workaround fixes ({len(fixes['not_run'])} cannot run here, with reasons)",
        markup=False,
    )
    out.print(f"newest release seen in evidence: {report['newest'] or 'none'}", markup=False)
    for row in report["freshness"]:
        out.print(
            f"  {row['id']}: {row['records']} runs, last {row['last_run'] or 'never'}", markup=False
        )
    missing = report["missing_newest"]
    out.print(
        f"no evidence against {report['newest'] or 'the newest release'}: "
        + (", ".join(missing) or "none"),
        markup=False,
    )
